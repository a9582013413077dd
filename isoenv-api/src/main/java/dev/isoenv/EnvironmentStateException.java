package dev.isoenv;

/**
 * isoenv cannot read or write the record it keeps inside an environment (its {@code .isoenv} folder): the file
 * is not readable by this user, the file system is read-only or full. Nothing was changed; fix the permissions or
 * the disk, or delete the environment to have it rebuilt.
 */
public class EnvironmentStateException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public EnvironmentStateException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public EnvironmentStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
