package dev.isoenv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The entry point: {@link #ensure(EnvironmentSpec)} creates a private Python environment if needed, brings it to
 * its specification while holding a lock, and returns it.
 *
 * <pre>{@code
 * Environment whisper = Isoenv.ensure(EnvironmentSpec.builder(Path.of("envs/whisper"))
 *         .python("3.11")
 *         .requirement("openai-whisper")
 *         .build());
 * whisper.run("whisper", "--help").requireSuccess();
 * }</pre>
 *
 * <p>A second call with the same specification starts no process and returns within milliseconds. Changing the
 * requirements installs or removes only the difference; changing the Python or the backend rebuilds. A failed
 * install is never recorded as done.
 *
 * <p>These methods use one default {@link IsoenvClient}, made on first use. Build a client of your own to receive
 * progress events or installer output.
 */
public final class Isoenv {
    private Isoenv() {
    }

    /**
     * Returns the default client, made on first use: providers from {@link java.util.ServiceLoader}, no listeners,
     * and this process's variables.
     *
     * @return the default client
     */
    public static IsoenvClient client() {
        return DefaultClient.INSTANCE;
    }

    /**
     * Ensures the environment with the default client.
     *
     * @param spec what the environment should be
     * @return the environment, satisfying the specification
     * @throws IsoenvException (one of its subclasses) when the environment cannot be brought to the specification;
     *     the message says what to do
     */
    public static Environment ensure(EnvironmentSpec spec) {
        return client().ensure(spec);
    }

    /**
     * Reads what is at an environment's location without changing anything; see {@link IsoenvClient#status(Path)}.
     *
     * @param location the environment's directory
     * @return the status
     * @throws EnvironmentStateException if isoenv's record there cannot be read, or a newer isoenv wrote it
     */
    public static EnvironmentStatus status(Path location) {
        return client().status(location);
    }

    /**
     * Unpacks an archive that {@link Environment#pack(Path)} wrote, with the default client; see
     * {@link IsoenvClient#unpack(Path, Path)}. Unpacking an environment means trusting its code: the archive's hash
     * detects damage, not tampering, so unpack only archives from a source you trust.
     *
     * @param archive the {@code .tar.gz} or {@code .zip} file
     * @param location where the environment goes: a path that does not exist, or an empty directory
     * @return the environment, ready to run
     * @throws InvalidArchiveException if the archive is not one {@code pack} wrote, is damaged or was changed since,
     *     holds an unsafe entry, was built for another platform, or holds binary files that name a path shorter than
     *     the location's
     * @throws PythonNotFoundException if the base interpreter the archive runs on is not on this machine, or is
     *     another Python version than the archive's
     * @throws EnvironmentConflictException if the location holds anything
     */
    public static Environment unpack(Path archive, Path location) {
        return client().unpack(archive, location);
    }

    /**
     * Unpacks an archive with the default client after checking the whole file's SHA-256 against the one published
     * with it ({@link EnvironmentArchive#sha256()}); see {@link IsoenvClient#unpack(Path, Path, String)}. This hash
     * comes from outside the archive, so it detects a changed or substituted file, where the payload's hash inside the
     * archive detects damage only.
     *
     * @param archive the {@code .tar.gz} or {@code .zip} file
     * @param location where the environment goes: a path that does not exist, or an empty directory
     * @param expectedSha256 the file's SHA-256 as published: 64 hex digits, either case
     * @return the environment, ready to run
     * @throws InvalidSpecException if {@code expectedSha256} is not 64 hex digits
     * @throws InvalidArchiveException with reason {@link InvalidArchiveException.Reason#NOT_THE_PUBLISHED_FILE} if the file's
     *     SHA-256 is another, before anything is extracted; otherwise as {@link #unpack(Path, Path)}
     * @throws PythonNotFoundException as {@link #unpack(Path, Path)}
     * @throws EnvironmentConflictException if the location holds anything
     */
    public static Environment unpack(Path archive, Path location, String expectedSha256) {
        return client().unpack(archive, location, expectedSha256);
    }

    /**
     * Deletes an environment that isoenv created, under its lock, waiting up to 60 minutes (the default lock
     * timeout) for another holder; anything else is refused with {@link EnvironmentConflictException}. See
     * {@link IsoenvClient#delete(Path)}.
     *
     * @param location the environment's directory
     * @return true if it was deleted; false if nothing was there
     * @throws EnvironmentConflictException if the location holds anything isoenv did not create; nothing is touched
     * @throws LockTimeoutException if another thread or process held the lock for more than 60 minutes
     */
    public static boolean delete(Path location) {
        return client().delete(location);
    }

    /**
     * Deletes an environment that isoenv created, under its lock, waiting up to {@code timeout} for another holder;
     * see {@link IsoenvClient#delete(Path, Duration)}.
     *
     * @param location the environment's directory
     * @param timeout how long to wait for another holder of the lock; {@link Duration#ZERO} tries once
     * @return true if it was deleted; false if nothing was there
     * @throws EnvironmentConflictException if the location holds anything isoenv did not create; nothing is touched
     * @throws LockTimeoutException if another thread or process held the lock for longer than {@code timeout}
     */
    public static boolean delete(Path location, Duration timeout) {
        return client().delete(location, timeout);
    }

    /**
     * Collects the garbage of the shared store with the default client: removes what no environment uses; see
     * {@link IsoenvClient#collectGarbage(boolean)}.
     *
     * @param dryRun true to remove nothing and only report what would be removed
     * @return what was removed, or would be
     */
    public static StoreGarbage collectGarbage(boolean dryRun) {
        return client().collectGarbage(dryRun);
    }

    /**
     * Takes the lock of an environment, the one {@code ensure()} takes, for several operations; see
     * {@link IsoenvClient#lock(Path, Duration)}.
     *
     * @param location the environment's directory
     * @param timeout how long to wait for another holder
     * @return the held lock, to close with try-with-resources on the thread that took it
     * @throws LockTimeoutException if another thread or process held it for longer than {@code timeout}
     * @throws EnvironmentStateException if the lock's file {@code .<name>.isoenv-lock} cannot be made (its folder is
     *     not writable)
     */
    public static EnvironmentLock lock(Path location, Duration timeout) {
        return client().lock(location, timeout);
    }

    /**
     * Tells, with the default client, what {@link #ensure} would install for {@code spec}, installing nothing: for
     * PyTorch, the variant, its index (credentials masked), and each variant refused and why.
     *
     * @param spec the specification
     * @return the plan
     * @throws IsoenvException (one of its subclasses) when the specification cannot be planned; the message says
     *     what to do
     */
    public static EnvironmentPlan plan(EnvironmentSpec spec) {
        return client().plan(spec);
    }

    /**
     * Lists the backends found on the class path or module path, highest priority first, each with whether it can
     * work on this machine and why.
     *
     * @return the candidates
     */
    public static List<BackendCandidate> backends() {
        return client().backends();
    }

    /**
     * Detects this machine's accelerator with the probes found on the class path (isoenv-cuda provides them).
     * Hardware results are cached by the default client; overrides are read on every call.
     *
     * @return the accelerator, or one of kind {@link Accelerator.Kind#NONE} with each probe's reason
     */
    public static Accelerator detectAccelerator() {
        return client().detectAccelerator();
    }

    /** Holds the default client; made when first used, thread-safely. */
    private static final class DefaultClient {
        static final IsoenvClient INSTANCE = IsoenvClient.create();
    }
}
