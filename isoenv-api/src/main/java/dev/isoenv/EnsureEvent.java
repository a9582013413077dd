package dev.isoenv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ensure()} is doing, as typed events for progress displays and logs. An {@link EnsureListener}
 * receives them in order; {@link ConsoleReporter} is a ready-made listener. Every event names the environment it is
 * about, and none contains the credentials of an index URL.
 *
 * <p>A cold {@code ensure()} sends {@link BackendChosen}, then {@link Creating} and {@link InterpreterFound} when it
 * creates the environment, {@link PlanChosen}, then {@link StepStarted} for each install step with
 * {@link PackageProgress} events while the backend works, {@link Removing} when something is no longer needed,
 * {@link Verifying} for each check, and {@link Ready} or {@link Failed} last. A warm {@code ensure()} sends only
 * {@link Ready}.
 *
 * <p>New kinds of event may be added in later versions, and records may gain components: a {@code switch} over
 * events needs a default branch, and listeners should read components by accessor.
 */
public sealed interface EnsureEvent {
    /**
     * Returns the environment's directory.
     *
     * @return the location
     */
    Path location();

    /**
     * The events a backend reports through {@link dev.isoenv.spi.BackendContext#publish}; the engine sends the
     * others itself.
     */
    sealed interface BackendEvent extends EnsureEvent {
    }

    /**
     * The backend that will build or update the environment, and why it was chosen.
     *
     * @param location the environment's directory
     * @param backend the backend's name, such as {@code "venv"}
     * @param reason why, such as "named by the specification"
     */
    record BackendChosen(Path location, String backend, String reason) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param backend the backend's name, such as {@code "venv"}
         * @param reason why, such as "named by the specification"
         */
        public BackendChosen {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The base interpreter the backend will build the environment from.
     *
     * @param location the environment's directory
     * @param interpreter where the interpreter is, or what provides it (such as "uv managed 3.12.4")
     * @param version its full Python version, such as {@code 3.11.7}
     */
    record InterpreterFound(Path location, String interpreter, String version) implements BackendEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param interpreter where the interpreter is, or what provides it (such as "uv managed 3.12.4")
         * @param version its full Python version, such as {@code 3.11.7}
         */
        public InterpreterFound {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(interpreter, "interpreter");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * The environment is being created, rebuilt or repaired.
     *
     * @param location the environment's directory
     * @param backend the backend that builds it
     * @param python the Python that was asked for, such as {@code 3.11} or "the default"
     * @param why creating a new environment, rebuilding one whose Python, backend or pip option changed, or repairing
     *     one left half-built
     */
    record Creating(Path location, String backend, String python, Reason why) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param backend the backend that builds it
         * @param python the Python that was asked for, such as {@code 3.11} or "the default"
         * @param why creating a new environment, rebuilding one whose Python, backend or pip option changed, or
         *     repairing one left half-built
         */
        public Creating {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(python, "python");
            Objects.requireNonNull(why, "why");
        }

        /**
         * Why the environment is being built. More constants may be added in later versions: switch with a default
         * branch.
         */
        public enum Reason {
            /** There was no environment at the location. */
            CREATING,
            /** Its Python, its backend or its pip option changed. */
            REBUILDING,
            /** It was left half-built, or its record was corrupt. */
            REPAIRING
        }
    }

    /**
     * How the environment will be installed: the planner's explanation and its choices, such as the PyTorch
     * variant for this machine's GPU.
     *
     * @param location the environment's directory
     * @param explanation a readable account of the choices made, with credentials masked
     * @param choices what the planner chose, such as {@code torch.variant=cu126}; empty for a plain install
     */
    record PlanChosen(Path location, String explanation, Map<String, String> choices) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param explanation a readable account of the choices made, with credentials masked
         * @param choices what the planner chose, such as {@code torch.variant=cu126}; empty for a plain install
         */
        public PlanChosen {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(explanation, "explanation");
            choices = Map.copyOf(choices);
        }
    }

    /**
     * Step {@code index} of {@code count} started.
     *
     * @param location the environment's directory
     * @param index the step's number, from 1
     * @param count how many steps the install has
     * @param description what the step does, such as "PyTorch from the cu126 index"
     * @param requirements what it installs
     * @param source where from: the index URL with credentials masked, or "the machine's configuration"
     */
    record StepStarted(Path location, int index, int count, String description, List<String> requirements,
                       String source) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param index the step's number, from 1
         * @param count how many steps the install has
         * @param description what the step does, such as "PyTorch from the cu126 index"
         * @param requirements what it installs
         * @param source where from: the index URL with credentials masked, or "the machine's configuration"
         */
        public StepStarted {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(description, "description");
            requirements = List.copyOf(requirements);
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * What a backend is doing with one package.
     *
     * @param location the environment's directory
     * @param name the package name as the installer printed it
     * @param version its version, or empty when not yet known
     * @param phase what is happening to it
     * @param bytesDone bytes downloaded so far, or -1 when unknown
     * @param bytesTotal the download's size, or -1 when unknown
     */
    record PackageProgress(Path location, String name, String version, Phase phase, long bytesDone, long bytesTotal)
            implements BackendEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param name the package name as the installer printed it
         * @param version its version, or empty when not yet known
         * @param phase what is happening to it
         * @param bytesDone bytes downloaded so far, or -1 when unknown
         * @param bytesTotal the download's size, or -1 when unknown
         */
        public PackageProgress {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(phase, "phase");
        }

        /**
         * What is happening to a package. More constants may be added in later versions: switch with a default
         * branch.
         */
        public enum Phase {
            /** The installer is looking for it. */
            RESOLVING,
            /** It is being downloaded; the byte counts say how far, when the installer reports them. */
            DOWNLOADING,
            /** It is being installed into the environment. */
            INSTALLING,
            /** It was installed. */
            INSTALLED
        }
    }

    /**
     * Distributions are being removed.
     *
     * @param location the environment's directory
     * @param distributions their normalized names
     * @param reason why, such as "no requirement needs them any more"
     */
    record Removing(Path location, List<String> distributions, String reason) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param distributions their normalized names
         * @param reason why, such as "no requirement needs them any more"
         */
        public Removing {
            Objects.requireNonNull(location, "location");
            distributions = List.copyOf(distributions);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A check of the installed environment started, such as "torch is the cu126 build and sees the GPU".
     *
     * @param location the environment's directory
     * @param check what is checked
     */
    record Verifying(Path location, String check) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param check what is checked
         */
        public Verifying {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(check, "check");
        }
    }

    /**
     * The environment satisfies its specification.
     *
     * @param location the environment's directory
     * @param duration how long {@code ensure()} took
     * @param processesStarted how many processes it started (0 on the warm path)
     * @param changed whether anything was created, installed or removed
     */
    record Ready(Path location, Duration duration, int processesStarted, boolean changed) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param duration how long {@code ensure()} took
         * @param processesStarted how many processes it started (0 on the warm path)
         * @param changed whether anything was created, installed or removed
         */
        public Ready {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * {@code ensure()} failed; it throws {@code error} next. The environment is not recorded as complete.
     *
     * @param location the environment's directory
     * @param error the exception, whose message says what to do
     */
    record Failed(Path location, RuntimeException error) implements EnsureEvent {
        /**
         * Creates the event, checking that no component is null.
         *
         * @param location the environment's directory
         * @param error the exception, whose message says what to do
         */
        public Failed {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(error, "error");
        }
    }
}
