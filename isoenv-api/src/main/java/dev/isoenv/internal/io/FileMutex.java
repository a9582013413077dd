package dev.isoenv.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion through a file, for threads of this JVM and for other processes: a {@link ReentrantLock} per
 * file within the JVM (a JVM cannot take one file lock twice), then the file lock, retried with a growing pause until
 * the timeout. Reentrant on one thread: a nested acquisition takes no second file lock. The file is created when
 * missing and never deleted, because deleting lock files races. Callers turn a timeout, an interruption or an
 * unusable file into their own errors.
 */
public final class FileMutex implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private FileMutex(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Takes the lock of {@code file}, waiting up to {@code timeout}.
     *
     * @param file the lock's file; its folder is created when missing
     * @param timeout how long to wait for another holder
     * @return the held lock, or empty when another holder kept it longer than {@code timeout}
     * @throws IOException if the file cannot be created or opened
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public static Optional<FileMutex> acquire(Path file, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long limit;
        try {
            limit = timeout.toNanos();
        } catch (ArithmeticException e) {
            limit = Long.MAX_VALUE;
        }
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath(), k -> new ReentrantLock());
        if (!jvmLock.tryLock(limit, TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        if (jvmLock.getHoldCount() > 1) {
            // The same thread already holds the file lock further up the stack.
            return Optional.of(new FileMutex(jvmLock, null, null));
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
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
                    return Optional.of(new FileMutex(jvmLock, channel, lock));
                }
                if (System.nanoTime() - start > limit) {
                    closeQuietly(channel);
                    jvmLock.unlock();
                    return Optional.empty();
                }
                Thread.sleep(sleep);
                sleep = Math.min(500, sleep * 2);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            throw e;
        }
    }

    /**
     * Tells whether the calling thread holds this lock, and so may {@linkplain #close() close} it.
     *
     * @return true on the thread that took it, while it is held
     */
    public boolean isHeldByCurrentThread() {
        return jvmLock.isHeldByCurrentThread();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing releases the lock anyway.
            }
        }
    }

    /** Releases the lock; on the thread that took it. */
    @Override
    public void close() {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
        } catch (IOException e) {
            // Closing the channel releases it.
        } finally {
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }
}
