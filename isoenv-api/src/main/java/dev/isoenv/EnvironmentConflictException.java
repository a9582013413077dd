package dev.isoenv;

/**
 * The environment's location holds something isoenv did not create, such as a user's files. isoenv never deletes such a directory; choose another location or empty it.
 */
public class EnvironmentConflictException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public EnvironmentConflictException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public EnvironmentConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
