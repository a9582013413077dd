package dev.isoenv.internal.ensure;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Accelerator;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnsureListener;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InstallationException;
import dev.isoenv.IsoenvException;
import dev.isoenv.LaunchListener;
import dev.isoenv.OutputListener;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.metadata.DependencyClosure;
import dev.isoenv.internal.metadata.DistributionScanner;
import dev.isoenv.internal.metadata.InstalledRequirements;
import dev.isoenv.internal.metadata.MarkerEnvironment;
import dev.isoenv.internal.process.DeferredRunner;
import dev.isoenv.internal.process.ProcessRunner;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.internal.registry.InstallerSelector;
import dev.isoenv.internal.platform.TargetPlatform;
import dev.isoenv.internal.version.Version;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.PostInstallCheck;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Brings an environment to its specification; the engine behind {@code ensure()}. It works through the
 * {@link Installer} contract alone: no step needs pip inside the environment, and no process starts after the
 * installer's own.
 *
 * <ol>
 *   <li><b>Warm path.</b> If the state record says the environment was built by the same backend and Python,
 *       its interpreter exists, and the last fully successful install was of this specification and plan (compared
 *       as canonical text, see {@link InstallComparison}), the environment is returned at once: no lock, no process,
 *       no hashing.</li>
 *   <li>Otherwise, under the environment's lock, processes that an earlier {@code ensure()} started and left
 *       running when its JVM died are ended ({@link ProcessLedger}), and the record is read again (another thread or
 *       process may have finished meanwhile). The environment is created, or rebuilt when its Python, its backend or
 *       its pip option changed or it was left half-built; a directory isoenv did not create is never deleted.</li>
 *   <li>The plan's steps run in order; distributions that isoenv installed and nothing needs any more, computed in
 *       Java from the installed metadata, are removed; the plan's checks run; and only then is the new fingerprint
 *       recorded.</li>
 * </ol>
 */
public final class EnvironmentEnsurer {
    /** Distributions that are never removed, whatever the requirements say. */
    private static final Set<String> PROTECTED = Set.of("pip", "setuptools", "wheel");

    /** The logger, created by the first message (see {@link Logging}). */
    private static System.Logger log() {
        return Logging.logger();
    }

    private final InstallerSelector selector;
    private final List<InstallPlanner> planners;
    private final Function<CommandRunner, Accelerator> accelerator;
    private final LaunchListener launchListener;
    private final OutputListener listener;
    private final EnsureListener events;
    private final Map<String, String> processEnvironment;
    private final Map<String, String> options;

    /**
     * Creates an ensurer without client options.
     *
     * @param selector chooses the backend
     * @param planners the install planners, highest priority first
     * @param accelerator detects the machine's accelerator when a planner first asks
     * @param launchListener told about every process before it starts
     * @param listener receives installer output
     * @param events receives progress events
     * @param processEnvironment the variables child processes start from
     */
    public EnvironmentEnsurer(InstallerSelector selector, List<InstallPlanner> planners,
                              Function<CommandRunner, Accelerator> accelerator, LaunchListener launchListener,
                              OutputListener listener, EnsureListener events, Map<String, String> processEnvironment) {
        this(selector, planners, accelerator, launchListener, listener, events, processEnvironment, Map.of());
    }

    /**
     * Creates an ensurer.
     *
     * @param selector chooses the backend
     * @param planners the install planners, highest priority first
     * @param accelerator detects the machine's accelerator when a planner first asks, running probe commands with
     *     the given runner so that the call counts them
     * @param launchListener told about every process before it starts
     * @param listener receives installer output
     * @param events receives progress events
     * @param processEnvironment the variables child processes start from
     * @param options the client's options, which planners read ({@link PlanningContext#options()})
     */
    public EnvironmentEnsurer(InstallerSelector selector, List<InstallPlanner> planners,
                              Function<CommandRunner, Accelerator> accelerator, LaunchListener launchListener,
                              OutputListener listener, EnsureListener events, Map<String, String> processEnvironment,
                              Map<String, String> options) {
        this.options = Map.copyOf(options);
        this.selector = selector;
        this.planners = List.copyOf(planners);
        this.accelerator = accelerator;
        this.launchListener = launchListener;
        this.listener = listener;
        this.events = events;
        this.processEnvironment = Map.copyOf(processEnvironment);
    }

    /**
     * Ensures the environment of {@code spec}.
     *
     * @param spec the specification
     * @return the environment, satisfying the specification
     */
    public Environment ensure(EnvironmentSpec spec) {
        long start = System.nanoTime();
        Path root = spec.location();
        AtomicInteger launches = new AtomicInteger();
        // Made when the first process starts: the warm path starts none, and loads no process machinery.
        LaunchListener counting = command -> {
            launches.incrementAndGet();
            launchListener.launching(command);
        };
        CommandRunner runner = new DeferredRunner(counting);
        Call call = new Call(spec, runner);
        try {
            // A target.platform that names no platform is refused before anything is locked or made.
            TargetPlatform.of(spec);
            Optional<Environment> warm = warm(call);
            if (warm.isEmpty()) {
                try (EnvironmentLock lock = EnvironmentLock.acquire(root, spec.timeouts().lock())) {
                    endOrphans(root);
                    warm = warm(call);
                    if (warm.isEmpty()) {
                        try (ProcessLedger ledger = ProcessLedger.open(root)) {
                            call.installRunner = ProcessRunner.withLaunchListener(counting).tracking(ledger);
                            warm = Optional.of(converge(call));
                        }
                    }
                }
            }
            call.publish(new EnsureEvent.Ready(root, Duration.ofNanos(System.nanoTime() - start), launches.get(),
                    call.changed));
            return warm.get();
        } catch (RuntimeException e) {
            call.publish(new EnsureEvent.Failed(root, e));
            throw e;
        }
    }

