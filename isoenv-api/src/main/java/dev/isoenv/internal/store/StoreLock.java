package dev.isoenv.internal.store;

import dev.isoenv.LockTimeoutException;
import dev.isoenv.OperationInterruptedException;
import dev.isoenv.internal.io.FileMutex;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The store's lock, held while files go into or out of it ({@link FileMutex}: a lock within this JVM, then a file
 * lock that other JVMs see). It is held for short, bounded work (adding, linking, collecting), never across a
 * download.
 */
final class StoreLock implements AutoCloseable {
    private final FileMutex mutex;

    private StoreLock(FileMutex mutex) {
        this.mutex = mutex;
    }

    static StoreLock acquire(Path file, Duration timeout) throws IOException {
        try {
            return new StoreLock(FileMutex.acquire(file, timeout).orElseThrow(() -> new LockTimeoutException(
                    "Another thread or process held the lock of the shared store (" + file + ") for more than "
                    + timeout + ". Wait for it, or turn the store off for this specification"
                    + " (EnvironmentSpec.Builder.sharedStore(false)).")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("the lock of the shared store " + file.getParent(), e);
        }
    }

    @Override
    public void close() {
        mutex.close();
    }
}
