package dev.isoenv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an environment should be: where it lives, which Python it is built on, which requirements and
 * constraints it holds, where packages come from, which backend builds it, and how long each step may take.
 *
 * <p>Specifications are immutable and validated: every requirement string is checked against PEP 508 when it
 * is added to the builder, so a bad one fails before anything touches the disk. Pass a specification to
 * {@link Isoenv#ensure(EnvironmentSpec)}.
 *
 * <pre>{@code
 * EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("envs/whisper"))
 *         .python("3.11")
 *         .requirement("openai-whisper==20231117")
 *         .requirement("torch==2.5.1")
 *         .build();
 * }</pre>
 */
public final class EnvironmentSpec {
    private static final Pattern BACKEND_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** A conda match spec as isoenv accepts it: a name, optionally a channel, version and build; no spaces. */
    private static final Pattern CONDA_PACKAGE =
            Pattern.compile("(?:[A-Za-z0-9][A-Za-z0-9_.-]*::)?[A-Za-z0-9_][A-Za-z0-9_.-]*(?:[=<>!~][A-Za-z0-9_.*+!,<>=|~-]*)?");
    private static final Pattern CONDA_CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]+)*");
    private static final Pattern OPTION_KEY = Pattern.compile("[a-z0-9][a-z0-9-]*\\.[a-z0-9][a-z0-9.-]*");

    private final Path location;
    private final PythonRequest python;
    private final List<Requirement> requirements;
    private final List<Requirement> constraints;
    private final PackageIndexes indexes;
    private final String backend;
    private final Timeouts timeouts;
    private final boolean machineConfiguration;
    private final boolean pip;
    private final List<String> condaPackages;
    private final List<String> condaChannels;
    private final boolean pythonDownloads;
    private final boolean sharedStore;
    private final Map<String, String> backendOptions;
    private final List<InstallerArgument> installerArguments;
    private final PackageLock lockFile;

    private EnvironmentSpec(Builder b) {
        this.location = b.location;
        this.python = b.python;
        this.requirements = List.copyOf(b.requirements);
        this.constraints = List.copyOf(b.constraints);
        this.indexes = b.indexes;
        this.backend = b.backend;
        this.timeouts = b.timeouts;
        this.machineConfiguration = b.machineConfiguration;
        this.pip = b.pip;
        this.condaPackages = List.copyOf(b.condaPackages);
        this.condaChannels = List.copyOf(b.condaChannels);
        this.pythonDownloads = b.pythonDownloads;
        this.sharedStore = b.sharedStore;
        this.backendOptions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(b.backendOptions));
        this.installerArguments = List.copyOf(b.installerArguments);
        this.lockFile = b.lockFile;
    }

    /**
     * Starts a builder for an environment at {@code location}. The directory need not exist; isoenv creates
     * it, and never deletes a directory it did not create.
     *
     * @param location the environment's directory, chosen by the caller
     * @return a new builder
     */
    public static Builder builder(Path location) {
        return new Builder(location);
    }

    /**
     * Returns a builder holding this specification's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(location);
        b.python = python;
        b.requirements.addAll(requirements);
        b.constraints.addAll(constraints);
        b.indexes = indexes;
        b.backend = backend;
        b.timeouts = timeouts;
        b.machineConfiguration = machineConfiguration;
        b.pip = pip;
        b.condaPackages.addAll(condaPackages);
        b.condaChannels.addAll(condaChannels);
        b.pythonDownloads = pythonDownloads;
        b.sharedStore = sharedStore;
        b.backendOptions.putAll(backendOptions);
        b.installerArguments.addAll(installerArguments);
        b.lockFile = lockFile;
        return b;
    }

    /**
     * Returns the environment's directory, absolute and normalized.
     *
     * @return the location
     */
    public Path location() {
        return location;
    }

    /**
     * Returns which Python the environment is built on.
     *
     * @return the Python request
     */
    public PythonRequest python() {
        return python;
    }

    /**
     * Returns the requirements, in the order they were added, without duplicates.
     *
     * @return the requirements
     */
    public List<Requirement> requirements() {
        return requirements;
    }

    /**
     * Returns the constraints: requirements that limit versions without asking for installation, such as
     * {@code numpy<2}.
     *
     * @return the constraints
     */
    public List<Requirement> constraints() {
        return constraints;
    }

    /**
     * Returns where packages come from.
     *
     * @return the package indexes
     */
    public PackageIndexes indexes() {
        return indexes;
    }

    /**
     * Returns the backend asked for by name, such as {@code "venv"} or {@code "uv"}.
     *
     * @return the backend name, or empty to choose automatically
     */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /**
     * Returns the timeouts.
     *
     * @return the timeouts
     */
    public Timeouts timeouts() {
        return timeouts;
    }

    /**
     * Tells whether installers may read the machine's configuration (pip.conf, {@code PIP_*} variables, and
     * the like). True by default, as for any program the user runs; tests and hermetic builds turn it off.
     *
     * @return true if machine configuration is inherited
     */
    public boolean inheritsMachineConfiguration() {
        return machineConfiguration;
    }

    /**
     * Tells whether the environment gets a working pip ({@code python -m pip} and the {@code pip} scripts), as users
     * and many tools expect. True by default; each backend provides it in its own way. Turning it off makes smaller
     * environments where only the backend installs; changing it rebuilds the environment.
     *
     * @return true if the environment holds pip
     */
    public boolean includesPip() {
        return pip;
    }

    /**
     * Returns the conda packages the environment needs beside its Python requirements, such as {@code ffmpeg} or
     * {@code cuda-toolkit=12.4}. Only a backend that installs conda packages (isoenv-conda) can build a specification
     * that has any; the others refuse it with the reason, and automatic selection chooses the conda backend for it.
     *
     * @return the conda match specs, in the order given
     */
    public List<String> condaPackages() {
        return condaPackages;
    }

    /**
     * Returns the conda channels to install conda packages and Python from, in priority order; isoenv passes them with
     * {@code --override-channels}, so the Anaconda defaults channels are never used unless named here.
     *
     * @return the channels; {@code conda-forge} when none was given
     */
    public List<String> condaChannels() {
        return condaChannels.isEmpty() ? List.of("conda-forge") : condaChannels;
    }

    /**
     * Tells whether the backend may download the requested Python when the machine lacks it, as uv and conda can.
     * Off by default: isoenv uses the machine's interpreters unless told otherwise. A backend that cannot download
     * one refuses a specification that allows it only when no installed interpreter fits.
     *
     * @return true if a Python may be downloaded
     */
    public boolean allowsPythonDownloads() {
        return pythonDownloads;
    }

    /**
     * Tells whether the environment shares installed distributions through isoenv's store (on by default): a
     * distribution that another environment of this user already holds, with the same version, build and Python,
     * is hard-linked in instead of downloaded and unpacked, and what is installed here is added for the next
     * environment. Shared files are read-only; each environment keeps its own launchers and metadata records. The
     * store is at {@code store.dir} (an option of the specification or the client), else the system property
     * {@code isoenv.store.dir}, else the environment variable {@code ISOENV_STORE_DIR}, else {@code store} in the
     * user's cache directory ({@code ~/.cache/isoenv}, {@code ~/Library/Caches/isoenv},
     * {@code %LOCALAPPDATA%\isoenv\Cache}). Backends with a store of their own (uv's cache) ignore it.
     *
     * @return true unless {@link Builder#sharedStore(boolean)} turned it off
     */
    public boolean usesSharedStore() {
        return sharedStore;
    }

    /**
     * Returns backend-specific options, such as {@code uv.path}, {@code uv.cache-dir}, {@code uv.link-mode} or
     * {@code conda.path}. Each backend reads the keys that start with its name and refuses an unknown one of them,
     * listing those it knows; other backends ignore them. The PyTorch planner of isoenv-cuda reads its settings
     * here too, each named as its system property without {@code isoenv.}: {@code torch.index-url},
     * {@code torch.variant}, {@code cuda.driver}, {@code cuda.compute-capability}, {@code cuda.wsl} and
     * {@code rocm.gfx}; they win over the client's options ({@link IsoenvClient.Builder#option}) and the system
     * properties. {@code target.platform} ({@code linux-aarch64}, ...) builds for another CPU architecture of this
     * operating system, with binary wheels only, where the backend can (the venv backend); README's "Building for
     * another machine" says how. README lists every key.
     *
     * @return the options, sorted by key
     */
    public Map<String, String> backendOptions() {
        return backendOptions;
    }

    /**
     * Returns the extra installer arguments, such as {@code --pre} or {@code --only-binary=:all:}, in the order given;
     * see {@link InstallerArgument}. They are part of the fingerprint: changing them installs again.
     *
     * @return the arguments
     */
    public List<InstallerArgument> installerArguments() {
        return installerArguments;
    }

    /**
     * Returns the lock file the environment is installed from, if it is; its requirements are then exactly the lock's
     * packages for the environment's Python and platform. See {@link Builder#lockFile(Path)}.
     *
     * @return the lock file
     */
    public Optional<PackageLock> lockFile() {
        return Optional.ofNullable(lockFile);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnvironmentSpec)) {
            return false;
        }
        EnvironmentSpec s = (EnvironmentSpec) o;
        return location.equals(s.location) && python.equals(s.python) && requirements.equals(s.requirements)
                && constraints.equals(s.constraints) && indexes.equals(s.indexes)
                && Objects.equals(backend, s.backend) && timeouts.equals(s.timeouts)
                && machineConfiguration == s.machineConfiguration && pip == s.pip
                && condaPackages.equals(s.condaPackages) && condaChannels.equals(s.condaChannels)
                && pythonDownloads == s.pythonDownloads && sharedStore == s.sharedStore
                && backendOptions.equals(s.backendOptions)
                && installerArguments.equals(s.installerArguments) && Objects.equals(lockFile, s.lockFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(location, python, requirements, constraints, indexes, backend, timeouts,
                machineConfiguration, pip, condaPackages, condaChannels, pythonDownloads, sharedStore, backendOptions,
                installerArguments, lockFile);
    }

    /** Describes the specification, with credentials masked. */
    @Override
    public String toString() {
        return "EnvironmentSpec[location=" + location + ", python=" + python + ", requirements=" + requirements
                + ", constraints=" + constraints + ", " + indexes + ", backend=" + (backend == null ? "auto" : backend)
                + ", machineConfiguration=" + machineConfiguration + ", pip=" + pip
                + (condaPackages.isEmpty() ? "" : ", condaPackages=" + condaPackages + ", condaChannels="
                + dev.isoenv.internal.process.Redactor.maskUrlCredentials(condaChannels().toString()))
                + (pythonDownloads ? ", pythonDownloads=true" : "")
                + (sharedStore ? "" : ", sharedStore=false")
                + (backendOptions.isEmpty() ? "" : ", backendOptions="
                + dev.isoenv.internal.process.Redactor.maskUrlCredentials(backendOptions.toString()))
                + (installerArguments.isEmpty() ? "" : ", installerArguments=" + installerArguments)
                + (lockFile == null ? "" : ", lockFile=" + lockFile) + "]";
    }

    /** Builds an {@link EnvironmentSpec}. Each value is validated when it is set. */
    public static final class Builder {
        private final Path location;
        private PythonRequest python = PythonRequest.defaultPython();
        private final List<Requirement> requirements = new ArrayList<>();
        private final List<Requirement> constraints = new ArrayList<>();
        private PackageIndexes indexes = PackageIndexes.machineDefaults();
        private String backend;
        private Timeouts timeouts = Timeouts.defaults();
        private boolean machineConfiguration = true;
        private boolean pip = true;
        private final List<String> condaPackages = new ArrayList<>();
        private final List<String> condaChannels = new ArrayList<>();
        private boolean pythonDownloads;
        private boolean sharedStore = true;
        private final Map<String, String> backendOptions = new java.util.TreeMap<>();
        private final List<InstallerArgument> installerArguments = new ArrayList<>();
        private PackageLock lockFile;

        private Builder(Path location) {
            Objects.requireNonNull(location, "location");
            Path absolute = location.toAbsolutePath().normalize();
            if (absolute.getParent() == null) {
                throw new InvalidSpecException("The environment location '" + dev.isoenv.internal.process.Redactor.excerpt(
                        String.valueOf(location)) + "' is a file system root;"
                        + " choose a directory of its own, such as " + absolute.resolve("envs").resolve("my-tool") + ".");
            }
            this.location = absolute;
        }

        /**
         * Sets which Python to build on.
         *
         * @param request the Python request
         * @return this builder
         */
        public Builder python(PythonRequest request) {
            this.python = Objects.requireNonNull(request, "request");
            return this;
        }

        /**
         * Requests a Python version such as {@code "3.11"}.
         *
         * @param version a CPython 3 version prefix
         * @return this builder
         * @throws InvalidSpecException if the version is not valid
         */
        public Builder python(String version) {
            return python(PythonRequest.version(version));
        }

        /**
         * Adds one requirement.
         *
         * @param requirement a PEP 508 requirement such as {@code "requests>=2.31"}
         * @return this builder
         * @throws InvalidRequirementException if it is not a valid requirement
         */
        public Builder requirement(String requirement) {
            return add(requirements, Requirement.parse(requirement));
        }

        /**
         * Adds requirements. All of them are validated before any is added.
         *
         * @param requirements PEP 508 requirements
         * @return this builder
         * @throws InvalidRequirementException if one is not a valid requirement
         */
        public Builder requirements(String... requirements) {
            return requirements(List.of(requirements));
        }

        /**
         * Adds requirements. All of them are validated before any is added.
         *
         * @param requirements PEP 508 requirements
         * @return this builder
         * @throws InvalidRequirementException if one is not a valid requirement
         */
        public Builder requirements(Collection<String> requirements) {
            List<Requirement> parsed = new ArrayList<>();
            for (String r : requirements) {
                parsed.add(Requirement.parse(r));
            }
            parsed.forEach(r -> add(this.requirements, r));
            return this;
        }

        /**
         * Removes every requirement added so far, for use with {@link EnvironmentSpec#toBuilder()}.
         *
         * @return this builder
         */
        public Builder clearRequirements() {
            requirements.clear();
            return this;
        }

        /**
         * Adds a constraint: a requirement that limits versions, such as {@code "numpy<2"}, without asking for
         * the package to be installed.
         *
         * @param constraint a PEP 508 requirement without extras
         * @return this builder
         * @throws InvalidRequirementException if it is not a valid constraint
         */
        public Builder constraint(String constraint) {
            Requirement parsed = Requirement.parse(constraint);
            if (!parsed.extras().isEmpty()) {
                throw new InvalidRequirementException(parsed.toString(), parsed.name().length(),
                        "constraints cannot name extras; constrain the distribution itself");
            }
            return add(constraints, parsed);
        }

        /**
         * Sets where packages come from.
         *
         * @param indexes the package indexes
         * @return this builder
         */
        public Builder indexes(PackageIndexes indexes) {
            this.indexes = Objects.requireNonNull(indexes, "indexes");
            return this;
        }

        /**
         * Asks for a backend by name. Without this, the system property {@code isoenv.backend}, then the
         * environment variable {@code ISOENV_BACKEND}, then automatic selection decide.
         *
         * @param name a backend name such as {@code "venv"}, {@code "uv"} or {@code "conda"}
         * @return this builder
         */
        public Builder backend(String name) {
            String n = Objects.requireNonNull(name, "name").strip().toLowerCase(Locale.ROOT);
            if (!BACKEND_NAME.matcher(n).matches()) {
                throw new InvalidSpecException("Backend name '" + shorten(name) + "' is not valid: use the short name of an"
                        + " installed backend, such as \"venv\", \"uv\" or \"conda\".");
            }
            this.backend = n;
            return this;
        }

        /**
         * Sets the timeouts.
         *
         * @param timeouts the timeouts
         * @return this builder
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /**
         * Sets whether installers read the machine's configuration (pip.conf, {@code PIP_*} variables and the
         * like). Turn it off for hermetic builds and tests.
         *
         * @param inherit false to ignore machine configuration
         * @return this builder
         */
        public Builder inheritMachineConfiguration(boolean inherit) {
            this.machineConfiguration = inherit;
            return this;
        }

        /**
         * Sets whether the environment gets a working pip. On by default; see {@link EnvironmentSpec#includesPip()}.
         *
         * @param withPip false for an environment without pip
         * @return this builder
         */
        public Builder pip(boolean withPip) {
            this.pip = withPip;
            return this;
        }

        /**
         * Adds conda packages, such as {@code ffmpeg} or {@code cuda-toolkit=12.4}; see
         * {@link EnvironmentSpec#condaPackages()}.
         *
         * @param packages conda match specs: a name, optionally {@code channel::} before it and a version and build
         *     after it ({@code =1.2}, {@code >=1.2,<2}, {@code =1.2=h1234_0}); no spaces
         * @return this builder
         * @throws InvalidSpecException if one is not such a match spec
         */
        public Builder condaPackages(String... packages) {
            for (String p : packages) {
                String text = Objects.requireNonNull(p, "package").strip();
                if (!CONDA_PACKAGE.matcher(text).matches() || text.contains("--")) {
                    throw new InvalidSpecException("'" + shorten(p) + "' is not a conda package spec isoenv accepts: write a name, optionally with"
                            + " a channel before it and a version after it, without spaces, such as ffmpeg,"
                            + " conda-forge::ffmpeg or cuda-toolkit=12.4.");
                }
                if (!condaPackages.contains(text)) {
                    condaPackages.add(text);
                }
            }
            return this;
        }

        /**
         * Sets the conda channels, in priority order, replacing any set before; {@code conda-forge} when none is set.
         *
         * @param channels channel names such as {@code conda-forge} or {@code nvidia}, or http(s) channel URLs
         * @return this builder
         * @throws InvalidSpecException if a channel is neither
         */
        public Builder condaChannels(String... channels) {
            List<String> checked = new ArrayList<>();
            for (String c : channels) {
                String text = Objects.requireNonNull(c, "channel").strip();
                boolean url = text.startsWith("https://") || text.startsWith("http://") || text.startsWith("file://");
                if (url ? text.chars().anyMatch(ch -> ch <= ' ') : !CONDA_CHANNEL.matcher(text).matches()) {
                    throw new InvalidSpecException("'" + shorten(c) + "' is not a conda channel: use a channel name such as conda-forge, or an"
                            + " https URL.");
                }
                checked.add(text);
            }
            condaChannels.clear();
            condaChannels.addAll(checked);
            return this;
        }

        /**
         * Allows the backend to download the requested Python when the machine lacks it; see
         * {@link EnvironmentSpec#allowsPythonDownloads()}.
         *
         * @param allow true to allow downloads
         * @return this builder
         */
        public Builder pythonDownloads(boolean allow) {
            this.pythonDownloads = allow;
            return this;
        }

        /**
         * Turns the shared store on (the default) or off; see {@link EnvironmentSpec#usesSharedStore()}. Off, every
         * distribution is downloaded and unpacked into this environment alone, and nothing is added to the store.
         * It does not change what is installed, so switching it changes nothing in an existing environment.
         *
         * @param share false to keep this environment's files to itself
         * @return this builder
         */
        public Builder sharedStore(boolean share) {
            this.sharedStore = share;
            return this;
        }

        /**
         * Sets a backend-specific option, such as {@code uv.link-mode} to {@code copy}; see
         * {@link EnvironmentSpec#backendOptions()}.
         *
         * @param key the backend's name, a dot, and the option, in lower case
         * @param value the value
         * @return this builder
         * @throws InvalidSpecException if the key is not of that form or the value has a line break
         */
        public Builder backendOption(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (!OPTION_KEY.matcher(key).matches()) {
                throw new InvalidSpecException("Backend option '" + shorten(key) + "' is not valid: write the backend's"
                        + " name, a dot and the option, such as uv.link-mode.");
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                throw new InvalidSpecException("The value of backend option " + key + " has a line break or a NUL"
                        + " character; give a single line.");
            }
            backendOptions.put(key, value);
            return this;
        }

        /**
         * Adds an extra installer argument from the vetted list, such as {@link InstallerArgument#pre()}; an argument
         * given twice is kept once. The chosen backend maps it to its installer or refuses it, before anything is
         * changed.
         *
         * @param argument the argument
         * @return this builder
         */
        public Builder installerArgument(InstallerArgument argument) {
            Objects.requireNonNull(argument, "argument");
            if (!installerArguments.contains(argument)) {
                installerArguments.add(argument);
            }
            return this;
        }

        /**
         * Adds extra installer arguments written as pip writes them, such as {@code "--pre"} or
         * {@code "--only-binary=:all:"}; see {@link InstallerArgument#parse(String)}. All are checked before any is
         * added.
         *
         * @param arguments the arguments, each an option with its value joined by {@code =}
         * @return this builder
         * @throws InvalidSpecException if one is not on the vetted list; the message lists those isoenv accepts
         */
        public Builder installerArguments(String... arguments) {
            List<InstallerArgument> parsed = new ArrayList<>();
            for (String a : arguments) {
                parsed.add(InstallerArgument.parse(a));
            }
            parsed.forEach(this::installerArgument);
            return this;
        }

        /**
         * Removes every installer argument added so far, for use with {@link EnvironmentSpec#toBuilder()}.
         *
         * @return this builder
         */
        public Builder clearInstallerArguments() {
            installerArguments.clear();
            return this;
        }

        /**
         * Installs the environment from a lock file in the format of PEP 751 ({@code pylock.toml}), as written by
         * {@code uv pip compile -o pylock.toml}, {@code uv export --format pylock.toml}, {@code pip lock} or
         * {@link Environment#exportLockFile(Path)}. The file is read and checked now: a value isoenv does not accept
         * fails here, before anything touches the disk.
         *
         * <p>{@code ensure()} then installs exactly the lock's packages whose markers are true for the environment,
         * with no dependency resolution, and checks each downloaded file against the lock's hashes; a file with
         * another hash fails with {@link HashMismatchException} and nothing is installed. A lock whose
         * {@code requires-python} or {@code environments} exclude the environment's Python or platform, or whose
         * wheels do not fit it, fails with {@link LockFileMismatchException}. The packages are downloaded from the
         * lock's file URLs and paths; the specification's indexes are consulted too, and only files with the lock's
         * hashes are accepted from them (they also provide build tools for a source distribution). A specification
         * with a lock takes no requirements or constraints of its own. The venv backend installs from locks; a backend
         * that does not is passed over by automatic selection.
         *
         * @param file the lock file
         * @return this builder
         * @throws InvalidLockFileException if the file cannot be read or holds a value isoenv does not accept
         */
        public Builder lockFile(Path file) {
            return lockFile(PackageLock.read(file));
        }

        /**
         * Installs the environment from a lock already read; see {@link #lockFile(Path)}.
         *
         * @param lockFile the lock file
         * @return this builder
         */
        public Builder lockFile(PackageLock lockFile) {
            this.lockFile = Objects.requireNonNull(lockFile, "lockFile");
            return this;
        }

        private static String shorten(String text) {
            return dev.isoenv.internal.process.Redactor.excerpt(text);
        }

        /**
         * Builds the immutable specification.
         *
         * @return the specification
         * @throws InvalidSpecException if it has a lock and requirements or constraints too
         */
        public EnvironmentSpec build() {
            if (lockFile != null && (!requirements.isEmpty() || !constraints.isEmpty())) {
                throw new InvalidSpecException("A specification installed from the lock file " + lockFile.file()
                        + " takes every package from it, but it also has " + (requirements.isEmpty() ? "constraints "
                        + constraints : "requirements " + requirements) + ". Add them to the lock and lock again, or"
                        + " leave the lock out.");
            }
            return new EnvironmentSpec(this);
        }

        private Builder add(List<Requirement> list, Requirement requirement) {
            if (!list.contains(requirement)) {
                list.add(requirement);
            }
            return this;
        }
    }
}
