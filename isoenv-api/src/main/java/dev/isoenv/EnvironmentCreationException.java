package dev.isoenv;

/**
 * Creating the environment failed. The partial directory is left marked as incomplete, and the next {@code ensure()} rebuilds it.
 */
public class EnvironmentCreationException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public EnvironmentCreationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public EnvironmentCreationException(String message, Throwable cause) {
        super(message, cause);
    }
}
