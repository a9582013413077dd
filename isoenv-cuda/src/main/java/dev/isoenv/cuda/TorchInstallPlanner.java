package dev.isoenv.cuda;

import com.google.auto.service.AutoService;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.cuda.config.Setting;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.cuda.probe.OverrideProbe;
import dev.isoenv.cuda.variant.VariantChoice;
import dev.isoenv.cuda.variant.VariantRequest;
import dev.isoenv.cuda.variant.VariantResolver;
import dev.isoenv.cuda.verify.ExpectedBuild;
import dev.isoenv.cuda.verify.TorchBuildCheck;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.PostInstallCheck;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Plans installs that contain PyTorch, so that torch is always the build that runs on the machine's
 * accelerator. When a specification requires a torch-family distribution (torch, torchvision, torchaudio,
 * triton, xformers, ...), the plan is:
 *
 * <ol>
 *   <li>the torch-family requirements alone, without their dependencies, from the chosen variant's index and
 *       nothing else ({@link PackageIndexes#only(String)}, or a {@code file:} folder of wheels as the only
 *       find-links location, see {@link VariantSource}); an exact pin such as {@code torch==2.5.1} becomes
 *       {@code torch==2.5.1+cu126} where the variant's wheels carry that label, and a companion (torchvision)
 *       brings {@code torch} along. The step is skipped when the family is installed as planned, replaces a wrong
 *       build by installing over it, and routes family members that the next step would bring as dependencies
 *       (torchvision for timm) to the same index ({@link InstallStep#router()});</li>
 *   <li>every requirement, with the specification's indexes and constraints, with the installed torch family
 *       pinned so that nothing can replace it: torch's own dependencies come from here;</li>
 * </ol>
 *
 * with the fingerprint contribution {@code torch-variant=<variant>} (a driver upgrade that changes the choice
 * makes the next {@code ensure()} update the environment), the resolver's explanation, and a
 * {@link TorchBuildCheck} unless {@code isoenv.torch.verify=false}.
 *
 * <p>The index pattern and the accelerator facts are read from the specification's options, then the client's
 * ({@link PlanningContext#options()}), then the system properties and variables ({@link Settings#withOptions}).
 *
 * <p>{@code plan} runs on every {@code ensure()}: detection is cached by the client behind
 * {@link PlanningContext#accelerator()} and the data by its {@link TorchDataSource}, and a specification
 * without a torch-family requirement is declined before either is consulted: the names of the built-in family
 * are known without parsing the data ({@link TorchData#BUILT_IN_TORCH_FAMILY}), so the data is loaded only for
 * a specification that names one of them, or when a user data file may add others.
 *
 * <p>The plan's {@linkplain InstallPlan#choices() choices} are {@value #CHOICE_VARIANT} (the variant, such as
 * {@code cu126}) and {@value #CHOICE_INDEX} (its index URL, credentials masked).
 *
 * <p>A specification that names no torch-family distribution (only timm, say) gets no variant, and its torch comes
 * from the ordinary indexes; {@link TorchNotNamedPlanner} says so in its plan.
 */
@AutoService(InstallPlanner.class)
public final class TorchInstallPlanner implements InstallPlanner {
    /** The fingerprint contribution starts with this, followed by the variant. */
    public static final String FINGERPRINT_PREFIX = "torch-variant=";
    /** The key of the chosen variant in the plan's choices. */
    public static final String CHOICE_VARIANT = "torch.variant";
    /** The key of the chosen variant's index URL in the plan's choices. */
    public static final String CHOICE_INDEX = "torch.index";
    /** The key, in the plan's choices, of the accelerator's facts when they were given rather than detected. */
    public static final String CHOICE_ACCELERATOR = "accelerator";
    /** The key, in the plan's choices, of what the check after the install does not prove on this machine. */
    public static final String CHOICE_GPU_CHECK = "torch.gpu-check";

    private final Supplier<Accelerator> accelerator;
    private final TorchDataSource data;
    private final Settings settings;

    /**
     * Creates the planner that {@link java.util.ServiceLoader} uses: the client's accelerator detection, and the
     * data and settings of this JVM.
     */
    public TorchInstallPlanner() {
        this.accelerator = null;
        this.data = TorchDataSource.system();
        this.settings = Settings.system();
    }

    /**
     * Creates a planner with the given accelerator and data, reading other settings from this JVM.
     *
     * @param accelerator supplies the accelerator; called only when a plan is needed
     * @param data supplies the variant data
     */
    public TorchInstallPlanner(Supplier<Accelerator> accelerator, TorchDataSource data) {
        this(accelerator, data, Settings.system());
    }

    /**
     * Creates a planner with everything given, for tests.
     *
     * @param accelerator supplies the accelerator; called only when a plan is needed
     * @param data supplies the variant data
     * @param settings the settings, of which this planner reads {@link Setting#TORCH_VERIFY}
     */
    public TorchInstallPlanner(Supplier<Accelerator> accelerator, TorchDataSource data, Settings settings) {
        // Given explicitly, the accelerator replaces the client's detection.
        this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
        this.data = Objects.requireNonNull(data, "data");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "torch";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
        if (!mayNameTorchFamily(spec)) {
            return Optional.empty();
        }
        Settings layered = settings.withOptions(spec.backendOptions(), context.options());
        TorchData torchData = data.load();
        Optional<Settings.Value> pattern = layered.lookup(Setting.TORCH_INDEX_URL);
        if (pattern.isPresent() && !pattern.get().value().equals(torchData.indexUrlPattern())) {
            // An option, or settings given to this planner that its data source did not apply.
            torchData = torchData.withIndexUrlPattern(pattern.get().value(), pattern.get().source());
        }
        List<Requirement> family = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            if (torchData.isTorchFamily(r.normalizedName())) {
                family.add(r);
            }
        }
        if (family.isEmpty()) {
            return Optional.empty();
        }
        TorchRequest request = TorchRequest.of(spec, family, torchData);
        Accelerator seen = request.pinnedVariant()
                .map(v -> Accelerator.declared(v.acceleratorKind(), "the requirement " + request.requestedAs())
                        .withAttribute(OverrideProbe.VARIANT_ATTRIBUTE, v.name()))
                .orElseGet(() -> optionFacts(layered).orElseGet(() ->
                        accelerator != null ? accelerator.get() : context.accelerator()));
        VariantChoice choice = new VariantResolver(torchData).resolve(VariantRequest.builder(seen)
                .torch(request.specifier())
                .requestedAs(request.requestedAs())
                .os(context.os())
                .architecture(context.architecture())
                .python(context.pythonVersion())
                .build());

        VariantSource source = VariantSource.of(choice.indexUrl());
        String setting = indexSetting(layered);
        String label = choice.localLabel().orElse("");
        TorchData dataForRoutes = torchData;
        InstallStep torchStep = InstallStep.builder("torch family from the PyTorch " + choice.variant() + " index")
                .requirements(withLocalLabels(withTorch(family, request, torchData), choice, torchData))
                .constraints(spec.constraints())
                .indexes(source.indexes())
                .withoutDependencies()
                .skipWhenSatisfied()
                .indexSetting(setting)
                .routeDependencies(resolved -> route(resolved, label, dataForRoutes))
                .replaceInstalled("installed for another variant than " + choice.variant(),
                        wrongBuild(label, labelledFamily(torchData)))
                .build();
        InstallStep everything = InstallStep.builder("all requirements, with the torch family pinned")
                .requirements(spec.requirements())
                .constraints(spec.constraints())
                .indexes(spec.indexes())
                .pinInstalled(torchData.torchFamily())
                .build();
        boolean verify = layered.isEnabled(Setting.TORCH_VERIFY, true);
        ExpectedBuild expected = expectedBuild(choice, request, torchData);
        List<PostInstallCheck> checks = verify ? List.of(new TorchBuildCheck(expected)) : List.of();
        java.util.Map<String, String> choices = new java.util.TreeMap<>();
        choices.put(CHOICE_VARIANT, choice.variant().name());
        String masked = source.indexes().mask(choice.indexUrl());
        InstallPlan plan = new InstallPlan(List.of(torchStep, everything), checks,
                FINGERPRINT_PREFIX + choice.variant(), choice.explain() + "\nThe torch family comes from "
                + masked + (source.isFolder() ? " (a folder of wheels)" : "") + ", set by " + setting
                + "; everything else, torch's own dependencies included, from " + ordinarySource(spec) + ".")
                .withChoices(withFacts(choices, masked, seen, choice, expected, verify));
        return Optional.of(seen.degradation().map(reason -> plan.tentative("accelerator detection was incomplete ("
                + reason + "), so the choice of " + choice.variant() + " may be wrong")).orElse(plan));
    }

    /**
     * The plan's choices: the variant and its index, and, when the accelerator's facts were given (a driver, compute
     * capabilities or gfx targets in options or properties) rather than detected, those facts
     * ({@value #CHOICE_ACCELERATOR}) and what the check after the install does not prove on this machine
     * ({@value #CHOICE_GPU_CHECK}), so that an archive built for other machines says what it was built for.
     */
    private static java.util.Map<String, String> withFacts(java.util.Map<String, String> choices, String index,
                                                           Accelerator seen, VariantChoice choice,
                                                           ExpectedBuild expected, boolean verify) {
        choices.put(CHOICE_INDEX, index);
        if (!OverrideProbe.isOverride(seen) || OverrideProbe.forcedVariant(seen).isPresent()
                || !seen.detectedBy().startsWith(OverrideProbe.DETECTED_BY_PREFIX)) {
            return choices;
        }
        StringBuilder facts = new StringBuilder(seen.kind().equals(Accelerator.Kind.NVIDIA_CUDA) ? "NVIDIA CUDA"
                : seen.kind().equals(Accelerator.Kind.AMD_ROCM) ? "AMD ROCm" : seen.kind().id());
        seen.driverVersion().ifPresent(d -> facts.append(", driver ").append(d));
        java.util.Set<String> architectures = new java.util.TreeSet<>();
        seen.devices().forEach(d -> architectures.add(d.architecture()));
        architectures.remove("");
        if (!architectures.isEmpty()) {
            facts.append(seen.kind().equals(Accelerator.Kind.NVIDIA_CUDA) ? ", compute capability " : ", ")
                    .append(String.join(", ", architectures));
        }
        facts.append("; given by ").append(seen.detectedBy().substring(OverrideProbe.DETECTED_BY_PREFIX.length()))
                .append(", not detected on this machine");
        choices.put(CHOICE_ACCELERATOR, facts.toString());
        TorchVariant.Kind kind = choice.variant().kind();
        if (kind == TorchVariant.Kind.CUDA || kind == TorchVariant.Kind.ROCM) {
            choices.put(CHOICE_GPU_CHECK, !verify ? "not run: torch.verify is false"
                    : "not run on the machine that built it, whose GPU was not detected: the installed build was"
                    + " checked (" + expected.describe() + "), whether torch sees a GPU"
                    + " (torch.cuda.is_available()) was not; check it on the target");
        }
        return choices;
    }

    /** Where everything but the torch family comes from: the ordinary indexes, as the plan's explanation names them. */
    static String ordinarySource(EnvironmentSpec spec) {
        return spec.indexes().isMachineDefault() ? (spec.inheritsMachineConfiguration()
                ? "the machine's pip configuration" : "the default index") : "the specification's indexes";
    }

    /** The accelerator that a specification's or client's options describe, when they describe one. */
    private static Optional<Accelerator> optionFacts(Settings layered) {
        for (Setting fact : List.of(Setting.TORCH_VARIANT, Setting.CUDA_DRIVER, Setting.CUDA_COMPUTE_CAPABILITY,
                Setting.CUDA_WSL, Setting.ROCM_GFX)) {
            if (layered.setByOption(fact)) {
                dev.isoenv.spi.ProbeResult result = OverrideProbe.probe(layered, ProbeContext.system());
                return result.accelerator();
            }
        }
        return Optional.empty();
    }

    /** Names where the variant index pattern comes from, for the plan and for errors. */
    private static String indexSetting(Settings layered) {
        Optional<Settings.Value> value = layered.lookup(Setting.TORCH_INDEX_URL);
        if (value.isPresent()) {
            return value.get().source();
        }
        return "the built-in default (set the specification's or client's option " + Setting.TORCH_INDEX_URL.option()
                + ", or the system property " + Setting.TORCH_INDEX_URL.property() + ", to a mirror's"
                + " https://mirror.example/whl/{variant} or file:///folder/{variant})";
    }

    /**
     * Adds {@code torch} to a family of companions that carry the variant label (torchvision, torchaudio), which
     * need it: installed without dependencies, they would otherwise leave torch to the ordinary indexes.
     */
    private static List<Requirement> withTorch(List<Requirement> family, TorchRequest request, TorchData data) {
        boolean hasTorch = false;
        boolean needsTorch = false;
        for (Requirement r : family) {
            hasTorch |= r.normalizedName().equals("torch");
            needsTorch |= data.carriesVariantLabel(r.normalizedName());
        }
        if (hasTorch || !needsTorch) {
            return family;
        }
        List<Requirement> out = new ArrayList<>(family);
        out.add(0, Requirement.parse("torch" + request.specifier()));
        return out;
    }

    /**
     * Routes the torch-family distributions that the ordinary install would bring as dependencies (a torchvision
     * that timm needs, a pytorch-triton-rocm that torch needs) to the variant index, in the versions the resolution
     * chose, with the variant's label where its wheels carry one.
     */
    static List<Requirement> route(List<dev.isoenv.InstalledDistribution> resolved, String label, TorchData data) {
        List<Requirement> routed = new ArrayList<>();
        for (dev.isoenv.InstalledDistribution d : resolved) {
            if (!data.isTorchFamily(d.normalizedName()) || !Version.isValid(d.version())) {
                continue;
            }
            Version version = Version.parse(d.version());
            String pinned = data.carriesVariantLabel(d.normalizedName())
                    ? (label.isEmpty() ? version.publicVersion().toString() : version.publicVersion() + "+" + label)
                    : version.toString();
            routed.add(Requirement.parse(d.normalizedName() + "==" + pinned));
        }
        return routed;
    }

    /**
     * Tells, without loading the data, whether a requirement may belong to the torch family: it is one of the
     * built-in family, or a user data file may have added names.
     */
    private boolean mayNameTorchFamily(EnvironmentSpec spec) {
        for (Requirement r : spec.requirements()) {
            if (TorchData.BUILT_IN_TORCH_FAMILY.contains(r.normalizedName())) {
                return true;
            }
        }
        return !spec.requirements().isEmpty() && data.mayExtendTorchFamily();
    }

    /**
     * Rewrites exact pins of labelled family members to the variant's local version, such as
     * {@code torch==2.5.1} to {@code torch==2.5.1+cu126}; other requirements are kept as written.
     */
    private static List<Requirement> withLocalLabels(List<Requirement> family, VariantChoice choice, TorchData data) {
        if (choice.localLabel().isEmpty()) {
            return family;
        }
        List<Requirement> out = new ArrayList<>();
        for (Requirement r : family) {
            Optional<Version> pin = r.url().isPresent() ? Optional.empty() : TorchRequest.exactPin(r.specifier());
            if (pin.isPresent() && pin.get().local().isEmpty() && data.carriesVariantLabel(r.normalizedName())) {
                out.add(r.withSpecifier("==" + pin.get().withLocal(choice.localLabel().get())));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Accepts an installed family member that carries another local version label than {@code label} ("" for
     * none): an unpinned {@code torch} from an earlier variant would otherwise be kept as satisfied.
     */
    private static java.util.function.Predicate<dev.isoenv.InstalledDistribution> wrongBuild(String label,
                                                                                          Set<String> labelled) {
        String required = label.toLowerCase(java.util.Locale.ROOT);
        return d -> labelled.contains(d.normalizedName()) && Version.isValid(d.version())
                && !Version.parse(d.version()).local().orElse("").equals(required);
    }

    /** The family members whose wheels carry the variant's local version label. */
    private static Set<String> labelledFamily(TorchData data) {
        Set<String> labelled = new TreeSet<>();
        for (String name : data.torchFamily()) {
            if (data.carriesVariantLabel(name)) {
                labelled.add(name);
            }
        }
        return labelled;
    }

    private static ExpectedBuild expectedBuild(VariantChoice choice, TorchRequest request, TorchData data) {
        Accelerator seen = choice.accelerator();
        TorchVariant.Kind kind = choice.variant().kind();
        boolean hardwareGpu = !OverrideProbe.isOverride(seen)
                && ((seen.kind().equals(Accelerator.Kind.NVIDIA_CUDA) && kind == TorchVariant.Kind.CUDA)
                || (seen.kind().equals(Accelerator.Kind.AMD_ROCM) && kind == TorchVariant.Kind.ROCM));
        Set<String> labelled = labelledFamily(data);
        return ExpectedBuild.builder(choice.variant())
                .localLabel(choice.localLabel().orElse(null))
                .torchVersion(request.exactPin().orElse(null))
                .gpuExpected(hardwareGpu)
                .family(data.torchFamily(), labelled)
                .build();
    }
}
