package dev.isoenv;

/**
 * No Python interpreter matching the request was found, or the one found cannot build environments. The message lists every candidate tried and why it was refused.
 */
public class PythonNotFoundException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public PythonNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public PythonNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
