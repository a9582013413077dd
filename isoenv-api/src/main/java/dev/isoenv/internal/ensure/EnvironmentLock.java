package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileMutex;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.LockTimeoutException;
import dev.isoenv.OperationInterruptedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Guards one environment against concurrent {@code ensure()} calls from threads of this JVM and from other
 * processes. The lock file lies next to the environment, not inside it, so that rebuilding the environment
 * never deletes the lock; the lock file itself is never deleted, because deleting lock files races.
 */
final class EnvironmentLock implements AutoCloseable {
    private final FileMutex mutex;

    private EnvironmentLock(FileMutex mutex) {
        this.mutex = mutex;
    }

    /**
     * Returns the lock file of an environment: {@code .<name>.isoenv-lock} beside it.
     *
     * @param root the environment's directory
     * @return the lock file
     */
    static Path lockFile(Path root) {
        return root.resolveSibling("." + root.getFileName() + ".isoenv-lock");
    }

    /**
     * Takes the lock for {@code ensure()}: a timeout advises raising the specification's lock timeout.
     *
     * @param root the environment's directory
     * @param timeout how long to wait for another holder
     * @return the held lock
     */
    static EnvironmentLock acquire(Path root, Duration timeout) {
        return acquire(root, timeout, "raise Timeouts.lock of the specification");
    }

    /**
     * Takes the lock.
     *
     * @param root the environment's directory
     * @param timeout how long to wait for another holder
     * @param remedy what the caller can change if it waited too long, such as "pass a longer timeout to lock()"
     * @return the held lock
     */
    static EnvironmentLock acquire(Path root, Duration timeout, String remedy) {
        Path file = lockFile(root);
        try {
            return new EnvironmentLock(FileMutex.acquire(file, timeout)
                    .orElseThrow(() -> timeout(root, file, timeout, remedy)));
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("create the environment lock's file", file, e)
                    + " isoenv keeps the lock next to the environment, so the directory that holds it must be"
                    + " writable.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of " + root, e);
        }
    }

    private static LockTimeoutException timeout(Path root, Path file, Duration timeout, String remedy) {
        return new LockTimeoutException("Another thread or process held the lock of " + root + " (" + file
                + ") for more than " + timeout + ". It may still be installing; wait for it, or " + remedy + ".");
    }

    /**
     * Tells whether the calling thread holds this lock, and so may {@linkplain #close() close} it: the lock within
     * this JVM is a {@link java.util.concurrent.locks.ReentrantLock}, which only its owner can release.
     *
     * @return true on the thread that took it, while it is held
     */
    boolean isHeldByCurrentThread() {
        return mutex.isHeldByCurrentThread();
    }

    @Override
    public void close() {
        mutex.close();
    }
}
