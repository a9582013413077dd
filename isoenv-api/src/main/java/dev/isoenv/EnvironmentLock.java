package dev.isoenv;

import java.nio.file.Path;

/**
 * The lock of one environment, held by the caller across several operations: the same lock that
 * {@link IsoenvClient#ensure(EnvironmentSpec)} and {@link IsoenvClient#delete(Path)} take, so that while it is held no
 * other thread or process changes the environment. The thread that holds it may call {@code ensure()} and
 * {@code delete()} itself; they take the lock again without waiting.
 *
 * <pre>{@code
 * try (EnvironmentLock lock = Isoenv.lock(Path.of("envs", "tool"), Duration.ofMinutes(5))) {
 *     Environment env = Isoenv.ensure(spec);
 *     env.run("tool", "--migrate").requireSuccess();   // no other ensure() or delete() runs meanwhile
 * }
 * }</pre>
 *
 * <p>It is a file lock on {@code .<name>.isoenv-lock} beside the environment (never deleted; not a PEP 751 lock file)
 * and a lock within this JVM. The lock within this JVM belongs to the thread that took it: close it on that thread,
 * with try-with-resources. Closing it on another thread (a {@code CompletableFuture} stage, a virtual thread it was
 * handed to) throws {@link IllegalStateException} and leaves it held, so that its owner can still close it. A second
 * {@link #close()} does nothing. A thread that ends without closing it leaves it held until this JVM exits.
 *
 * <p>isoenv implements this interface; applications use it and should not implement it.
 */
public interface EnvironmentLock extends AutoCloseable {
    /**
     * Returns the environment's directory, absolute and normalized.
     *
     * @return the location
     */
    Path location();

    /**
     * Releases the lock; only the first call does anything.
     *
     * @throws IllegalStateException if called on a thread other than the one that took the lock, before it was
     *     released; the lock stays held and its owner can still close it
     */
    @Override
    void close();
}
