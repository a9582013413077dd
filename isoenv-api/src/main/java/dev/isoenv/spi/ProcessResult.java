package dev.isoenv.spi;

import java.time.Duration;
import java.util.List;

/**
 * How a process ended: its exit code, its captured output (with secrets masked), its last lines and how long
 * it ran.
 */
public final class ProcessResult {
    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final List<String> tail;
    private final Duration duration;

    /**
     * Creates a result; runners make them, and tests of backends make them to stand for a tool's answer.
     *
     * @param command the command, with secrets masked
     * @param exitCode the exit code
     * @param stdout the captured standard output
     * @param stderr the captured standard error
     * @param tail the last lines of both streams, in order
     * @param duration how long the process ran
     */
    public ProcessResult(List<String> command, int exitCode, String stdout, String stderr, List<String> tail,
                         Duration duration) {
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.tail = List.copyOf(tail);
        this.duration = duration;
    }

    /**
     * Returns the command with secrets masked.
     *
     * @return the displayable command
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
     * Tells whether the process exited with code 0.
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
     * Returns the last lines of both streams, in the order they arrived.
     *
     * @return the output tail
     */
    public List<String> tail() {
        return tail;
    }

    /**
     * Returns how long the process ran.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    @Override
    public String toString() {
        return "ProcessResult[command=" + command + ", exitCode=" + exitCode + ", duration=" + duration + "]";
    }
}
