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
import java.util.function.Function;
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
    private final boolean dependencies;
    private final boolean skipWhenSatisfied;
    private final String indexSetting;
    private final Set<String> reinstall;
    private final Function<List<InstalledDistribution>, List<Requirement>> router;
    private final List<dev.isoenv.PackageLock.Package> locked;

    private InstallStep(Builder b) {
        this.description = b.description;
        this.requirements = List.copyOf(b.requirements);
        this.constraints = List.copyOf(b.constraints);
        this.indexes = b.indexes;
        this.pinInstalled = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.pinInstalled));
        this.replace = b.replace;
        this.replaceReason = b.replaceReason;
        this.dependencies = b.dependencies;
        this.skipWhenSatisfied = b.skipWhenSatisfied;
        this.indexSetting = b.indexSetting;
        this.reinstall = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.reinstall));
        this.router = b.router;
        this.locked = List.copyOf(b.locked);
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
     * Tells whether an installed distribution must be replaced by this step, because it is the wrong build of
     * something the step installs, such as a CUDA 12.1 build of torch where the step installs the CUDA 12.6 one
     * (an installer keeps a distribution that it sees as satisfying an unpinned requirement). When the step
     * installs it under the same name, isoenv has the installer {@linkplain #reinstall() install it again}: the old
     * build is removed only once the new one is downloaded, and stays when the step fails. One under another name
     * (onnxruntime where the step installs onnxruntime-gpu, which holds the same module) is removed before the step,
     * since removing it afterwards would take the new build's files with it.
     *
     * @param installed an installed distribution
     * @return true if the step must replace it
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
     * Tells whether the installer also installs what the step's requirements depend on. A step without
     * dependencies (pip's and uv's {@code --no-deps}) installs exactly its requirements, such as the torch family
     * from a variant index that carries nothing else; a later step brings their dependencies from the ordinary
     * indexes.
     *
     * @return false for a step built with {@link Builder#withoutDependencies()}
     */
    public boolean installsDependencies() {
        return dependencies;
    }

    /**
     * Tells whether isoenv skips the step, starting no process, when every requirement is already satisfied by an
     * installed distribution that {@link #mustReplace} does not refuse (and satisfies the step's constraints), so
     * that adding an unrelated requirement does not reinstall or even look up what this step installs.
     *
     * @return true for a step built with {@link Builder#skipWhenSatisfied()}
     */
    public boolean skipsWhenSatisfied() {
        return skipWhenSatisfied;
    }

    /**
     * Returns where the step's indexes were set, such as "the system property isoenv.torch.index-url", which
     * errors name when the indexes cannot be reached or do not carry what the step asks for.
     *
     * @return the setting, if the step's indexes come from one
     */
    public java.util.Optional<String> indexSetting() {
        return java.util.Optional.ofNullable(indexSetting);
    }

    /**
     * Returns the normalized names of installed distributions the installer must install again even when their
     * versions satisfy the requirements, because they are the wrong build (see {@link #mustReplace}). The installer
     * replaces them only once the new ones are downloaded, so that a failure keeps the old build working.
     *
     * @return the names; empty for none
     */
    public Set<String> reinstall() {
        return reinstall;
    }

    /**
     * Returns what, when present, routes distributions that arrive only as dependencies into this step: before the
     * next step runs, isoenv resolves it without installing (where the backend can, see
     * {@link Installer#resolve}), gives the distributions it would install to this function, and installs the
     * requirements it returns with this step's indexes and options; it repeats this until nothing more is routed.
     *
     * @return the router, such as the torch planner's, which routes a torchvision that timm depends on to the
     *     variant index
     */
    public java.util.Optional<Function<List<InstalledDistribution>, List<Requirement>>> router() {
        return java.util.Optional.ofNullable(router);
    }

    /**
     * Returns the packages of a lock file this step installs, already chosen for the environment (see
     * {@link dev.isoenv.EnvironmentSpec.Builder#lockFile}). When there are any, the step's {@link #requirements()} are
     * their exact versions, for the record, and an installer must install exactly these packages: no dependency
     * resolution, and each file checked against one of its artifact's hashes, failing with
     * {@link dev.isoenv.HashMismatchException} when none matches. A backend that cannot do that refuses such a
     * specification in {@link Installer#cannotBuild}, as the default does.
     *
     * @return the locked packages; empty for a step of requirements
     */
    public List<dev.isoenv.PackageLock.Package> lockedPackages() {
        return locked;
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
        b.dependencies = dependencies;
        b.skipWhenSatisfied = skipWhenSatisfied;
        b.indexSetting = indexSetting;
        b.reinstall.addAll(reinstall);
        b.router = router;
        b.locked.addAll(locked);
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
        private boolean dependencies = true;
        private boolean skipWhenSatisfied;
        private String indexSetting;
        private final Set<String> reinstall = new LinkedHashSet<>();
        private Function<List<InstalledDistribution>, List<Requirement>> router;
        private final List<dev.isoenv.PackageLock.Package> locked = new ArrayList<>();

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
         * Replaces each installed distribution that {@code wrongBuild} accepts, so that the step installs the right
         * build instead of keeping the one an earlier plan left (see {@link InstallStep#mustReplace}).
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
         * Installs exactly the requirements, not what they depend on (see {@link InstallStep#installsDependencies()}).
         *
         * @return this builder
         */
        public Builder withoutDependencies() {
            this.dependencies = false;
            return this;
        }

        /**
         * Skips the step when everything it installs is installed already (see
         * {@link InstallStep#skipsWhenSatisfied()}).
         *
         * @return this builder
         */
        public Builder skipWhenSatisfied() {
            this.skipWhenSatisfied = true;
            return this;
        }

        /**
         * Names where the step's indexes were set, for errors (see {@link InstallStep#indexSetting()}).
         *
         * @param setting such as "the system property isoenv.torch.index-url"; credentials already masked
         * @return this builder
         */
        public Builder indexSetting(String setting) {
            this.indexSetting = Objects.requireNonNull(setting, "setting");
            return this;
        }

        /**
         * Replaces the requirements.
         *
         * @param replacement the new requirements
         * @return this builder
         */
        public Builder replaceRequirements(Collection<Requirement> replacement) {
            requirements.clear();
            return requirements(replacement);
        }

        /**
         * Makes the installer install these distributions again even when their versions satisfy the requirements
         * (see {@link InstallStep#reinstall()}).
         *
         * @param names distribution names
         * @return this builder
         */
        public Builder reinstall(Collection<String> names) {
            for (String n : names) {
                reinstall.add(Requirement.normalize(n));
            }
            return this;
        }

        /**
         * Routes distributions that arrive only as dependencies of the next step into this one (see
         * {@link InstallStep#router()}).
         *
         * @param route gives, for the distributions the next step would install, the requirements to install with
         *     this step's indexes instead; an empty list routes nothing
         * @return this builder
         */
        public Builder routeDependencies(Function<List<InstalledDistribution>, List<Requirement>> route) {
            this.router = Objects.requireNonNull(route, "route");
            return this;
        }

        /**
         * Makes this a step that installs these packages of a lock exactly; see {@link InstallStep#lockedPackages()}.
         *
         * @param packages the packages, chosen for the environment
         * @return this builder
         */
        public Builder lockedPackages(Collection<dev.isoenv.PackageLock.Package> packages) {
            locked.addAll(packages);
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
