package dev.isoenv;

import dev.isoenv.internal.accelerator.AcceleratorDetector;
import dev.isoenv.internal.ensure.EnvironmentAdministration;
import dev.isoenv.internal.ensure.EnvironmentEnsurer;
import dev.isoenv.internal.registry.InstallerSelector;
import dev.isoenv.internal.registry.ProviderRegistry;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.internal.store.SharedStore;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An isoenv client: built once, it holds the providers found on the class path (backends, accelerator probes,
 * install planners), the accelerator detected on this machine, the listeners, and the variables child processes
 * start from. {@link Isoenv} is the shortcut to a default client; build your own to listen to progress, or, in
 * tests, to use given providers and variables.
 *
 * <pre>{@code
 * IsoenvClient isoenv = IsoenvClient.builder()
 *         .listener(ConsoleReporter.toStandardError())
 *         .build();
 * Environment env = isoenv.ensure(spec);
 * }</pre>
 *
 * <p>A client is immutable and thread-safe. Clients derived with {@link #withListener} share its providers and its
 * detected accelerator.
 */
public final class IsoenvClient {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final ProviderRegistry registry;
    private final AcceleratorDetector detector;
    private final OutputListener outputListener;
    private final LaunchListener launchListener;
    private final EnsureListener listener;
    private final Map<String, String> processEnvironment;
    private final Map<String, String> options;

    private IsoenvClient(ProviderRegistry registry, AcceleratorDetector detector, OutputListener outputListener,
                         LaunchListener launchListener, EnsureListener listener,
                         Map<String, String> processEnvironment, Map<String, String> options) {
        this.options = options;
        this.registry = registry;
        this.outputListener = outputListener;
        this.launchListener = launchListener;
        this.listener = listener;
        this.processEnvironment = processEnvironment;
        this.detector = detector != null ? detector : new AcceleratorDetector(registry::probes, this::probeContext);
    }

    /**
     * Returns a client with the defaults: providers from {@link java.util.ServiceLoader}, no listeners, and this
     * process's variables.
     *
     * @return a new client
     */
    public static IsoenvClient create() {
        return builder().build();
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
     * Creates the environment of {@code spec} if needed, brings it to its specification while holding its lock, and
     * returns it. A second call with the same specification starts no process. Changing the requirements installs
     * or removes only the difference; changing the Python, the backend or the pip option rebuilds. A failed install
     * is never recorded as done.
     *
     * @param spec what the environment should be
     * @return the environment, satisfying the specification
     * @throws IsoenvException (one of its subclasses) when the environment cannot be brought to the specification;
     *     the message says what to do
     */
    public Environment ensure(EnvironmentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return ensurer().ensure(spec);
    }

    /**
     * Tells what {@link #ensure} would install for {@code spec}, installing nothing: for PyTorch, the variant, its
     * index (credentials masked), each variant refused and why. It may detect the accelerator (running a probe such
     * as {@code nvidia-smi} once per client), and plans with the environment's Python when the environment exists,
     * else with the version the specification asks for.
     *
     * @param spec the specification
     * @return the plan
     * @throws IsoenvException (one of its subclasses) when the specification cannot be planned, such as a torch
     *     release without wheels for this platform; the message says what to do
     */
    public EnvironmentPlan plan(EnvironmentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return ensurer().preview(spec);
    }

    private EnvironmentEnsurer ensurer() {
        return new EnvironmentEnsurer(selector(), registry.planners(), detector::detect, launchListener,
                outputListener, listener, processEnvironment, options);
    }

    /**
     * Unpacks an archive that {@link Environment#pack(Path)} wrote into a new or empty directory, and returns the
     * environment there, ready to {@link Environment#run run}. Nothing is installed and no process starts.
     *
     * <p><b>Trust.</b> Unpacking an environment means trusting it: its interpreter links, console scripts and packages
     * run as soon as the environment is used. The payload's SHA-256 is recorded in the same archive, so it detects
     * damage (a cut-short or corrupted copy), not tampering: anyone who can change the archive can also change the
     * hash. Unpack only archives from a source you trust, and carry them over a channel you trust; to detect a changed
     * or substituted file, publish {@link EnvironmentArchive#sha256()} beside it and unpack with
     * {@link #unpack(Path, Path, String)}.
     *
     * <p>It checks that the archive is one {@code pack} writes, for this machine's platform (operating system and
     * processor architecture), and that the base interpreter its manifest names is on this machine. It extracts into a
     * hidden folder beside the location, refusing any entry that would reach outside it (an absolute path, {@code ..},
     * a path through a link, a link that points outside, a hard link, a device), checks the SHA-256 of the whole
     * payload against the manifest, checks the manifest's list of files to rewrite and the environment's state record,
     * writes the new location into the text files that named the old one (and, for a conda prefix, over the old one in
     * its binary files, refusing first a location longer than the old one), and only then moves the folder into place:
     * every check happens before anything is moved to the location, and a refused or failed unpack leaves nothing
     * there. Stale hidden folders that a killed unpack of the same location left beside it are removed first.
     *
     * <p>A {@code .tar.gz} and a {@code .zip} are told apart by their first bytes, whatever the file's name.
     *
     * @param archive the {@code .tar.gz} or {@code .zip} file
     * @param location where the environment goes: a path that does not exist, or an empty directory
     * @return the environment
     * @throws InvalidArchiveException if the archive is not one {@code pack} wrote, is damaged or was changed since,
     *     holds an unsafe entry, was built for another platform, or holds binary files that name a path shorter than
     *     the location's; {@link InvalidArchiveException#reason()} says which
     * @throws PythonNotFoundException if the base interpreter the archive runs on is not on this machine, or (on Linux
     *     and macOS) is another Python version than the archive's; the message names it and both versions
     * @throws EnvironmentConflictException if the location holds anything
     * @throws EnvironmentStateException if the files cannot be written, or the file system has less usable space than
     *     the archive declares it needs
     */
    public Environment unpack(Path archive, Path location) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(location, "location");
        return dev.isoenv.internal.ensure.EnvironmentPacking.unpack(archive, location,
                new dev.isoenv.internal.process.DeferredRunner(launchListener), processEnvironment);
    }

    /**
     * Unpacks an archive as {@link #unpack(Path, Path)} does, after checking that the whole file's SHA-256 is the one
     * published with it ({@link EnvironmentArchive#sha256()} on the machine that packed it, or {@code sha256sum} of the
     * file there). The file is copied once, beside the location and readable by its owner alone, and hashed as it is
     * copied; that copy is checked before anything is extracted and is what is extracted, so a file changed after the
     * check cannot slip in. A mismatch leaves nothing at the location; the copy is removed afterwards.
     *
     * <p>The two hashes differ in what they protect against. The payload's SHA-256, which every unpack checks, is
     * recorded inside the archive: it detects damage. The file's SHA-256 comes from outside the archive, from where it
     * was published: it detects a file that was changed or substituted on the way, as far as that place is trusted.
     *
     * <pre>{@code
     * EnvironmentArchive packed = env.pack(Path.of("tool-env.tar.gz"));
     * String published = packed.sha256();   // publish it beside the archive
     * // on a worker:
     * Environment unpacked = Isoenv.unpack(Path.of("tool-env.tar.gz"), Path.of("/scratch/tool-env"), published);
     * }</pre>
     *
     * @param archive the {@code .tar.gz} or {@code .zip} file
     * @param location where the environment goes: a path that does not exist, or an empty directory
     * @param expectedSha256 the file's SHA-256 as published: 64 hex digits, either case
     * @return the environment
     * @throws InvalidSpecException if {@code expectedSha256} is not 64 hex digits
     * @throws InvalidArchiveException with reason {@link InvalidArchiveException.Reason#NOT_THE_PUBLISHED_FILE} if the file's
     *     SHA-256 is another (the message names both); otherwise as {@link #unpack(Path, Path)}
     * @throws PythonNotFoundException as {@link #unpack(Path, Path)}
     * @throws EnvironmentConflictException if the location holds anything
     * @throws EnvironmentStateException as {@link #unpack(Path, Path)}, or if the file cannot be read
     */
    public Environment unpack(Path archive, Path location, String expectedSha256) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(expectedSha256, "expectedSha256");
        return dev.isoenv.internal.ensure.EnvironmentPacking.unpack(archive, location, expectedSha256,
                new dev.isoenv.internal.process.DeferredRunner(launchListener), processEnvironment);
    }

    /**
     * Reads what is at an environment's location without changing anything: no process, no lock, no write. See
     * {@link EnvironmentStatus}.
     *
     * @param location the environment's directory
     * @return the status
     * @throws EnvironmentStateException if isoenv's record there cannot be read, or a newer isoenv wrote it
     */
    public EnvironmentStatus status(Path location) {
        Objects.requireNonNull(location, "location");
        return new EnvironmentAdministration(selector()).status(location);
    }

    /**
     * Deletes an environment that isoenv created, under its lock, waiting up to the default lock timeout
     * ({@link Timeouts#defaults()}: 60 minutes) for another holder, such as an install in progress; see
     * {@link #delete(Path, Duration)}.
     *
     * @param location the environment's directory
     * @return true if it was deleted; false if nothing was there
     * @throws EnvironmentConflictException if the location holds anything isoenv did not create; nothing is touched
     * @throws LockTimeoutException if another thread or process held the lock for more than 60 minutes
     * @throws EnvironmentStateException if a file could not be deleted
     */
    public boolean delete(Path location) {
        return delete(location, Timeouts.defaults().lock());
    }

    /**
     * Deletes an environment that isoenv created, under its lock, waiting up to {@code timeout} for another holder
     * (an {@code ensure()} installing in it, a caller's {@link #lock}), after ending the processes an
     * {@code ensure()} whose JVM died left running in it. Anything else is refused: a directory without isoenv's
     * record, a file, a symbolic link.
     * The lock's file beside it ({@code .<name>.isoenv-lock}) stays. If deletion stops half-way (a file in use), what
     * is left is marked incomplete: {@code ensure()} rebuilds it and {@code delete()} deletes it.
     *
     * @param location the environment's directory
     * @param timeout how long to wait for another holder of the lock; {@link Duration#ZERO} tries once
     * @return true if it was deleted; false if nothing was there
     * @throws EnvironmentConflictException if the location holds anything isoenv did not create; nothing is touched
     * @throws LockTimeoutException if another thread or process held the lock for longer than {@code timeout}
     * @throws EnvironmentStateException if a file could not be deleted
     * @throws InvalidSpecException if {@code timeout} is negative
     */
    public boolean delete(Path location, Duration timeout) {
        Objects.requireNonNull(location, "location");
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new InvalidSpecException("A lock timeout cannot be negative, not " + timeout + ".");
        }
        // The store this environment used, wherever its specification put it; none when it used none.
        Optional<SharedStore> used = EnvironmentAdministration.sharedStoreOf(location)
                .map(dir -> SharedStore.at(dir, OperatingSystem.current()));
        boolean deleted = EnvironmentAdministration.delete(location, timeout);
        if (deleted) {
            used.ifPresent(store -> {
                store.forget(EnvironmentAdministration.location(location));
                try {
                    store.collect(false);
                } catch (java.io.IOException | LockTimeoutException e) {
                    System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING, "isoenv: deleted {0}, but could"
                            + " not free what only it used in the shared store {1}: {2}; collectGarbage() retries",
                            location, store.directory(), e.toString());
                }
            });
        }
        return deleted;
    }

    /**
     * Collects the garbage of the shared store ({@link EnvironmentSpec#usesSharedStore()}): removes the stored
     * distributions that no environment uses any more, and the files only they held. An environment counts while
     * its directory holds isoenv's record, and uses a stored distribution while that distribution is installed in
     * it in the same version. No environment loses a file: each holds its own link to the data. {@link #delete}
     * collects by itself; call this after removing environments by other means, or to see what a collection would
     * free.
     *
     * @param dryRun true to remove nothing and only report what would be removed
     * @return what was removed, or would be
     * @throws EnvironmentStateException if the store cannot be read or a file in it cannot be removed, or nothing
     *     says where the store is (no home directory, and no {@code isoenv.store.dir})
     * @throws LockTimeoutException if another process held the store's lock for minutes
     */
    public StoreGarbage collectGarbage(boolean dryRun) {
        SharedStore store = sharedStore().orElseThrow(() -> new EnvironmentStateException("There is no shared"
                + " store: no home directory says where it is. Set the system property " + SharedStore.PROPERTY
                + " or the environment variable " + SharedStore.VARIABLE + "."));
        try {
            return store.collect(dryRun);
        } catch (java.io.IOException e) {
            throw new EnvironmentStateException(dev.isoenv.internal.io.FileProblems.describe("collect the garbage of",
                    store.directory(), e), e);
        }
    }

    private Optional<SharedStore> sharedStore() {
        OperatingSystem os = OperatingSystem.current();
        return SharedStore.locate(Map.of(), options, os, processEnvironment, System::getProperty)
                .map(dir -> SharedStore.at(dir, os));
    }

    /**
     * Takes the lock of an environment for the caller, the one {@link #ensure} and {@link #delete} take, and ends the
     * processes an {@code ensure()} whose JVM died left running in it. While it is held, no other thread or process
     * changes the environment; this thread's own {@code ensure()} and {@code delete()} go ahead. Close it on the
     * thread that took it, with try-with-resources; {@link EnvironmentLock#close()} on another thread throws
     * {@link IllegalStateException} and leaves it held.
     *
     * @param location the environment's directory; it need not exist
     * @param timeout how long to wait for another holder
     * @return the held lock
     * @throws LockTimeoutException if another thread or process held it for longer than {@code timeout}
     * @throws EnvironmentStateException if the lock's file {@code .<name>.isoenv-lock} cannot be made (its folder is
     *     not writable)
     */
    public EnvironmentLock lock(Path location, Duration timeout) {
        Objects.requireNonNull(location, "location");
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new InvalidSpecException("A lock timeout cannot be negative, not " + timeout + ".");
        }
        return EnvironmentAdministration.lock(location, timeout);
    }

    /**
     * Lists the backends found, highest priority first, each with whether it can work on this machine and why.
     *
     * @return the candidates
     */
    public List<BackendCandidate> backends() {
        return selector().candidates();
    }

    /**
     * Detects this machine's accelerator with the probes found (isoenv-cuda provides them). Hardware results are
     * kept for the life of this client and those derived from it; overrides are read on every call.
     *
     * @return the accelerator, or one of kind {@link Accelerator.Kind#NONE} with each probe's reason
     */
    public Accelerator detectAccelerator() {
        return detector.detect(CommandRunner.standard(launchListener));
    }

    /**
     * Lists the providers (backends, accelerator probes, install planners) that were found but could not be used: a
     * class that failed to load, a constructor that threw, a {@code name()} that failed. Each is logged once as well;
     * none stops isoenv. Calling this loads every kind of provider.
     *
     * @return one line per problem, such as "InstallPlanner: Provider com.example.Planner could not be instantiated"
     */
    public List<String> providerProblems() {
        registry.installers();
        registry.probes();
        registry.planners();
        return registry.failures();
    }

    /**
     * Returns a client like this one that sends progress events to {@code listener} instead; it shares this
     * client's providers and detected accelerator.
     *
     * @param listener the listener, such as a {@link ConsoleReporter}
     * @return the derived client
     */
    public IsoenvClient withListener(EnsureListener listener) {
        return new IsoenvClient(registry, detector, outputListener, launchListener,
                Objects.requireNonNull(listener, "listener"), processEnvironment, options);
    }

    /**
     * Returns a client like this one that sends installer output to {@code listener} instead; it shares this
     * client's providers and detected accelerator.
     *
     * @param listener the listener
     * @return the derived client
     */
    public IsoenvClient withOutputListener(OutputListener listener) {
        return new IsoenvClient(registry, detector, Objects.requireNonNull(listener, "listener"), launchListener,
                this.listener, processEnvironment, options);
    }

    private InstallerSelector selector() {
        return new InstallerSelector(registry, System::getProperty, processEnvironment);
    }

    private ProbeContext probeContext(CommandRunner runner) {
        java.io.File[] roots = java.io.File.listRoots();
        Path root = Path.of(roots.length > 0 ? roots[0].getPath() : "/");
        return new ProbeContext(OperatingSystem.current(), System.getProperty("os.arch", ""), root, processEnvironment,
                System::getProperty, runner == null ? CommandRunner.standard(launchListener) : runner, PROBE_TIMEOUT);
    }

    /** Builds an {@link IsoenvClient}. */
    public static final class Builder {
        private OutputListener outputListener = OutputListener.NONE;
        private LaunchListener launchListener = LaunchListener.NONE;
        private EnsureListener listener = EnsureListener.NONE;
        private List<Installer> installers;
        private List<AcceleratorProbe> probes;
        private List<InstallPlanner> planners;
        private Map<String, String> processEnvironment;
        private ClassLoader classLoader;
        private final Map<String, String> options = new java.util.TreeMap<>();

        private Builder() {
        }

        /**
         * Finds providers with this class loader instead of isoenv's own, as an application server or a plugin host
         * needs when backends come with the application rather than with isoenv.
         *
         * @param loader the class loader to search for {@code META-INF/services} registrations
         * @return this builder
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Sets who receives progress events, such as a {@link ConsoleReporter}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(EnsureListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets where installer output goes, line by line, with credentials masked. By default it is discarded; its
         * last lines still appear in exception messages.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder outputListener(OutputListener listener) {
            this.outputListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets who is told about each process before it starts, including probe commands and those of
         * {@link Environment#run}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder launchListener(LaunchListener listener) {
            this.launchListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Uses these backends instead of those {@link java.util.ServiceLoader} finds.
         *
         * @param installers the backends
         * @return this builder
         */
        public Builder installers(List<? extends Installer> installers) {
            this.installers = List.copyOf(installers);
            return this;
        }

        /**
         * Uses these accelerator probes instead of those {@link java.util.ServiceLoader} finds.
         *
         * @param probes the probes
         * @return this builder
         */
        public Builder probes(List<? extends AcceleratorProbe> probes) {
            this.probes = List.copyOf(probes);
            return this;
        }

        /**
         * Uses these install planners instead of those {@link java.util.ServiceLoader} finds.
         *
         * @param planners the planners
         * @return this builder
         */
        public Builder planners(List<? extends InstallPlanner> planners) {
            this.planners = List.copyOf(planners);
            return this;
        }

        /**
         * Sets an option for every specification this client plans or ensures, such as {@code torch.index-url} to
         * a mirror's {@code https://mirror.example/whl/{variant}}, {@code torch.variant} or {@code cuda.driver}. A
         * specification's own {@linkplain EnvironmentSpec.Builder#backendOption option} of the same key wins; this
         * wins over the system property ({@code isoenv.torch.index-url}). Two clients in one program may so differ.
         *
         * @param key the option, as {@link EnvironmentSpec.Builder#backendOption} takes it
         * @param value the value
         * @return this builder
         * @throws InvalidSpecException if the key or value is not of the form a specification's option must have
         */
        public Builder option(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            // The same rules as a specification's option, checked by building one.
            EnvironmentSpec.builder(Path.of(".")).backendOption(key, value);
            options.put(key, value);
            return this;
        }

        /**
         * Starts child processes from these variables instead of this process's; the backend name in
         * {@code ISOENV_BACKEND} is read from them too.
         *
         * @param environment the variables
         * @return this builder
         */
        public Builder processEnvironment(Map<String, String> environment) {
            this.processEnvironment = Map.copyOf(environment);
            return this;
        }

        /**
         * Builds the client. Providers are found when first needed, not here.
         *
         * @return the client
         */
        public IsoenvClient build() {
            ProviderRegistry registry = ProviderRegistry.serviceLoader(
                    classLoader != null ? classLoader : IsoenvClient.class.getClassLoader());
            if (installers != null || probes != null || planners != null) {
                registry = ProviderRegistry.override(registry, installers, probes, planners);
            }
            return new IsoenvClient(registry, null, outputListener, launchListener, listener,
                    processEnvironment == null ? System.getenv() : processEnvironment, Map.copyOf(options));
        }
    }
}
