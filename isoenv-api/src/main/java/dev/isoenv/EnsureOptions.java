package dev.isoenv;

import dev.isoenv.process.LaunchListener;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.Installer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Isoenv#ensure(EnvironmentSpec, EnsureOptions)} works, as opposed to what it builds: where installer
 * output goes, who is told about each process launch, and, for tests and tools, which installers and planners
 * to use instead of those found by {@link java.util.ServiceLoader}.
 */
public final class EnsureOptions {
    private static final EnsureOptions DEFAULTS = builder().build();

    private final OutputListener outputListener;
    private final LaunchListener launchListener;
    private final List<Installer> installers;
    private final List<InstallPlanner> planners;
    private final Map<String, String> processEnvironment;

    private EnsureOptions(Builder b) {
        this.outputListener = b.outputListener;
        this.launchListener = b.launchListener;
        this.installers = b.installers == null ? null : List.copyOf(b.installers);
        this.planners = b.planners == null ? null : List.copyOf(b.planners);
        this.processEnvironment = b.processEnvironment == null ? null : Map.copyOf(b.processEnvironment);
    }

    /**
     * Returns the defaults: output discarded (it still appears in exception messages), no launch listener, and
     * the installers and planners found by ServiceLoader.
     *
     * @return the default options
     */
    public static EnsureOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the listener for installer output.
     *
     * @return the output listener
     */
    public OutputListener outputListener() {
        return outputListener;
    }

    /**
     * Returns the listener told about each process launch.
     *
     * @return the launch listener
     */
    public LaunchListener launchListener() {
        return launchListener;
    }

    /**
     * Returns the installers to choose from instead of those ServiceLoader finds.
     *
     * @return the installers, or empty to use ServiceLoader
     */
    public Optional<List<Installer>> installers() {
        return Optional.ofNullable(installers);
    }

    /**
     * Returns the planners to use instead of those ServiceLoader finds.
     *
     * @return the planners, or empty to use ServiceLoader
     */
    public Optional<List<InstallPlanner>> planners() {
        return Optional.ofNullable(planners);
    }

    /**
     * Returns the variables child processes start from instead of the current process's.
     *
     * @return the variables, or empty to use the current process's
     */
    public Optional<Map<String, String>> processEnvironment() {
        return Optional.ofNullable(processEnvironment);
    }

    /** Builds {@link EnsureOptions}. */
    public static final class Builder {
        private OutputListener outputListener = OutputListener.NONE;
        private LaunchListener launchListener = LaunchListener.NONE;
        private List<Installer> installers;
        private List<InstallPlanner> planners;
        private Map<String, String> processEnvironment;

        private Builder() {
        }

        /**
         * Sets where installer output goes, line by line, with credentials masked.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder outputListener(OutputListener listener) {
            this.outputListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets who is told about each process before it starts, including those of {@link Environment#run}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder launchListener(LaunchListener listener) {
            this.launchListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Uses these installers instead of those ServiceLoader finds.
         *
         * @param installers the installers
         * @return this builder
         */
        public Builder installers(List<Installer> installers) {
            this.installers = List.copyOf(installers);
            return this;
        }

        /**
         * Uses these planners instead of those ServiceLoader finds.
         *
         * @param planners the planners
         * @return this builder
         */
        public Builder planners(List<InstallPlanner> planners) {
            this.planners = List.copyOf(planners);
            return this;
        }

        /**
         * Starts child processes from these variables instead of the current process's.
         *
         * @param environment the variables
         * @return this builder
         */
        public Builder processEnvironment(Map<String, String> environment) {
            this.processEnvironment = Map.copyOf(environment);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public EnsureOptions build() {
            return new EnsureOptions(this);
        }
    }
}
