package dev.isoenv;

/**
 * No backend could be chosen: none was found, none was available, or the one asked for by name does not exist. The message lists every backend found and why each was refused.
 */
public class BackendSelectionException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public BackendSelectionException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public BackendSelectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
