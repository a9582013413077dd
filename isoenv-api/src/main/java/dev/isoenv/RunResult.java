package dev.isoenv;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a command run inside an environment: its exit code, its captured output and how long it took.
 * A non-zero exit code is a result, not an exception; call {@link #requireSuccess()} to turn it into one.
 */
public final class RunResult {
    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final Duration duration;

    /**
     * Creates a result.
     *
     * @param command the command that ran, with credentials masked
     * @param exitCode its exit code
     * @param stdout the captured standard output
     * @param stderr the captured standard error
     * @param duration how long it ran
     */
    public RunResult(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.duration = duration;
    }

    /**
     * Returns the command as it ran: the resolved executable first, with credentials masked.
     *
     * @return the command
     */
    public List<String> command() {
        return command;
    }

    /**
     * Returns the exit code.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Tells whether the command exited with code 0.
     *
     * @return true on success
     */
    public boolean isSuccess() {
        return exitCode == 0;
    }

    /**
     * Returns the captured standard output.
     *
     * @return stdout, up to the capture limit
     */
    public String stdout() {
        return stdout;
    }

    /**
     * Returns the captured standard error.
     *
     * @return stderr, up to the capture limit
     */
    public String stderr() {
        return stderr;
    }

    /**
     * Returns how long the command ran.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Returns this result if the command succeeded.
     *
     * @return this result
     * @throws CommandFailedException if the exit code is not 0
     */
    public RunResult requireSuccess() {
        if (exitCode != 0) {
            throw new CommandFailedException(this);
        }
        return this;
    }

    @Override
    public String toString() {
        return "RunResult[command=" + command + ", exitCode=" + exitCode + ", duration=" + duration + "]";
    }
}
