package dev.isoenv;

/**
 * Another thread or process held the environment's lock for longer than the lock timeout.
 */
public class LockTimeoutException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public LockTimeoutException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public LockTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
