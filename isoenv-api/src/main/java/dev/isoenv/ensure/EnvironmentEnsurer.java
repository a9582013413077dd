package dev.isoenv.ensure;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.IsoenvException;
import dev.isoenv.OutputListener;
import dev.isoenv.Requirement;
import dev.isoenv.layout.DistributionScanner;
import dev.isoenv.layout.EnvironmentLayout;
import dev.isoenv.layout.OperatingSystem;
import dev.isoenv.process.ProcessRunner;
import dev.isoenv.process.Redactor;
import dev.isoenv.selection.InstallerSelector;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.PostInstallCheck;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings an environment to its specification; the engine behind {@code Isoenv.ensure}.
 *
 * <ol>
 *   <li><b>Warm path.</b> If the state record says the environment was built by the same backend and Python,
 *       its interpreter exists, and the fingerprint of the last fully successful install equals the
 *       specification's, the environment is returned at once: no lock, no process.</li>
 *   <li>Otherwise, under the environment's lock, the record is read again (another thread or process may have
 *       finished meanwhile). The environment is created, or rebuilt when its Python or backend changed or it was
 *       left half-built; a directory isoenv did not create is never deleted.</li>
 *   <li>The plan's steps run in order, distributions that isoenv installed and nothing needs any more are
 *       removed, the plan's checks run, and only then is the new fingerprint recorded.</li>
 * </ol>
 */
public final class EnvironmentEnsurer {
    private static final System.Logger LOG = System.getLogger("dev.isoenv");
    /** Distributions that are never removed, whatever the requirements say. */
    private static final Set<String> PROTECTED = Set.of("pip", "setuptools", "wheel");

    private final InstallerSelector selector;
    private final List<InstallPlanner> planners;
    private final ProcessRunner runner;
    private final OutputListener listener;
    private final Map<String, String> processEnvironment;

    /**
     * Creates an ensurer.
     *
     * @param selector chooses the backend
     * @param planners the install planners, in any order
     * @param runner runs every process
     * @param listener receives installer output
     * @param processEnvironment the variables child processes start from
     */
    public EnvironmentEnsurer(InstallerSelector selector, List<InstallPlanner> planners, ProcessRunner runner,
                              OutputListener listener, Map<String, String> processEnvironment) {
        this.selector = selector;
        List<InstallPlanner> sorted = new ArrayList<>(planners);
        sorted.sort(Comparator.comparingInt(InstallPlanner::priority).reversed().thenComparing(InstallPlanner::name));
        this.planners = List.copyOf(sorted);
        this.runner = runner;
        this.listener = listener;
        this.processEnvironment = Map.copyOf(processEnvironment);
    }

    /**
     * Ensures the environment of {@code spec}.
     *
     * @param spec the specification
     * @return the environment, satisfying the specification
     */
    public Environment ensure(EnvironmentSpec spec) {
        Path root = spec.location();
        Optional<Environment> warm = warm(spec, root);
        if (warm.isPresent()) {
            return warm.get();
        }
        try (EnvironmentLock lock = EnvironmentLock.acquire(root, spec.timeouts().lock())) {
            warm = warm(spec, root);
            if (warm.isPresent()) {
                return warm.get();
            }
            return converge(spec, root);
        }
    }

    private Optional<Environment> warm(EnvironmentSpec spec, Path root) {
        Optional<StateRecord> read = StateRecord.read(root);
        if (read.isEmpty() || !read.get().isCreated() || read.get().installedFingerprint().isEmpty()) {
            return Optional.empty();
        }
        StateRecord state = read.get();
        if (!sameIdentity(state, spec)) {
            return Optional.empty();
        }
        EnvironmentLayout layout = state.layout(root);
        if (!Files.isRegularFile(layout.python())) {
            return Optional.empty();
        }
        InstallPlan plan = plan(spec, state.pythonVersion());
        if (!SpecFingerprint.of(spec, plan).equals(state.installedFingerprint().get())) {
            if (plan.tentativeReason().isEmpty()
                    || !state.installedSpecFingerprint().orElse("").equals(SpecFingerprint.ofSpec(spec))) {
                return Optional.empty();
            }
            // Same specification, but the plan differs only because its inputs were incomplete (a probe timed
            // out): keep the environment that works rather than reinstall on a guess.
            LOG.log(Level.WARNING, "isoenv: keeping {0} as installed ({1}): {2}", root,
                    state.installedPlan().orElse(""), plan.tentativeReason().get());
        }
        return Optional.of(new ManagedEnvironment(layout, state.backend(), spec, runner, processEnvironment));
    }

