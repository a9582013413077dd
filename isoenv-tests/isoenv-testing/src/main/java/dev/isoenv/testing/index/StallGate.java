package dev.isoenv.testing.index;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where stalled requests wait: {@link #hold()} blocks until {@link #releaseAll()} or {@link #close()}. After
 * {@code close()}, {@code hold()} returns at once. Thread-safe.
 */
final class StallGate {
    private static final CountDownLatch OPEN = new CountDownLatch(0);

    private final AtomicReference<CountDownLatch> latch = new AtomicReference<>(new CountDownLatch(1));

    /**
     * Blocks the calling handler thread until released.
     *
     * @throws InterruptedException if the thread is interrupted, as when the server shuts its threads down
     */
    void hold() throws InterruptedException {
        latch.get().await();
    }

    /** Lets every request held now go; later stalls wait again. */
    void releaseAll() {
        CountDownLatch previous = latch.getAndUpdate(current -> current == OPEN ? OPEN : new CountDownLatch(1));
        previous.countDown();
    }

    /** Lets every request go, now and from now on. */
    void close() {
        latch.getAndSet(OPEN).countDown();
    }
}