    /**
     * Plans {@code spec} as {@link #ensure} would, without creating, locking or installing anything: with the
     * environment's Python when it exists, else with the Python version the specification asks for (none when it
     * asks for none, so that no Python-specific refusal applies).
     *
     * @param spec the specification
     * @return the plan
     */
    public dev.isoenv.EnvironmentPlan preview(EnvironmentSpec spec) {
        Call call = new Call(spec, new DeferredRunner(launchListener));
        Optional<StateRecord> existing = StateRecord.read(call.root).filter(StateRecord::isCreated)
                .filter(r -> r.pythonRequest().equals(spec.python().toString()));
        InstallPlan plan;
        if (spec.lockFile().isPresent()) {
            // A lock's entries are chosen by the environment's markers, known once the environment exists.
            plan = existing.isPresent() ? lockPlan(spec, existing.get().markers())
                    : new InstallPlan(List.of(), List.of(), "", "Installs exactly from the lock file "
                            + spec.lockFile().get().file() + "; which of its " + spec.lockFile().get().packages().size()
                            + " package entries apply is decided for the environment's Python once it exists.");
        } else {
            plan = plan(call, existing.map(StateRecord::pythonVersion).orElse(spec.python().version().orElse("")));
        }
        List<String> steps = new ArrayList<>();
        for (InstallStep step : plan.steps()) {
            steps.add(Redactor.maskUrlCredentials(step.indexes().mask(step.description() + ": "
                    + step.requirements() + " from " + source(step.indexes(), spec)
                    + (step.installsDependencies() ? "" : ", without dependencies")
                    + (step.router().isPresent() ? ", with torch-family dependencies routed here" : ""))));
        }
        return new dev.isoenv.EnvironmentPlan(Redactor.maskUrlCredentials(plan.explanation()), plan.choices(), steps,
                plan.tentativeReason().orElse(null));
    }

    /** What one call works with. */
    private final class Call {
        final EnvironmentSpec spec;
        final Path root;
        final CommandRunner runner;
        /** The runner of the processes that change the environment: it records them in the process ledger. */
        CommandRunner installRunner;
        /** Whether anything was created, installed or removed; a backend may do that without a process. */
        boolean changed;
        /** The shared store's use, once the backend is chosen; null when the store does not apply. */
        StoreSteps store;
        /** The environment's base interpreter, once it exists: part of an install step's identity in the store. */
        String baseInterpreter = "";

        Call(EnvironmentSpec spec, CommandRunner runner) {
            this.spec = spec;
            this.root = spec.location();
            this.runner = runner;
        }

        void publish(EnsureEvent event) {
            try {
                events.onEvent(event);
            } catch (RuntimeException e) {
                log().log(Level.WARNING, "isoenv: an ensure listener failed on " + event.getClass().getSimpleName(), e);
            }
        }

        BackendContext context() {
            return new BackendContext(spec, installRunner != null ? installRunner : runner, listener, this::publish,
                    processEnvironment);
        }

        ManagedEnvironment environment(EnvironmentLayout layout, String backend, InstallPlan plan) {
            return environment(layout, backend, plan, runner);
        }

        ManagedEnvironment environment(EnvironmentLayout layout, String backend, InstallPlan plan,
                                       CommandRunner with) {
            return new ManagedEnvironment(layout, backend, spec, with == null ? runner : with, processEnvironment,
                    Redactor.maskUrlCredentials(plan.explanation()), plan.choices());
        }
    }

    /**
     * Ends the processes that an earlier ensure() of this environment started and left running because its JVM
     * died, before anything is repaired; they could otherwise keep writing into it.
     */
    static void endOrphans(Path root) {
        List<String> ended = ProcessLedger.endOrphans(root);
        if (!ended.isEmpty()) {
            log().log(Level.WARNING, "isoenv: an earlier ensure() of {0} did not finish (its JVM died); ended {1}"
                    + " process(es) it had left running: {2}", root, ended.size(), String.join("; ", ended));
        }
    }