    private boolean sameIdentity(StateRecord state, EnvironmentSpec spec) {
        if (!state.pythonRequest().equals(spec.python().toString())) {
            return false;
        }
        Optional<String> named = selector.explicitName(spec.backend());
        return named.isEmpty() || named.get().equalsIgnoreCase(state.backend());
    }

    private Environment converge(EnvironmentSpec spec, Path root) {
        Optional<StateRecord> existing = StateRecord.read(root);
        Installer installer = selector.select(spec.backend(),
                existing.filter(StateRecord::isValid).map(StateRecord::backend));
        BackendContext context = new BackendContext(spec, runner, listener, processEnvironment);

        StateRecord state;
        EnvironmentLayout layout;
        if (existing.isPresent() && existing.get().isCreated() && sameIdentity(existing.get(), spec)
                && existing.get().backend().equals(installer.name())
                && Files.isRegularFile(existing.get().layout(root).python())) {
            state = existing.get();
            layout = state.layout(root);
        } else {
            String why = existing.isEmpty() ? "creating" : existing.get().isCreated() ? "rebuilding" : "repairing";
            LOG.log(Level.INFO, "isoenv: {0} {1} with backend {2}, Python {3}", why, root, installer.name(), spec.python());
            // Nothing is deleted until the location is known to be ours and the backend knows it can build here.
            checkLocation(root, existing.isPresent());
            installer.prepare(spec, context);
            state = StateRecord.creating(installer.name(), spec.python().toString());
            state.write(root);
            emptyLocation(root);
            CreatedEnvironment created;
            try {
                created = installer.create(spec, context);
            } catch (IsoenvException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EnvironmentCreationException("The " + installer.name() + " backend failed to create " + root
                        + ": " + e + ". The directory is marked incomplete and will be rebuilt on the next ensure().", e);
            }
            layout = created.layout();
            Set<String> baseline = new LinkedHashSet<>();
            for (InstalledDistribution d : installer.list(layout)) {
                baseline.add(d.normalizedName());
            }
            state = state.created(layout, created.pythonVersion(), created.baseInterpreter(), baseline);
            state.write(root);
        }

        InstallPlan plan = plan(spec, state.pythonVersion());
        String fingerprint = SpecFingerprint.of(spec, plan);
        LOG.log(Level.INFO, "isoenv: installing into {0}. {1}", root, Redactor.maskUrlCredentials(plan.explanation()));
        state = state.installing();
        state.write(root);
        removeInterruptedLeftovers(layout);

        for (InstallStep step : plan.steps()) {
            Set<String> wrongBuilds = otherBuilds(step, installer.list(layout));
            if (!wrongBuilds.isEmpty()) {
                LOG.log(Level.INFO, "isoenv: removing {0} from {1}: installed for another variant than {2}", wrongBuilds,
                        root, step.requiredLocalLabel().orElse(""));
                installer.uninstall(layout, wrongBuilds, context);
            }
            installer.install(layout, pinInstalled(step, installer.list(layout)), context.withSecretsOf(step.indexes()));
        }
        List<String> requested = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            requested.add(r.toString());
        }
        Set<String> needed = requested.isEmpty() ? Set.of() : DependencyClosure.of(layout, requested, context);
        Set<String> removable = new LinkedHashSet<>(state.owned());
        removable.removeAll(needed);
        removable.removeAll(state.baseline());
        removable.removeAll(PROTECTED);
        if (!removable.isEmpty()) {
            LOG.log(Level.INFO, "isoenv: removing {0} from {1}; no requirement needs them any more", removable, root);
            installer.uninstall(layout, removable, context);
        }
        ManagedEnvironment environment = new ManagedEnvironment(layout, installer.name(), spec, runner, processEnvironment);
        for (PostInstallCheck check : plan.checks()) {
            check.verify(environment);
        }
        Set<String> owned = new LinkedHashSet<>(needed);
        owned.removeAll(state.baseline());
        state.installed(fingerprint, SpecFingerprint.ofSpec(spec), plan.fingerprint(), requested, owned).write(root);
        LOG.log(Level.INFO, "isoenv: {0} is ready", root);
        return environment;
    }

    /** Returns the installed distributions the step wants with another local version label than they carry. */
    private static Set<String> otherBuilds(InstallStep step, List<InstalledDistribution> installed) {
        Set<String> wrong = new LinkedHashSet<>();
        if (step.requiredLocalLabel().isEmpty()) {
            return wrong;
        }
        String required = step.requiredLocalLabel().get();
        for (InstalledDistribution d : installed) {
            if (step.labelledNames().contains(d.normalizedName()) && dev.isoenv.version.Version.isValid(d.version())) {
                String label = dev.isoenv.version.Version.parse(d.version()).local().orElse("");
                if (!label.equals(required)) {
                    wrong.add(d.normalizedName());
                }
            }
        }
        return wrong;
    }

    /** Adds an exact constraint for each installed distribution the step pins. */
    private static InstallStep pinInstalled(InstallStep step, List<InstalledDistribution> installed) {
        if (step.pinInstalled().isEmpty()) {
            return step;
        }
        List<Requirement> pins = new ArrayList<>();
        for (InstalledDistribution d : installed) {
            if (step.pinInstalled().contains(d.normalizedName()) && dev.isoenv.version.Version.isValid(d.version())) {
                pins.add(Requirement.parse(d.normalizedName() + "==" + d.version()));
            }
        }
        return step.toBuilder().constraints(pins).build();
    }

    private InstallPlan plan(EnvironmentSpec spec, String pythonVersion) {
        PlanningContext context = new PlanningContext(pythonVersion, OperatingSystem.current(),
                System.getProperty("os.arch", ""));
        for (InstallPlanner planner : planners) {
            Optional<InstallPlan> plan = planner.plan(spec, context);
            if (plan.isPresent()) {
                return plan.get();
            }
        }
        return InstallPlan.direct(spec);
    }

    /**
     * Makes sure {@code root} is a directory isoenv may build in: a new or empty directory, or one that holds an
     * isoenv environment (a {@code .isoenv} folder). Any other non-empty directory is refused, untouched.
     */
    private static void checkLocation(Path root, boolean hasRecord) {
        try {
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw new EnvironmentConflictException("The environment location " + root + " is a file, not a"
                        + " directory. Choose another location, or remove the file.");
            }
            Files.createDirectories(root);
            boolean ours = hasRecord || Files.isDirectory(root.resolve(StateRecord.DIRECTORY));
            List<Path> children = childrenExceptRecord(root);
            if (!ours && !children.isEmpty()) {
                throw new EnvironmentConflictException("The environment location " + root + " already holds files"
                        + " that isoenv did not create (" + children.get(0).getFileName() + (children.size() > 1
                        ? " and " + (children.size() - 1) + " more" : "") + "). isoenv never deletes such a directory:"
                        + " choose another location, or empty it yourself.");
            }
        } catch (IOException e) {
            throw new EnvironmentCreationException("Cannot prepare " + root + ": " + e
                    + ". Check that the location and its parent directory are writable.", e);
        }
    }

    /** Deletes everything in an isoenv directory but its state record, which already says "being created". */
    private static void emptyLocation(Path root) {
        try {
            for (Path child : childrenExceptRecord(root)) {
                if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    MoreFiles.deleteRecursively(child, RecursiveDeleteOption.ALLOW_INSECURE);
                } else {
                    Files.deleteIfExists(child);
                }
            }
        } catch (IOException e) {
            throw new EnvironmentCreationException("Cannot empty " + root + " to rebuild it: " + e + ". A process may"
                    + " still be using the old environment; stop it and call ensure() again.", e);
        }
    }

    private static List<Path> childrenExceptRecord(Path root) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path child : entries) {
                if (!child.getFileName().toString().equals(StateRecord.DIRECTORY)) {
                    children.add(child);
                }
            }
        }
        return children;
    }

    /** Removes the {@code ~name} directories an interrupted pip leaves in site-packages. */
    private static void removeInterruptedLeftovers(EnvironmentLayout layout) {
        for (Path leftover : DistributionScanner.interruptedLeftovers(layout.sitePackages())) {
            try {
                if (Files.isDirectory(leftover, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    MoreFiles.deleteRecursively(leftover, RecursiveDeleteOption.ALLOW_INSECURE);
                } else {
                    Files.deleteIfExists(leftover);
                }
                LOG.log(Level.INFO, "isoenv: removed {0}, left by an interrupted install", leftover);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "isoenv: could not remove {0}: {1}", leftover, e.getMessage());
            }
        }
    }
}
