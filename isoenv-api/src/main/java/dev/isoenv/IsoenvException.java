package dev.isoenv;

/**
 * The base of every exception isoenv throws. Each message says what went wrong and what to do about it;
 * none of them contains the credentials of a package index URL.
 */
public class IsoenvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that says what to do.
     *
     * @param message what went wrong and what to do about it
     */
    public IsoenvException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message that says what to do, and its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public IsoenvException(String message, Throwable cause) {
        super(message, cause);
    }
}