    private Optional<Environment> warm(Call call) {
        EnvironmentSpec spec = call.spec;
        Optional<StateRecord> read = StateRecord.read(call.root);
        if (read.isEmpty() || !read.get().isCreated() || read.get().installedFingerprint().isEmpty()) {
            return Optional.empty();
        }
        StateRecord state = read.get();
        if (!sameIdentity(state, spec)) {
            return Optional.empty();
        }
        EnvironmentLayout layout = state.layout(call.root);
        if (!Files.isRegularFile(layout.python())) {
            return Optional.empty();
        }
        InstallPlan plan = plan(call, state);
        InstallComparison installed = InstallComparison.of(state, spec);
        if (!installed.sameInstall(plan)) {
            if (plan.tentativeReason().isEmpty() || !installed.sameSpecification()) {
                return Optional.empty();
            }
            // Same specification, but the plan differs only because its inputs were incomplete (a probe timed
            // out): keep the environment that works rather than reinstall on a guess. It reports what it holds,
            // the plan it was installed with, not the guess.
            log().log(Level.WARNING, "isoenv: keeping {0} as installed ({1}): {2}", call.root,
                    state.installedPlan().orElse(""), plan.tentativeReason().get());
            return Optional.of(new ManagedEnvironment(layout, state.backend(), spec, call.runner, processEnvironment,
                    state.installedExplanation() + "\nKept as installed; a new plan was not used because "
                            + plan.tentativeReason().get(), state.installedChoices()));
        }
        if (installed.needsContent()) {
            // Written before isoenv kept the text: add it, so that the next call compares text, not hashes.
            RecordUpgrade.addContent(call.root, state.installedFingerprint().get(), installed.content(),
                    plan.fingerprint());
        }
        return Optional.of(call.environment(layout, state.backend(), plan));
    }

    private boolean sameIdentity(StateRecord state, EnvironmentSpec spec) {
        if (!state.pythonRequest().equals(spec.python().toString()) || state.withPip() != spec.includesPip()
                || !state.targetPlatform().equals(otherTarget(spec).map(TargetPlatform::name))) {
            return false;
        }
        Optional<String> named = selector.explicitName(spec.backend());
        return named.isEmpty() || named.get().equalsIgnoreCase(state.backend());
    }

    /** The platform a specification is built for when it is not this machine's ({@code target.platform}). */
    private static Optional<TargetPlatform> otherTarget(EnvironmentSpec spec) {
        return TargetPlatform.of(spec).filter(t -> !t.isCurrent());
    }

