package dev.isoenv.spi;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One installer invocation: requirements resolved together, the constraints that bound them, and the indexes
 * they come from. A plan may hold several steps, such as PyTorch from its variant index first and everything
 * else afterwards.
 */
public final class InstallStep {
    private final String description;
    private final List<Requirement> requirements;
    private final List<Requirement> constraints;
    private final PackageIndexes indexes;
    private final Set<String> pinInstalled;
    private final Predicate<InstalledDistribution> replace;
    private final String replaceReason;

    private InstallStep(Builder b) {
        this.description = b.description;
        this.requirements = List.copyOf(b.requirements);
        this.constraints = List.copyOf(b.constraints);
        this.indexes = b.indexes;
        this.pinInstalled = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.pinInstalled));
        this.replace = b.replace;
        this.replaceReason = b.replaceReason;
    }

    /**
     * Starts a builder.
     *
     * @param description what the step does, for logs and errors, such as "PyTorch from the cu126 index"
     * @return a new builder
     */
    public static Builder builder(String description) {
        return new Builder(description);
    }

    /**
     * Returns what the step does.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Returns the requirements to install together.
     *
     * @return the requirements
     */
    public List<Requirement> requirements() {
        return requirements;
    }

    /**
     * Returns the constraints.
     *
     * @return the constraints
     */
    public List<Requirement> constraints() {
        return constraints;
    }

    /**
     * Returns the indexes to install from.
     *
     * @return the indexes
     */
    public PackageIndexes indexes() {
        return indexes;
    }

    /**
     * Returns the normalized names of distributions whose installed versions must not change in this step.
     * Before the step runs, isoenv turns each into an exact constraint, such as {@code torch==2.5.1+cu126}.
     *
     * @return names to pin
     */
    public Set<String> pinInstalled() {
        return pinInstalled;
    }

    /**
     * Tells whether an installed distribution must be removed before this step runs, because it is the wrong build
     * of something the step installs, such as a CUDA 12.1 build of torch where the step installs the CUDA 12.6 one
     * (an installer keeps a distribution that it sees as satisfying an unpinned requirement).
     *
     * @param installed an installed distribution
     * @return true if isoenv must remove it before the step
     */
    public boolean mustReplace(InstalledDistribution installed) {
        return replace.test(installed);
    }

    /**
     * Returns why {@link #mustReplace} removes distributions, for logs and events.
     *
     * @return the reason, such as "installed for another variant than cu126"; empty when the step replaces nothing
     */
    public String replaceReason() {
        return replaceReason;
    }

    /**
     * Returns a builder holding this step's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(description).indexes(indexes);
        b.requirements.addAll(requirements);
        b.constraints.addAll(constraints);
        b.pinInstalled.addAll(pinInstalled);
        b.replace = replace;
        b.replaceReason = replaceReason;
        return b;
    }

    @Override
    public String toString() {
        return "InstallStep[" + description + ": " + requirements + ", constraints=" + constraints + ", " + indexes + "]";
    }

    /** Builds an {@link InstallStep}. */
    public static final class Builder {
        private final String description;
        private final List<Requirement> requirements = new ArrayList<>();
        private final List<Requirement> constraints = new ArrayList<>();
        private PackageIndexes indexes = PackageIndexes.machineDefaults();
        private final Set<String> pinInstalled = new LinkedHashSet<>();
        private Predicate<InstalledDistribution> replace = d -> false;
        private String replaceReason = "";

        private Builder(String description) {
            this.description = Objects.requireNonNull(description, "description");
        }

        /**
         * Adds requirements.
         *
         * @param more the requirements
         * @return this builder
         */
        public Builder requirements(Collection<Requirement> more) {
            for (Requirement r : more) {
                if (!requirements.contains(r)) {
                    requirements.add(r);
                }
            }
            return this;
        }

        /**
         * Adds constraints.
         *
         * @param more the constraints
         * @return this builder
         */
        public Builder constraints(Collection<Requirement> more) {
            for (Requirement r : more) {
                if (!constraints.contains(r)) {
                    constraints.add(r);
                }
            }
            return this;
        }

        /**
         * Sets the indexes.
         *
         * @param indexes the indexes
         * @return this builder
         */
        public Builder indexes(PackageIndexes indexes) {
            this.indexes = Objects.requireNonNull(indexes, "indexes");
            return this;
        }

        /**
         * Pins the installed versions of these distributions for this step.
         *
         * @param names distribution names
         * @return this builder
         */
        public Builder pinInstalled(Collection<String> names) {
            for (String n : names) {
                pinInstalled.add(Requirement.normalize(n));
            }
            return this;
        }

        /**
         * Removes, before the step runs, each installed distribution that {@code wrongBuild} accepts, so that the
         * step installs the right build instead of keeping the one an earlier plan left.
         *
         * @param reason why, for logs and events, such as "installed for another variant than cu126"
         * @param wrongBuild accepts the installed distributions to remove
         * @return this builder
         */
        public Builder replaceInstalled(String reason, Predicate<InstalledDistribution> wrongBuild) {
            this.replaceReason = Objects.requireNonNull(reason, "reason");
            this.replace = Objects.requireNonNull(wrongBuild, "wrongBuild");
            return this;
        }

        /**
         * Builds the step.
         *
         * @return the step
         */
        public InstallStep build() {
            return new InstallStep(this);
        }
    }
}
