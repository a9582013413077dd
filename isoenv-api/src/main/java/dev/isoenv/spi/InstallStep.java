package dev.isoenv.spi;

import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
    private final String requiredLocalLabel;
    private final Set<String> labelledNames;

    private InstallStep(Builder b) {
        this.description = b.description;
        this.requirements = List.copyOf(b.requirements);
        this.constraints = List.copyOf(b.constraints);
        this.indexes = b.indexes;
        this.pinInstalled = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.pinInstalled));
        this.requiredLocalLabel = b.requiredLocalLabel;
        this.labelledNames = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.labelledNames));
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
     * Returns the local version label that installed distributions among {@link #labelledNames()} must carry, such
     * as {@code cu126}; empty means "no label".
     *
     * @return the required label, if the step requires one
     */
    public java.util.Optional<String> requiredLocalLabel() {
        return java.util.Optional.ofNullable(requiredLocalLabel);
    }

    /**
     * Returns the normalized names whose installed versions must carry {@link #requiredLocalLabel()}. Before the
     * step runs, isoenv removes any of them that carries another label, so that the step installs the right build
     * instead of keeping the one an earlier variant left (pip would keep an unpinned {@code torch} it sees as
     * satisfied).
     *
     * @return the names, empty when the step requires no label
     */
    public Set<String> labelledNames() {
        return labelledNames;
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
        b.requiredLocalLabel = requiredLocalLabel;
        b.labelledNames.addAll(labelledNames);
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
        private String requiredLocalLabel;
        private final Set<String> labelledNames = new LinkedHashSet<>();

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
         * Requires installed distributions among {@code names} to carry the local version label {@code label}; any
         * that carries another is removed before the step runs.
         *
         * @param label a local label such as {@code cu126}, or an empty string for "no label"
         * @param names distribution names
         * @return this builder
         */
        public Builder requireLocalLabel(String label, Collection<String> names) {
            this.requiredLocalLabel = Objects.requireNonNull(label, "label").toLowerCase(java.util.Locale.ROOT);
            for (String n : names) {
                labelledNames.add(Requirement.normalize(n));
            }
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
