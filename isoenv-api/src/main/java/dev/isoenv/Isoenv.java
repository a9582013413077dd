package dev.isoenv;

import dev.isoenv.accelerator.AcceleratorDetector;
import dev.isoenv.ensure.EnvironmentEnsurer;
import dev.isoenv.process.ProcessRunner;
import dev.isoenv.selection.BackendCandidate;
import dev.isoenv.selection.InstallerSelector;
import dev.isoenv.selection.ServiceProviders;
import dev.isoenv.spi.Accelerator;
import dev.isoenv.spi.InstallPlanner;
import java.util.List;

/**
 * The entry point: {@link #ensure(EnvironmentSpec)} creates a private Python environment if needed, brings it to
 * its specification while holding a lock, and returns it.
 *
 * <pre>{@code
 * Environment whisper = Isoenv.ensure(EnvironmentSpec.builder(Path.of("envs/whisper"))
 *         .python("3.11")
 *         .requirement("openai-whisper")
 *         .build());
 * whisper.run("whisper", "--help").requireSuccess();
 * }</pre>
 *
 * <p>A second call with the same specification starts no process and returns within milliseconds. Changing the
 * requirements installs or removes only the difference; changing the Python or the backend rebuilds. A failed
 * install is never recorded as done.
 */
public final class Isoenv {
    private Isoenv() {
    }

    /**
     * Ensures the environment with default options.
     *
     * @param spec what the environment should be
     * @return the environment, satisfying the specification
     * @throws IsoenvException (one of its subclasses) when the environment cannot be brought to the specification;
     *     the message says what to do
     */
    public static Environment ensure(EnvironmentSpec spec) {
        return ensure(spec, EnsureOptions.defaults());
    }

    /**
     * Ensures the environment.
     *
     * @param spec what the environment should be
     * @param options where output goes, and which installers and planners to use
     * @return the environment, satisfying the specification
     * @throws IsoenvException (one of its subclasses) when the environment cannot be brought to the specification;
     *     the message says what to do
     */
    public static Environment ensure(EnvironmentSpec spec, EnsureOptions options) {
        InstallerSelector selector = options.installers()
                .map(list -> new InstallerSelector(list, System::getProperty, System.getenv()))
                .orElseGet(InstallerSelector::fromServiceLoader);
        List<InstallPlanner> planners = options.planners().orElseGet(Isoenv::loadPlanners);
        ProcessRunner runner = ProcessRunner.withLaunchListener(options.launchListener());
        return new EnvironmentEnsurer(selector, planners, runner, options.outputListener(),
                options.processEnvironment().orElseGet(System::getenv)).ensure(spec);
    }

    /**
     * Lists the backends found on the class path or module path, highest priority first, each with whether it can
     * work on this machine and why.
     *
     * @return the candidates
     */
    public static List<BackendCandidate> backends() {
        return InstallerSelector.fromServiceLoader().candidates();
    }

    /**
     * Detects this machine's accelerator with the probes found on the class path (isoenv-cuda provides them).
     * Hardware results are cached for the life of the JVM; overrides are read on every call.
     *
     * @return the accelerator, or one of kind {@link Accelerator.Kind#NONE} with each probe's reason
     */
    public static Accelerator detectAccelerator() {
        return AcceleratorDetector.detectSystem();
    }

    private static volatile List<InstallPlanner> loadedPlanners;

    private static List<InstallPlanner> loadPlanners() {
        List<InstallPlanner> planners = loadedPlanners;
        if (planners == null) {
            ServiceProviders<InstallPlanner> loaded = ServiceProviders.load(InstallPlanner.class);
            for (String failure : loaded.failures()) {
                System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING,
                        "isoenv: an install planner failed to load and is ignored: {0}", failure);
            }
            planners = loaded.providers();
            loadedPlanners = planners;
        }
        return planners;
    }
}
