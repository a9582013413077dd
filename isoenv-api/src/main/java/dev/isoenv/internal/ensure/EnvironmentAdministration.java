package dev.isoenv.internal.ensure;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidRequirementException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.metadata.DistributionScanner;
import dev.isoenv.internal.registry.InstallerSelector;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operations on an environment beside {@code ensure()}: its status, read without changing anything; its
 * deletion, only of what isoenv created and under its lock; and the lock itself, held by the caller.
 */
public final class EnvironmentAdministration {
    private final InstallerSelector selector;

    /**
     * Creates the operations.
     *
     * @param selector tells which backend is named outside the specification (a system property, a variable)
     */
    public EnvironmentAdministration(InstallerSelector selector) {
        this.selector = selector;
    }

    /**
     * The location as {@code ensure()} sees it: absolute, normalized, not a file system root.
     *
     * @param location a location
     * @return the location of a specification for it
     * @throws dev.isoenv.InvalidSpecException if it is a file system root
     */
    public static Path location(Path location) {
        return EnvironmentSpec.builder(location).build().location();
    }

    /**
     * Returns the shared store an environment used, as its state folder records it; read it before deleting the
     * environment, so that what only it used can be freed in that store.
     *
     * @param location the environment's directory
     * @return the store's directory; empty when the environment used none
     */
    public static Optional<Path> sharedStoreOf(Path location) {
        return StoreSteps.storeUsedBy(location(location));
    }

    /**
     * Writes an environment's distributions as a PEP 751 lock file: those isoenv installed for its requirements and
     * their dependencies, not what the backend puts in every environment (pip), each with its exact version and, where
     * an installation report recorded them, its file's URL and hashes. See {@link LockExporter}.
     *
     * @param environment the environment
     * @param output the lock file to write
     * @return the lock as written
     * @throws EnvironmentStateException if the environment's last install did not finish, or the file cannot be
     *     written
     * @throws dev.isoenv.LockTimeoutException if another thread or process held the environment's lock for longer
     *     than the specification's lock timeout
     */
    public static dev.isoenv.PackageLock exportLockFile(dev.isoenv.Environment environment, Path output) {
        Path root = environment.root();
        // Under the environment's lock, so that an ensure() of another thread or process cannot change the record,
        // the installation reports and site-packages between the reads; the caller's own lock is entered again.
        try (EnvironmentLock held = EnvironmentLock.acquire(root, environment.spec().timeouts().lock())) {
            Optional<StateRecord> read = StateRecord.read(root);
            if (read.isEmpty() || !read.get().isCreated() || read.get().installedFingerprint().isEmpty()) {
                throw new EnvironmentStateException("The environment at " + root + " has no complete install to"
                        + " lock: its last ensure() did not finish. Call ensure() first, then export the lock file.");
            }
            StateRecord state = read.get();
            java.util.Set<String> wanted = new java.util.HashSet<>(state.owned());
            for (String r : state.requested()) {
                try {
                    wanted.add(Requirement.parse(r).normalizedName());
                } catch (InvalidRequirementException e) {
                    // A requirement written by another version of isoenv: its distribution is locked if isoenv owns
                    // it.
                }
            }
            List<InstalledDistribution> distributions = new ArrayList<>();
            for (InstalledDistribution d : environment.installedDistributions()) {
                if (wanted.contains(d.normalizedName())) {
                    distributions.add(d);
                }
            }
            return dev.isoenv.internal.lock.LockExporter.export(output, distributions,
                    dev.isoenv.internal.lock.ArtifactRecord.read(root.resolve(StateRecord.DIRECTORY)),
                    state.markers(), state.backend());
        }
    }

    /**
     * Takes the environment's lock for the caller, and ends the processes that an {@code ensure()} whose JVM died left
     * running in it, as {@code ensure()} does.
     *
     * @param location the environment's directory
     * @param timeout how long to wait for another holder
     * @return the held lock
     */
    public static dev.isoenv.EnvironmentLock lock(Path location, Duration timeout) {
        return lock(location, timeout, "pass a longer timeout to lock()");
    }