    private Environment converge(Call call) {
        EnvironmentSpec spec = call.spec;
        Path root = call.root;
        Optional<TargetPlatform> target = otherTarget(spec);
        Optional<StateRecord> existing = StateRecord.read(root);
        InstallerSelector.Choice choice = selector.select(spec,
                existing.filter(StateRecord::isValid).map(StateRecord::backend));
        Installer installer = choice.installer();
        call.publish(new EnsureEvent.BackendChosen(root, installer.name(), choice.reason()));
        BackendContext context = call.context();
        // A build for another platform installs with pip's --target, whose files the store does not know.
        call.store = target.isPresent() ? null
                : StoreSteps.forCall(spec, installer, options, processEnvironment).orElse(null);

        StateRecord state;
        EnvironmentLayout layout;
        if (existing.isPresent() && existing.get().isCreated() && sameIdentity(existing.get(), spec)
                && existing.get().backend().equals(installer.name())
                && Files.isRegularFile(existing.get().layout(root).python())) {
            state = existing.get();
            layout = state.layout(root);
        } else {
            EnsureEvent.Creating.Reason why = existing.isEmpty() ? EnsureEvent.Creating.Reason.CREATING
                    : existing.get().isCreated() ? EnsureEvent.Creating.Reason.REBUILDING
                    : EnsureEvent.Creating.Reason.REPAIRING;
            log().log(Level.INFO, "isoenv: {0} {1} with backend {2}, Python {3}",
                    why.name().toLowerCase(java.util.Locale.ROOT), root, installer.name(), spec.python());
            // Nothing is deleted until the location is known to be ours and the backend knows it can build here.
            checkLocation(root, existing.isPresent());
            installer.prepare(spec, context);
            createLocation(root);
            // prepare() may have taken seconds: a directory someone else made meanwhile is checked again.
            checkLocation(root, existing.isPresent());
            call.publish(new EnsureEvent.Creating(root, installer.name(), spec.python().toString(), why));
            state = StateRecord.creating(installer.name(), spec.python().toString(), spec.includesPip(),
                    target.map(TargetPlatform::name).orElse(null));
            state.write(root);
            forgetArtifacts(root);
            call.changed = true;
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
            Map<String, String> markers = created.markers().isEmpty() ? readMarkers(layout, context) : created.markers();
            // Requirements' markers are evaluated for the machine the environment is built for.
            markers = target.orElseGet(TargetPlatform::current).markers(markers);
            Set<String> baseline = new LinkedHashSet<>();
            for (InstalledDistribution d : installer.list(layout)) {
                baseline.add(d.normalizedName());
            }
            state = state.created(layout, created.pythonVersion(), created.baseInterpreter(), baseline, markers);
            state.write(root);
        }

        call.baseInterpreter = state.baseInterpreter();
        InstallPlan plan = plan(call, state);
        String fingerprint = SpecFingerprint.of(spec, plan);
        String explanation = Redactor.maskUrlCredentials(plan.explanation());
        log().log(Level.INFO, "isoenv: installing into {0}. {1}", root, explanation);
        call.publish(new EnsureEvent.PlanChosen(root, explanation, plan.choices()));
        state = state.installing();
        state.write(root);
        removeInterruptedLeftovers(layout);

        // What a step adds is isoenv's even when a later step or check fails, so that it can be removed later.
        Set<String> before = names(installer.list(layout));
        List<String> requested = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            requested.add(r.toString());
        }
        Set<String> needed;
        ManagedEnvironment environment;
        try {
            int index = 0;
            List<InstallStep> steps = plan.steps();
            List<Requirement> routed = new ArrayList<>();
            for (int k = 0; k < steps.size(); k++) {
                InstallStep step = steps.get(k);
                index++;
                runStep(call, installer, layout, context, step, index, steps.size(), state.markers());
                if (step.router().isPresent() && k + 1 < steps.size()) {
                    routed.addAll(route(call, installer, layout, context, step, steps.get(k + 1), index,
                            steps.size(), state.markers()));
                }
            }
            // The roots are what the plan installed: a planner may have rewritten a requirement (onnxruntime into
            // onnxruntime-gpu, torch into torch==2.5.1+cu126), and the distribution it chose is what must be kept.
            Set<Requirement> roots = new LinkedHashSet<>(spec.requirements());
            for (InstallStep step : plan.steps()) {
                roots.addAll(step.requirements());
            }
            roots.addAll(routed);
            needed = roots.isEmpty() ? Set.of()
                    : DependencyClosure.of(layout.sitePackages(), roots, state.markers());
            Set<String> removable = new LinkedHashSet<>(state.owned());
            removable.removeAll(needed);
            removable.removeAll(state.baseline());
            removable.removeAll(PROTECTED);
            Set<String> present = new LinkedHashSet<>();
            for (InstalledDistribution d : installer.list(layout)) {
                present.add(d.normalizedName());
            }
            removable.retainAll(present);
            if (!removable.isEmpty()) {
                log().log(Level.INFO, "isoenv: removing {0} from {1}; no requirement needs them any more", removable,
                        root);
                call.publish(new EnsureEvent.Removing(root, List.copyOf(removable),
                        "no requirement needs them any more"));
                call.changed = true;
                installer.uninstall(layout, removable, context);
            }
            environment = call.environment(layout, installer.name(), plan);
            // The checks run processes in the environment under the lock: they are recorded like the installs.
            Environment checked = call.environment(layout, installer.name(), plan, call.installRunner);
            for (PostInstallCheck check : plan.checks()) {
                call.publish(new EnsureEvent.Verifying(root, check.description()));
                check.verify(checked);
            }
        } catch (RuntimeException e) {
            rememberWhatWasAdded(root, state, installer, layout, before, e);
            throw e;
        }
        Set<String> owned = new LinkedHashSet<>(needed);
        owned.removeAll(state.baseline());
        state.installed(fingerprint, SpecFingerprint.ofSpec(spec), SpecFingerprint.content(spec),
                plan.fingerprint(), requested, owned, explanation, plan.choices()).write(root);
        log().log(Level.INFO, "isoenv: {0} is ready", root);
        return environment;
    }

    /**
     * Runs one step: skipped without a process when it may be and everything it installs is there; otherwise the
     * wrong builds it must replace are installed again, so that the installer removes the old build only once the
     * new one is downloaded, and a failure says what was kept.
     */
    private void runStep(Call call, Installer installer, EnvironmentLayout layout, BackendContext context,
                         InstallStep step, int index, int count, Map<String, String> markers) {
        Path root = call.root;
        List<InstalledDistribution> installed = installer.list(layout);
        Set<String> wrongBuilds = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>();
        for (InstalledDistribution d : installed) {
            if (step.mustReplace(d)) {
                wrongBuilds.add(d.normalizedName());
                kept.add(d.name() + " " + d.version());
            }
        }
        if (wrongBuilds.isEmpty() && step.skipsWhenSatisfied() && satisfied(step, installed)) {
            log().log(Level.INFO, "isoenv: {0} of {1} is installed already: {2}", step.description(), root,
                    step.requirements());
            return;
        }
        // A wrong build that the step installs under the same name is installed over, so that the old one goes only
        // once the new one is there; one under another name (onnxruntime for onnxruntime-gpu, which installs the
        // same module) must go first, or removing it afterwards would take the new build's files with it.
        Set<String> stepNames = new LinkedHashSet<>();
        for (Requirement r : step.requirements()) {
            stepNames.add(r.normalizedName());
        }
        Set<String> replaced = new LinkedHashSet<>();
        Set<String> removedFirst = new LinkedHashSet<>();
        for (String name : wrongBuilds) {
            (stepNames.contains(name) ? replaced : removedFirst).add(name);
        }
        if (!wrongBuilds.isEmpty()) {
            log().log(Level.INFO, "isoenv: replacing {0} in {1}: {2}", wrongBuilds, root, step.replaceReason());
            call.publish(new EnsureEvent.Removing(root, List.copyOf(wrongBuilds), step.replaceReason()));
            call.changed = true;
        }
        if (!removedFirst.isEmpty()) {
            installer.uninstall(layout, removedFirst, context);
            installed = installer.list(layout);
            kept.removeIf(k -> removedFirst.contains(Requirement.normalize(k.substring(0, k.indexOf(' ')))));
        }
        InstallStep toRun = pinInstalled(step, installed);
        if (!replaced.isEmpty()) {
            toRun = toRun.toBuilder().reinstall(replaced).build();
        }
        // What the same step resolved to in another environment is linked in from the shared store first; the
        // installer then finds it installed and fetches only the rest, often nothing.
        // What the installer (or the store) adds is what was not here before.
        Set<String> before = new LinkedHashSet<>();
        for (InstalledDistribution d : installed) {
            before.add(d.normalizedName() + " " + d.version());
        }
        String identity = call.store != null && wrongBuilds.isEmpty() && StoreSteps.applies(toRun)
                ? StoreSteps.identity(installer, toRun, call.spec, markers, call.baseInterpreter) : null;
        // Only what is missing goes to the installer, unless wrong builds are being replaced (the installer must
        // see them) or the step installs without dependencies (its requirements are exact pins already).
        // A lock's step is never split: only the lock's hashed, no-deps install may put its packages in place.
        boolean splits = wrongBuilds.isEmpty() && toRun.installsDependencies() && toRun.lockedPackages().isEmpty();
        InstalledRequirements.Delta delta = splits
                ? InstalledRequirements.of(layout.sitePackages(), toRun.requirements(), toRun.constraints(), markers)
                : null;
        // The store is asked only for what is missing: a removal or a repair that installs nothing runs no dry run.
        boolean missing = identity != null
                && (delta != null ? !delta.missing().isEmpty() : !satisfied(toRun, installed));
        if (identity != null && missing) {
            Set<String> requested = new LinkedHashSet<>();
            for (Requirement r : call.spec.requirements()) {
                requested.add(r.normalizedName());
            }
            InstallStep resolving = toRun;
            List<String> linked = call.store.linkResolved(layout, identity, toRun, installed, requested,
                    markers.getOrDefault("python_version", "?"),
                    dev.isoenv.internal.store.SharedStore.platform(markers),
                    () -> installer.resolve(layout, resolving, context.withSecretsOf(resolving.indexes())));
            if (!linked.isEmpty()) {
                call.changed = true;
                log().log(Level.INFO, "isoenv: linked {0} from the shared store {1} into {2}", linked,
                        call.store.store().directory(), root);
                installed = installer.list(layout);
                if (step.skipsWhenSatisfied() && satisfied(toRun, installed)) {
                    call.store.addInstalled(layout, identity, toRun, markers, before, installed);
                    return;
                }
                if (splits) {
                    delta = InstalledRequirements.of(layout.sitePackages(), toRun.requirements(),
                            toRun.constraints(), markers);
                }
            }
        }
        // Events name what the installer is handed: the missing requirements, or the whole step when the delta does
        // not apply (a lock, no dependencies, wrong builds, installer arguments).
        boolean whole = delta == null || !call.spec.installerArguments().isEmpty();
        List<String> requirementTexts = new ArrayList<>();
        for (Requirement r : whole ? step.requirements() : delta.missing()) {
            requirementTexts.add(context.mask(r.toString()));
        }
        call.publish(new EnsureEvent.StepStarted(root, index, count, step.description(), requirementTexts,
                source(step.indexes(), call.spec)));
        call.changed = true;
        try {
            if (delta != null) {
                installDelta(installer, layout, toRun, delta, context.withSecretsOf(step.indexes()));
            } else {
                installer.install(layout, toRun, context.withSecretsOf(step.indexes()));
            }
        } catch (dev.isoenv.InstallationException e) {
            throw explain(e, step, kept, installer, layout);
        }
        if (identity != null) {
            call.store.addInstalled(layout, identity, toRun, markers, before, installer.list(layout));
        }
    }

    /**
     * Adds to a failed step's error which setting names its indexes and what the failure kept. The notes go into the
     * exception itself, so that it keeps its type: a {@link dev.isoenv.HashMismatchException} stays one.
     */
    private static RuntimeException explain(dev.isoenv.InstallationException e, InstallStep step, List<String> kept,
                                            Installer installer, EnvironmentLayout layout) {
        List<String> notes = new ArrayList<>();
        dev.isoenv.InstallationException.Reason reason = e.reason();
        if (step.indexSetting().isPresent() && (reason == dev.isoenv.InstallationException.Reason.UNREACHABLE
                || reason == dev.isoenv.InstallationException.Reason.NOT_FOUND
                || reason == dev.isoenv.InstallationException.Reason.CREDENTIALS)) {
            String where = step.indexes().mask(source(step.indexes()));
            notes.add((reason == dev.isoenv.InstallationException.Reason.UNREACHABLE
                    ? "The index of " + step.description() + ", " + where + ", could not be reached."
                    : reason == dev.isoenv.InstallationException.Reason.CREDENTIALS
                    ? "The index of " + step.description() + ", " + where + ", refused the credentials."
                    : "The index of " + step.description() + ", " + where + ", does not carry "
                            + Redactor.maskUrlCredentials(step.requirements().toString()) + " for this platform.")
                    + " It is set by " + step.indexSetting().get() + ": point that at a reachable mirror (an"
                    + " http(s) index or a file: folder of wheels) that carries it.");
        }
        if (!kept.isEmpty()) {
            Set<String> now = new LinkedHashSet<>();
            for (InstalledDistribution d : installer.list(layout)) {
                now.add(d.name() + " " + d.version());
            }
            List<String> stillThere = new ArrayList<>();
            for (String k : kept) {
                if (now.contains(k)) {
                    stillThere.add(k);
                }
            }
            notes.add(stillThere.isEmpty() ? "The builds it was replacing (" + String.join(", ", kept)
                    + ") are no longer installed." : "Nothing was switched: " + String.join(", ", stillThere)
                    + (stillThere.size() == 1 ? " is" : " are") + " still installed and usable.");
        }
        return notes.isEmpty() ? e : InstallationNotes.addNote(e, String.join(" ", notes));
    }

    /**
     * Routes into {@code step} what the next step would install and the step's router claims, such as a torchvision
     * that timm depends on: the next step is resolved without installing, and the claimed requirements are installed
     * with {@code step}'s indexes and options, until nothing more is claimed (at most three rounds).
     */
    private List<Requirement> route(Call call, Installer installer, EnvironmentLayout layout,
                                    BackendContext context, InstallStep step, InstallStep next, int index,
                                    int count, Map<String, String> markers) {
        List<Requirement> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<InstalledDistribution> installed = installer.list(layout);
            Optional<List<InstalledDistribution>> resolved = installer.resolve(layout, pinInstalled(next, installed),
                    context.withSecretsOf(next.indexes()));
            if (resolved.isEmpty()) {
                if (round == 0) {
                    // Said once per ensure(): a family member that another requirement pulls in then comes from the
                    // ordinary indexes, possibly as another build.
                    log().log(Level.WARNING, "isoenv: the {0} backend could not resolve {1} without installing"
                            + " (it cannot, or the resolution failed), so distributions that only arrive as"
                            + " dependencies are not routed to {2}; name them among the requirements to be sure",
                            installer.name(), next.description(), step.description());
                }
                return all;
            }
            List<Requirement> claimed = new ArrayList<>();
            for (Requirement r : step.router().get().apply(resolved.get())) {
                if (!all.contains(r)) {
                    claimed.add(r);
                }
            }
            if (claimed.isEmpty()) {
                return all;
            }
            log().log(Level.INFO, "isoenv: {0} arrive as dependencies; installing them as {1}", claimed,
                    step.description());
            all.addAll(claimed);
            InstallStep extra = step.toBuilder().replaceRequirements(claimed).build();
            runStep(call, installer, layout, context, extra, index, count, markers);
        }
        return all;
    }

    /**
     * Tells whether every requirement of {@code step} is met by an installed distribution, within the step's
     * constraints; a requirement with a URL, extras or a marker is never taken as met.
     */
    static boolean satisfied(InstallStep step, List<InstalledDistribution> installed) {
        for (Requirement r : step.requirements()) {
            if (r.url().isPresent() || !r.extras().isEmpty() || r.marker().isPresent()) {
                return false;
            }
            InstalledDistribution found = null;
            for (InstalledDistribution d : installed) {
                if (d.normalizedName().equals(r.normalizedName())) {
                    found = d;
                }
            }
            if (found == null || !Version.isValid(found.version())) {
                return false;
            }
            Version version = Version.parse(found.version());
            List<String> specifiers = new ArrayList<>();
            specifiers.add(r.specifier());
            for (Requirement c : step.constraints()) {
                if (c.normalizedName().equals(r.normalizedName()) && c.url().isEmpty()) {
                    specifiers.add(c.specifier());
                }
            }
            for (String specifier : specifiers) {
                try {
                    if (!specifier.isEmpty()
                            && !dev.isoenv.internal.version.VersionSpecifiers.parse(specifier).contains(version)) {
                        return false;
                    }
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Records as isoenv's what a failed install added to the environment, still without a fingerprint, so that a
     * later {@code ensure()} removes it once no requirement needs it. A failure to record is added to {@code failure}.
     */
    private static void rememberWhatWasAdded(Path root, StateRecord state, Installer installer,
                                             EnvironmentLayout layout, Set<String> before, RuntimeException failure) {
        try {
            Set<String> now = names(installer.list(layout));
            Set<String> owned = new LinkedHashSet<>(state.owned());
            for (String name : now) {
                if (!before.contains(name)) {
                    owned.add(name);
                }
            }
            owned.retainAll(now);
            owned.removeAll(state.baseline());
            if (!owned.equals(state.owned())) {
                state.withOwned(owned).write(root);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static Set<String> names(List<InstalledDistribution> distributions) {
        Set<String> names = new LinkedHashSet<>();
        for (InstalledDistribution d : distributions) {
            names.add(d.normalizedName());
        }
        return names;
    }

    /** Runs the new environment's Python once to read its marker environment, when the backend did not give it. */
    private static Map<String, String> readMarkers(EnvironmentLayout layout, BackendContext context) {
        ProcessResult result = context.run(ProcessRequest.command(layout.python().toString(), "-I", "-c",
                        MarkerEnvironment.SCRIPT)
                .environment(layout.activate(context.processEnvironment()))
                .timeout(context.spec().timeouts().probe()));
        if (!result.isSuccess()) {
            throw new EnvironmentCreationException("The new environment's Python at " + layout.python() + " does not"
                    + " run (exit code " + result.exitCode() + "). The directory is marked incomplete and will be"
                    + " rebuilt on the next ensure()." + (result.tail().isEmpty() ? ""
                    : "\n  " + String.join("\n  ", result.tail())));
        }
        return MarkerEnvironment.parse(result.stdout());
    }

    /** The step's own indexes, as errors name them: the index URL, else the find-links locations. */
    private static String source(PackageIndexes indexes) {
        if (indexes.indexUrl().isPresent()) {
            return indexes.indexUrl().get();
        }
        if (!indexes.findLinks().isEmpty()) {
            return String.join(" ", indexes.findLinks());
        }
        return String.join(" ", indexes.extraIndexUrls());
    }

    private static String source(PackageIndexes indexes, EnvironmentSpec spec) {
        String base = indexes.indexUrl().map(indexes::mask).orElse(indexes.isExclusive()
                && !indexes.findLinks().isEmpty() ? indexes.mask(String.join(" ", indexes.findLinks()))
                : spec.inheritsMachineConfiguration() ? "the machine's configured index" : "the default index");
        int extra = indexes.extraIndexUrls().size();
        return base + (extra == 0 ? "" : " and " + extra + " extra index" + (extra == 1 ? "" : "es"));
    }

    /**
     * Hands the installer only what the environment lacks (unless the specification has installer arguments, which
     * the whole step gets), with the step's constraints and what the satisfied
     * requirements need as further constraints. When that cannot be resolved, the installed distributions may have
     * to change as well: the whole step is handed over, as it would be without the delta, and its error is the one
     * reported.
     */
    private static void installDelta(Installer installer, EnvironmentLayout layout, InstallStep full,
                                     InstalledRequirements.Delta delta, BackendContext context) {
        if (!context.spec().installerArguments().isEmpty()) {
            // Installer arguments (--pre, --no-binary, --config-settings...) change how requirements are resolved
            // and built, and they changed when the fingerprint did: the installer sees the whole step with them.
            installer.install(layout, full, context);
            return;
        }
        if (delta.missing().isEmpty()) {
            // Everything is installed as the step asks. The backend still gets the step, without requirements, so
            // that one with state of its own (conda's packages) can act; pip and uv start nothing for it.
            installer.install(layout, full.toBuilder().replaceRequirements(List.of()).build(), context);
            return;
        }
        if (delta.missing().size() == full.requirements().size()) {
            installer.install(layout, full, context);
            return;
        }
        // From the step itself, so that nothing it carries (dependencies, indexSetting, ...) is lost.
        InstallStep only = full.toBuilder().replaceRequirements(delta.missing()).constraints(delta.keep()).build();
        try {
            installer.install(layout, only, context);
        } catch (InstallationException e) {
            if (!isConflict(e)) {
                throw e;
            }
            log().log(Level.INFO, "isoenv: {0} conflicts with what is installed in {1}; installing the whole step",
                    delta.missing(), layout.root());
            installer.install(layout, full, context);
        }
    }

    /** Whether an installer failed because the requirements and constraints cannot be resolved together. */
    private static boolean isConflict(InstallationException e) {
        if (e.reason() == InstallationException.Reason.CONFLICT) {
            return true;
        }
        for (String line : e.outputTail()) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.contains("resolutionimpossible") || l.contains("conflicting dependencies")
                    || l.contains("no solution found") || l.contains("unsatisfiable")) {
                return true;
            }
        }
        return false;
    }

    /** Adds an exact constraint for each installed distribution the step pins. */
    private static InstallStep pinInstalled(InstallStep step, List<InstalledDistribution> installed) {
        if (step.pinInstalled().isEmpty()) {
            return step;
        }
        List<Requirement> pins = new ArrayList<>();
        for (InstalledDistribution d : installed) {
            if (step.pinInstalled().contains(d.normalizedName()) && Version.isValid(d.version())) {
                pins.add(Requirement.parse(d.normalizedName() + "==" + d.version()));
            }
        }
        return step.toBuilder().constraints(pins).build();
    }

    private InstallPlan plan(Call call, StateRecord state) {
        if (call.spec.lockFile().isPresent()) {
            return lockPlan(call.spec, state.markers());
        }
        return plan(call, state.pythonVersion());
    }

    /**
     * The plan of a specification of requirements, for an environment of the given Python version; for another
     * platform ({@code target.platform}) planned for that platform's architecture, without the checks, which would
     * run the target's binaries here, and with choices that say so.
     */
    private InstallPlan plan(Call call, String pythonVersion) {
        Optional<TargetPlatform> target = otherTarget(call.spec);
        if (target.isEmpty()) {
            return planHere(call, pythonVersion);
        }
        PlanningContext context = new PlanningContext(pythonVersion, target.get().operatingSystem(),
                target.get().javaArchitecture(), () -> accelerator.apply(call.runner), options);
        InstallPlan plan = plan(call, context);
        java.util.Map<String, String> choices = new java.util.TreeMap<>(plan.choices());
        choices.put(TargetPlatform.OPTION, target.get().name());
        choices.put("target.verification", "deferred to the target: built on " + TargetPlatform.current().name()
                + ", where nothing of the environment was run" + (plan.checks().isEmpty() ? ""
                : " (not run: " + plan.checks().stream().map(PostInstallCheck::description)
                        .collect(java.util.stream.Collectors.joining("; ")) + ")"));
        InstallPlan built = new InstallPlan(plan.steps(), List.of(), plan.fingerprint(), plan.explanation()
                + (plan.explanation().isEmpty() ? "" : "\n") + "Built for " + target.get().name() + " on "
                + TargetPlatform.current().name() + ": only binary wheels for " + target.get().name() + " are"
                + " installed (pip's --platform), and nothing is run here; verification is deferred to the target.")
                .withChoices(choices);
        return plan.tentativeReason().map(built::tentative).orElse(built);
    }

    private InstallPlan planHere(Call call, String pythonVersion) {
        PlanningContext context = new PlanningContext(pythonVersion, OperatingSystem.current(),
                System.getProperty("os.arch", ""), () -> accelerator.apply(call.runner), options);
        return plan(call, context);
    }

    private InstallPlan plan(Call call, PlanningContext context) {
        for (InstallPlanner planner : planners) {
            Optional<InstallPlan> plan;
            try {
                plan = planner.plan(call.spec, context);
            } catch (IsoenvException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw new IsoenvException("The install planner '" + safeName(planner) + "' (" + planner.getClass()
                        .getName() + ") failed while planning " + call.root + ": " + e + ". Nothing was changed."
                        + " Remove the jar that provides it from the class path, or report the failure to its"
                        + " authors.", e);
            }
            if (plan != null && plan.isPresent()) {
                return plan.get();
            }
        }
        return InstallPlan.direct(call.spec);
    }

    /**
     * The plan of a specification with a lock: one step of the lock's packages for this environment, exactly; install
     * planners are not asked, since a lock leaves nothing to choose.
     */
    private static InstallPlan lockPlan(EnvironmentSpec spec, Map<String, String> markers) {
        dev.isoenv.PackageLock lock = spec.lockFile().get();
        List<dev.isoenv.PackageLock.Package> selected = dev.isoenv.internal.lock.LockSelection.select(lock, markers);
        List<Requirement> pins = new ArrayList<>();
        for (dev.isoenv.PackageLock.Package p : selected) {
            pins.add(Requirement.parse(p.name() + "==" + p.version().orElseThrow()));
        }
        InstallStep step = InstallStep.builder("the " + selected.size() + " package(s) of " + lock.file().getFileName())
                .requirements(pins).lockedPackages(selected).indexes(spec.indexes()).withoutDependencies().build();
        return new InstallPlan(List.of(step), List.of(), "", "Installed exactly from the lock file " + lock.file()
                + " (created by " + lock.createdBy() + "): " + selected.size() + " of its " + lock.packages().size()
                + " package entries apply to this environment, each file checked against the lock's hashes.");
    }

    private static String safeName(InstallPlanner planner) {
        try {
            return String.valueOf(planner.name());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /**
     * Makes sure {@code root} is a directory isoenv may build in: a missing or empty directory, or one that holds an
     * isoenv environment (a {@code .isoenv} folder). Any other non-empty directory is refused, untouched. A missing
     * one is not created here.
     */
    private static void checkLocation(Path root, boolean hasRecord) {
        try {
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw new EnvironmentConflictException("The environment location " + root + " is a file, not a"
                        + " directory. Choose another location, or remove the file.");
            }
            if (!Files.exists(root)) {
                // Created only once the backend has found its tools and Python: a failed request leaves nothing.
                return;
            }
            boolean ours = hasRecord || Files.isDirectory(root.resolve(StateRecord.DIRECTORY));
            List<Path> children = childrenExceptRecord(root);
            if (!ours && !children.isEmpty()) {
                throw new EnvironmentConflictException("The environment location " + root + " already holds files"
                        + " that isoenv did not create (" + children.get(0).getFileName() + (children.size() > 1
                        ? " and " + (children.size() - 1) + " more" : "") + "). isoenv never deletes such a directory:"
                        + " choose another location, or empty it yourself.");
            }
        } catch (IOException e) {
            throw new EnvironmentCreationException(FileProblems.describe("prepare", root, e), e);
        }
    }

    /** Forgets the files an earlier build of the environment was installed from: a new build reports its own. */
    private static void forgetArtifacts(Path root) {
        try {
            dev.isoenv.internal.lock.ArtifactRecord.clear(root.resolve(StateRecord.DIRECTORY));
            // What the store linked or took from the old build says nothing about the new one (another Python).
            Files.deleteIfExists(root.resolve(StateRecord.DIRECTORY).resolve(StoreSteps.KEYS_FILE));
        } catch (IOException e) {
            throw new EnvironmentCreationException(FileProblems.describe("reset", root.resolve(StateRecord.DIRECTORY)
                    .resolve(dev.isoenv.internal.lock.ArtifactRecord.FILE), e), e);
        }
    }

    private static void createLocation(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new EnvironmentCreationException(FileProblems.describe("create", root, e), e);
        }
    }

    /** Deletes everything in an isoenv directory but its state record, which already says "being created". */
    private static void emptyLocation(Path root) {
        try {
            for (Path child : childrenExceptRecord(root)) {
                if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    dev.isoenv.internal.io.FileTrees.delete(child);
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
                    dev.isoenv.internal.io.FileTrees.delete(leftover);
                } else {
                    Files.deleteIfExists(leftover);
                }
                log().log(Level.INFO, "isoenv: removed {0}, left by an interrupted install", leftover);
            } catch (IOException e) {
                log().log(Level.WARNING, "isoenv: could not remove {0}: {1}", leftover, e.getMessage());
            }
        }
    }
}
