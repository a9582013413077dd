package dev.isoenv;

/**
 * A command run inside an environment exited with a non-zero code, and the caller asked for success with
 * {@link RunResult#requireSuccess()}.
 */
public final class CommandFailedException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    private final transient RunResult result;

    /**
     * Creates the exception.
     *
     * @param result the failed result
     */
    public CommandFailedException(RunResult result) {
        super("Command " + result.command() + " exited with code " + result.exitCode() + ". Its last output:\n"
                + tail(result.stderr().isBlank() ? result.stdout() : result.stderr()));
        this.result = result;
    }

    /**
     * Returns the failed result.
     *
     * @return the result
     */
    public RunResult result() {
        return result;
    }

    private static String tail(String text) {
        String[] lines = text.split("\\R");
        int from = Math.max(0, lines.length - 20);
        return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
    }
}