    private static dev.isoenv.EnvironmentLock lock(Path location, Duration timeout, String remedy) {
        Path root = location(location);
        EnvironmentLock lock = EnvironmentLock.acquire(root, timeout, remedy);
        try {
            EnvironmentEnsurer.endOrphans(root);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return new Held(root, lock);
    }

    /**
     * Deletes an environment that isoenv created, under its lock.
     *
     * @param location the environment's directory
     * @param timeout how long to wait for the lock
     * @return true if it was deleted, false if nothing was there
     * @throws EnvironmentConflictException if the location holds anything isoenv did not create
     */
    public static boolean delete(Path location, Duration timeout) {
        Path root = location(location);
        if (!checkDeletable(root)) {
            return false;
        }
        try (dev.isoenv.EnvironmentLock held = lock(root, timeout, "pass a longer timeout to delete(location,"
                + " timeout)")) {
            // Another thread or process may have deleted or replaced it while this one waited.
            if (!checkDeletable(root)) {
                return false;
            }
            // Marked first: a deletion that stops half-way leaves a directory that is still isoenv's and is never
            // taken for a working environment.
            StateRecord.deleting().write(root);
            try {
                for (Path child : children(root)) {
                    if (!child.getFileName().toString().equals(StateRecord.DIRECTORY)) {
                        deleteTree(child);
                    }
                }
                deleteTree(root.resolve(StateRecord.DIRECTORY));
                Files.delete(root);
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("delete", root, e) + " A process may"
                        + " still be using the environment; stop it and call delete() again. What is left is marked"
                        + " incomplete: ensure() rebuilds it, and delete() deletes it.", e);
            }
            Logging.logger().log(Level.INFO, "isoenv: deleted {0}", root);
            return true;
        }
    }

