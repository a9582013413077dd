package dev.isoenv.testing.python;

import java.util.List;
import java.util.Objects;

/**
 * How a command run by {@link CommandRunner} ended.
 *
 * @param command the command line
 * @param exitCode its exit code
 * @param stdout its standard output, decoded as UTF-8
 * @param stderr its standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    /**
     * Copies the command line and checks the components.
     *
     * @param command the command line
     * @param exitCode the exit code
     * @param stdout the standard output
     * @param stderr the standard error
     */
    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /**
     * Tells whether the command exited with 0.
     *
     * @return true on success
     */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Returns standard output and standard error together, for assertions on messages that may be on either.
     *
     * @return stdout, then stderr
     */
    public String output() {
        return stdout + stderr;
    }

    /**
     * Returns this result if the command succeeded, or throws with its output.
     *
     * @return this result
     * @throws IllegalStateException if the exit code is not 0
     */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    /**
     * Describes the run: command, exit code and output, for failure messages.
     *
     * @return the description
     */
    public String describe() {
        return String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }
}
