package dev.isoenv.internal.store;

import dev.isoenv.LockTimeoutException;
import dev.isoenv.OperationInterruptedException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's lock, held while files go into or out of it: a lock within this JVM, then a file lock that other JVMs
 * see. It is held for short, bounded work (adding, linking, collecting), never across a download.
 */
final class StoreLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StoreLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static StoreLock acquire(Path file, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long limit = timeout.toNanos();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath(), k -> new ReentrantLock());
        try {
            if (!jvmLock.tryLock(limit, TimeUnit.NANOSECONDS)) {
                throw timeout(file, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of the shared store " + file.getParent(), e);
        }
        if (jvmLock.getHoldCount() > 1) {
            return new StoreLock(jvmLock, null, null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long sleep = 10;
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new StoreLock(jvmLock, channel, lock);
                }
                if (System.nanoTime() - start > limit) {
                    throw timeout(file, timeout);
                }
                Thread.sleep(sleep);
                sleep = Math.min(200, sleep * 2);
            }
        } catch (InterruptedException e) {
            close(channel);
            jvmLock.unlock();
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of the shared store " + file.getParent(), e);
        } catch (IOException | RuntimeException e) {
            close(channel);
            jvmLock.unlock();
            throw e;
        }
    }

    private static LockTimeoutException timeout(Path file, Duration timeout) {
        return new LockTimeoutException("Another thread or process held the lock of the shared store (" + file
                + ") for more than " + timeout + ". Wait for it, or turn the store off for this specification"
                + " (EnvironmentSpec.Builder.sharedStore(false)).");
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing releases the lock anyway.
            }
        }
    }

    @Override
    public void close() {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
        } catch (IOException e) {
            // Closing the channel releases it.
        } finally {
            close(channel);
            jvmLock.unlock();
        }
    }
}
