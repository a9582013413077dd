package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.LockTimeoutException;
import dev.isoenv.OperationInterruptedException;
import dev.isoenv.internal.process.ProcessRunner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Guards one environment against concurrent {@code ensure()} calls from threads of this JVM and from other
 * processes. The lock file lies next to the environment, not inside it, so that rebuilding the environment
 * never deletes the lock; the lock file itself is never deleted, because deleting lock files races.
 */
final class EnvironmentLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private EnvironmentLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
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
        long start = System.nanoTime();
        long limit = ProcessRunner.saturatedNanos(timeout);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file, k -> new ReentrantLock());
        try {
            if (!jvmLock.tryLock(limit, TimeUnit.NANOSECONDS)) {
                throw timeout(root, file, timeout, remedy);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of " + root, e);
        }
        if (jvmLock.getHoldCount() > 1) {
            // The same thread already holds the file lock further up the stack.
            return new EnvironmentLock(jvmLock, null, null);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long sleep = 20;
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new EnvironmentLock(jvmLock, channel, lock);
                }
                if (System.nanoTime() - start > limit) {
                    throw timeout(root, file, timeout, remedy);
                }
                Thread.sleep(sleep);
                sleep = Math.min(500, sleep * 2);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            throw new EnvironmentStateException(FileProblems.describe("create the environment lock's file", file, e)
                    + " isoenv keeps the lock next to the environment, so the directory that holds it must be"
                    + " writable.", e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of " + root, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            throw e;
        }
    }

    private static LockTimeoutException timeout(Path root, Path file, Duration timeout, String remedy) {
        return new LockTimeoutException("Another thread or process held the lock of " + root + " (" + file
                + ") for more than " + timeout + ". It may still be installing; wait for it, or " + remedy + ".");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing more to do.
            }
        }
    }

    /**
     * Tells whether the calling thread holds this lock, and so may {@linkplain #close() close} it: the lock within
     * this JVM is a {@link ReentrantLock}, which only its owner can release.
     *
     * @return true on the thread that took it, while it is held
     */
    boolean isHeldByCurrentThread() {
        return jvmLock.isHeldByCurrentThread();
    }

    @Override
    public void close() {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
        } catch (IOException e) {
            // Closing the channel releases the lock anyway.
        } finally {
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }
}