    /** False when nothing is there; true for an isoenv environment; throws for anything else. */
    private static boolean checkDeletable(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isSymbolicLink(root)) {
            throw new EnvironmentConflictException("The environment location " + root + " is a symbolic link."
                    + " isoenv does not delete through links: delete the environment at its target, or remove the"
                    + " link yourself.");
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new EnvironmentConflictException("The environment location " + root + " is a file, not an"
                    + " environment isoenv created; isoenv deletes nothing else. Remove it yourself if you mean to.");
        }
        if (!Files.isRegularFile(StateRecord.file(root), LinkOption.NOFOLLOW_LINKS)) {
            throw new EnvironmentConflictException("The directory " + root + " holds no isoenv state record ("
                    + StateRecord.DIRECTORY + "/state.properties), so isoenv did not create it; isoenv deletes only"
                    + " environments it created. Delete it yourself if you mean to.");
        }
        return true;
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            dev.isoenv.internal.io.FileTrees.delete(path);
        } else {
            Files.deleteIfExists(path);
        }
    }

    private static List<Path> children(Path root) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            entries.forEach(children::add);
        }
        return children;
    }

    /**
     * Reads what is at a location, without a lock, a process or a write. A symbolic link at the location is
     * {@link EnvironmentStatus.State#NOT_ISOENV}, whatever its target holds, as {@link #delete} refuses it.
     *
     * @param location the environment's directory
     * @return the status
     */
    public EnvironmentStatus status(Path location) {
        Path root = location(location);
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return new Status(root, EnvironmentStatus.State.ABSENT, null, false);
        }
        if (Files.isSymbolicLink(root)) {
            // As delete() sees it: isoenv does not act through a link, so what its target holds is not read.
            return new Status(root, EnvironmentStatus.State.NOT_ISOENV, null, false);
        }
        Optional<StateRecord> record = StateRecord.read(root);
        if (record.isEmpty()) {
            boolean empty;
            try {
                empty = Files.isDirectory(root) && children(root).isEmpty();
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("read", root, e), e);
            }
            return new Status(root, empty ? EnvironmentStatus.State.ABSENT : EnvironmentStatus.State.NOT_ISOENV,
                    null, false);
        }
        StateRecord state = record.get();
        boolean ready = state.isCreated() && state.installedFingerprint().isPresent()
                && Files.isRegularFile(state.layout(root).python());
        return new Status(root, ready ? EnvironmentStatus.State.READY : EnvironmentStatus.State.INCOMPLETE, state,
                ready);
    }

    /** The status of one location. */
    private final class Status implements EnvironmentStatus {
        private final Path root;
        private final State state;
        private final StateRecord record;
        private final List<InstalledDistribution> installed;
        private final List<Requirement> requested;

        Status(Path root, State state, StateRecord record, boolean ready) {
            this.root = root;
            this.state = state;
            this.record = record;
            this.installed = record != null && record.isCreated()
                    ? DistributionScanner.scan(record.layout(root).sitePackages()) : List.of();
            List<Requirement> r = new ArrayList<>();
            if (ready) {
                for (String text : record.requested()) {
                    try {
                        r.add(Requirement.parse(text));
                    } catch (InvalidRequirementException e) {
                        // A hand-edited record: that line names nothing.
                    }
                }
            }
            this.requested = List.copyOf(r);
        }

        @Override
        public Path location() {
            return root;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public Optional<String> backend() {
            return record == null || !record.isValid() ? Optional.empty() : Optional.of(record.backend());
        }

        @Override
        public Optional<String> pythonVersion() {
            return record == null || !record.isCreated() ? Optional.empty() : Optional.of(record.pythonVersion());
        }

        @Override
        public Optional<String> baseInterpreter() {
            return record == null || !record.isCreated() || record.baseInterpreter().isEmpty() ? Optional.empty()
                    : Optional.of(record.baseInterpreter());
        }

        @Override
        public boolean satisfies(EnvironmentSpec spec) {
            if (state != State.READY || !spec.location().equals(root)
                    || !record.pythonRequest().equals(spec.python().toString()) || record.withPip() != spec.includesPip()) {
                return false;
            }
            Optional<String> named = selector.explicitName(spec.backend());
            return (named.isEmpty() || named.get().equalsIgnoreCase(record.backend()))
                    && InstallComparison.of(record, spec).sameSpecification();
        }

        @Override
        public List<InstalledDistribution> installed() {
            return installed;
        }

        @Override
        public List<Requirement> requested() {
            return requested;
        }

        @Override
        public String toString() {
            return "EnvironmentStatus[" + root + ", " + state + backend().map(b -> ", backend=" + b).orElse("")
                    + pythonVersion().map(v -> ", python=" + v).orElse("") + "]";
        }
    }

    /**
     * A lock the caller holds; closing it twice releases it once. Only the thread that took it may close it: the lock
     * within this JVM is a {@link java.util.concurrent.locks.ReentrantLock}, and releasing the file lock from another
     * thread while that one stayed held would let other processes in while this JVM's threads waited forever.
     */
    private static final class Held implements dev.isoenv.EnvironmentLock {
        private final Path root;
        private final EnvironmentLock lock;
        private final String owner;
        private final AtomicBoolean closed = new AtomicBoolean();

        Held(Path root, EnvironmentLock lock) {
            this.root = root;
            this.lock = lock;
            this.owner = Thread.currentThread().getName();
        }

        @Override
        public Path location() {
            return root;
        }

        @Override
        public void close() {
            if (closed.get()) {
                return;
            }
            // Checked before any state changes, so that the owner can still close it afterwards.
            if (!lock.isHeldByCurrentThread()) {
                throw new IllegalStateException("Close the EnvironmentLock of " + root + " on the thread that took it ("
                        + owner + "), not on " + Thread.currentThread().getName() + ". The lock is still held;"
                        + " isoenv's lock within this JVM belongs to one thread, so take and close it in one"
                        + " try-with-resources block on one thread.");
            }
            if (closed.compareAndSet(false, true)) {
                lock.close();
            }
        }

        @Override
        public String toString() {
            return "EnvironmentLock[" + root + (closed.get() ? ", released" : ", held by " + owner) + "]";
        }
    }
}
