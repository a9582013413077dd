package dev.isoenv;

import java.util.List;

/**
 * An installer command failed. The environment is not recorded as complete, so the next
 * {@link Isoenv#ensure(EnvironmentSpec)} tries again instead of trusting a broken install.
 */
public final class InstallationException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /** @serial The installer's exit code. */
    private final int exitCode;
    /** @serial The installer's last output lines, with credentials masked. */
    private final List<String> outputTail;

    /**
     * Creates the exception.
     *
     * @param what what was being done, such as "pip install of [requests>=2]"
     * @param command the command, with credentials masked
     * @param exitCode its exit code
     * @param outputTail the last lines it wrote, with credentials masked
     * @param advice what to do about it
     */
    public InstallationException(String what, List<String> command, int exitCode, List<String> outputTail,
                                 String advice) {
        super(what + " failed with exit code " + exitCode + " (command " + command + "). " + advice
                + ProcessOutput.describeTail(outputTail));
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
    }

    /**
     * Returns the installer's exit code.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Returns the last lines the installer wrote, with credentials masked.
     *
     * @return the output tail
     */
    public List<String> outputTail() {
        return outputTail;
    }
}
