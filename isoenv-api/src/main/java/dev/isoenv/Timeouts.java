package dev.isoenv;

import java.time.Duration;
import java.util.Objects;

/**
 * How long isoenv waits for each kind of work before it gives up and kills the process tree it started.
 * The defaults suit multi-gigabyte installs such as CUDA builds of PyTorch.
 */
public final class Timeouts {
    private static final Timeouts DEFAULTS = builder().build();

    private final Duration create;
    private final Duration install;
    private final Duration lock;
    private final Duration probe;

    private Timeouts(Builder b) {
        this.create = b.create;
        this.install = b.install;
        this.lock = b.lock;
        this.probe = b.probe;
    }

    /**
     * Returns the defaults: create 5 minutes, install 60 minutes, lock 60 minutes, probe 10 seconds.
     *
     * @return the default timeouts
     */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder initialized with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialized with these values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().create(create).install(install).lock(lock).probe(probe);
    }

    /**
     * Returns the limit for creating an environment (finding and checking Python, building the venv).
     *
     * @return the creation timeout
     */
    public Duration create() {
        return create;
    }

    /**
     * Returns the limit for one install, uninstall or verification command.
     *
     * @return the install timeout
     */
    public Duration install() {
        return install;
    }

    /**
     * Returns how long {@code ensure()} waits for another thread or process that holds the environment's lock.
     *
     * @return the lock timeout
     */
    public Duration lock() {
        return lock;
    }

    /**
     * Returns the limit for a probe: checking an interpreter, or asking a tool for its version.
     *
     * @return the probe timeout
     */
    public Duration probe() {
        return probe;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Timeouts)) {
            return false;
        }
        Timeouts t = (Timeouts) o;
        return create.equals(t.create) && install.equals(t.install) && lock.equals(t.lock) && probe.equals(t.probe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(create, install, lock, probe);
    }

    @Override
    public String toString() {
        return "Timeouts[create=" + create + ", install=" + install + ", lock=" + lock + ", probe=" + probe + "]";
    }

    /** Builds {@link Timeouts}. Every duration must be positive. */
    public static final class Builder {
        private Duration create = Duration.ofMinutes(5);
        private Duration install = Duration.ofMinutes(60);
        private Duration lock = Duration.ofMinutes(60);
        private Duration probe = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Sets the creation timeout.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder create(Duration d) {
            this.create = positive(d, "create");
            return this;
        }

        /**
         * Sets the timeout of each install command.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder install(Duration d) {
            this.install = positive(d, "install");
            return this;
        }

        /**
         * Sets how long to wait for the environment's lock.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder lock(Duration d) {
            this.lock = positive(d, "lock");
            return this;
        }

        /**
         * Sets the timeout of each probe.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder probe(Duration d) {
            this.probe = positive(d, "probe");
            return this;
        }

        /**
         * Builds the immutable timeouts.
         *
         * @return the timeouts
         */
        public Timeouts build() {
            return new Timeouts(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidSpecException("The " + what + " timeout must be positive, not " + d + ".");
            }
            return d;
        }
    }
}
