package dev.isoenv;

/**
 * A command given to {@link Environment#run} was not found inside the environment or on its {@code PATH}.
 */
public class CommandNotFoundException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public CommandNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public CommandNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
