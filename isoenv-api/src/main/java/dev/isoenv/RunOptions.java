package dev.isoenv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a command inside an environment: a timeout, a working directory, extra environment variables
 * and a listener for the output as it streams.
 */
public final class RunOptions {
    private static final RunOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final Path directory;
    private final Map<String, String> environment;
    private final OutputListener listener;
    private final int captureLimit;

    private RunOptions(Builder b) {
        this.timeout = b.timeout;
        this.directory = b.directory;
        this.environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.listener = b.listener;
        this.captureLimit = b.captureLimit;
    }

    /**
     * Returns the defaults: no timeout, the current directory, no extra variables, no listener, and up to 16 MiB
     * of each stream captured.
     *
     * @return the default options
     */
    public static RunOptions defaults() {
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
     * Returns the timeout, after which the whole process tree is killed.
     *
     * @return the timeout, if any
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * Returns the working directory.
     *
     * @return the directory, if one was set
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Returns extra environment variables; a {@code null} value removes the variable.
     *
     * @return the variables
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Returns the listener that receives each output line.
     *
     * @return the listener
     */
    public OutputListener listener() {
        return listener;
    }

    /**
     * Returns how many characters of each stream are kept in the {@link RunResult}.
     *
     * @return the limit, in characters
     */
    public int captureLimit() {
        return captureLimit;
    }

    /** Builds {@link RunOptions}. */
    public static final class Builder {
        private Duration timeout;
        private Path directory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private OutputListener listener = OutputListener.NONE;
        private int captureLimit = 16 * 1024 * 1024;

        private Builder() {
        }

        /**
         * Sets a timeout; when it passes, the whole process tree is killed.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidSpecException("A run timeout must be positive, not " + timeout + ".");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param directory an existing directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets an environment variable for the command, or removes it when {@code value} is null.
         *
         * @param name the variable
         * @param value its value, or null to remove it
         * @return this builder
         */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        /**
         * Sets the listener that receives each output line as it is produced.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(OutputListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets how many characters of each stream the result keeps; the rest still reaches the listener. Longer
         * output keeps its first half of the limit, a line {@code [isoenv: N characters omitted]} and its last
         * lines. At most a 64th of the maximum heap is kept per stream whatever the limit, so a large limit on a
         * small heap keeps less; memory does not grow with the amount of output.
         *
         * @param characters zero or more
         * @return this builder
         */
        public Builder captureLimit(int characters) {
            if (characters < 0) {
                throw new InvalidSpecException("The capture limit cannot be negative.");
            }
            this.captureLimit = characters;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}
