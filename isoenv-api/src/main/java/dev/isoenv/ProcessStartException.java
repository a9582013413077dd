package dev.isoenv;

import java.util.List;

/**
 * A process could not be started at all, for example because its executable is missing or not executable.
 */
public final class ProcessStartException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param command the command, with credentials masked
     * @param cause the failure reported by the operating system
     */
    public ProcessStartException(List<String> command, Throwable cause) {
        super("Could not start " + command + ": " + cause.getMessage()
                + ". Check that the executable exists and may be executed.", cause);
    }
}
