package dev.isoenv;

import java.util.List;

/**
 * A process could not be started at all, for example because its executable is missing or not executable, or because
 * the standard input file or the working directory its {@link RunOptions} name is not there.
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
        super("Could not start " + command + ": " + withoutFinalPeriod(String.valueOf(cause.getMessage()))
                + ". Check that the executable exists and may be executed.", cause);
    }

    /**
     * Creates the exception for a process that was not started because of something other than its executable, such
     * as a standard input file that is not there.
     *
     * @param command the command, with credentials masked
     * @param problem what is wrong and what to do about it, naming the option at fault, such as
     *     "RunOptions.directory names /work/out, which does not exist. Create it first."
     */
    public ProcessStartException(List<String> command, String problem) {
        super("Could not start " + command + ": " + problem);
    }

    private static String withoutFinalPeriod(String text) {
        String t = text.strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
