package dev.isoenv.cuda;

import com.google.auto.service.AutoService;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Requirement;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.PlanningContext;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a specification that names no torch-family distribution, when no other planner plans it: all requirements
 * together, exactly as isoenv installs them without a planner ({@link InstallPlan#direct}: the same step, no check,
 * nothing added to the fingerprint), with an explanation that says what becomes of a torch-family distribution that a
 * requirement brings in as a dependency (torch for timm): no variant is chosen, so it comes from the ordinary indexes,
 * in whatever build they serve, unverified; naming torch gets the machine's build.
 *
 * <p>So {@code plan()} and {@code explanation()} tell a user of such a specification what {@code ensure()} does,
 * rather than leave them to assume that the torch it pulls in is the build for this machine. The routing of
 * dependencies to a variant index ({@link dev.isoenv.spi.InstallStep#router()}) belongs to a variant, which
 * {@link TorchInstallPlanner} chooses only for a specification that names the family.
 *
 * <p>Its priority is the lowest there is, so that every other planner, a third party's included, plans first; it
 * declines a specification without requirements. Like {@link TorchInstallPlanner} it reads the data only when a
 * user data file may add family members, and it never asks for the accelerator.
 */
@AutoService(InstallPlanner.class)
public final class TorchNotNamedPlanner implements InstallPlanner {
    private final TorchDataSource data;

    /** Creates the planner that {@link java.util.ServiceLoader} uses, with the data of this JVM. */
    public TorchNotNamedPlanner() {
        this(TorchDataSource.system());
    }

    /**
     * Creates a planner with the given data.
     *
     * @param data supplies the variant data, read only when it may add family members
     */
    public TorchNotNamedPlanner(TorchDataSource data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    @Override
    public String name() {
        return "torch-not-named";
    }

    /** The lowest priority: it plans only what no other planner does. */
    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
        if (spec.requirements().isEmpty()) {
            return Optional.empty();
        }
        Set<String> family = data.mayExtendTorchFamily() ? data.load().torchFamily()
                : TorchData.BUILT_IN_TORCH_FAMILY;
        for (Requirement r : spec.requirements()) {
            if (family.contains(r.normalizedName())) {
                // TorchInstallPlanner plans it; a client given other planners gets no claim that it is not named.
                return Optional.empty();
            }
        }
        InstallPlan direct = InstallPlan.direct(spec);
        return Optional.of(new InstallPlan(direct.steps(), direct.checks(), direct.fingerprint(),
                direct.explanation() + " " + explanation(spec)));
    }

    /** What becomes of a torch-family distribution that the requirements bring in. */
    static String explanation(EnvironmentSpec spec) {
        return "No torch-family package (torch, torchvision, torchaudio, ...) is named, so no PyTorch variant is"
                + " chosen: if a requirement brings one in as a dependency, as timm brings torch and torchvision, it"
                + " comes with everything else from " + TorchInstallPlanner.ordinarySource(spec) + ", in whatever"
                + " build that serves, and its build is not verified. To get the build for this machine's"
                + " accelerator, name torch among the requirements (a version is optional); the family members that"
                + " then arrive as dependencies come from its variant's index too.";
    }
}
