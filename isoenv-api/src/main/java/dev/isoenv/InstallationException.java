package dev.isoenv;

import java.util.List;

/**
 * An installer command failed. The environment is not recorded as complete, so the next
 * {@link Isoenv#ensure(EnvironmentSpec)} tries again instead of trusting a broken install. {@link HashMismatchException}
 * is the one thrown when a file does not have the hash its lock file gives.
 */
public class InstallationException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /** @serial The installer's exit code. */
    private final int exitCode;
    /** @serial The installer's last output lines, with credentials masked. */
    private final List<String> outputTail;
    /** @serial What kind of failure the installer's output shows. */
    private final Reason reason;
    /** @serial What isoenv added before the message, with credentials masked; null for nothing. */
    private String note;

    static {
        dev.isoenv.internal.ensure.InstallationNotes.register(InstallationException::addNote);
    }

    /**
     * What kind of failure an installer's output shows, as far as isoenv can tell from it. More constants may be added
     * in later versions: switch with a default branch.
     */
    public enum Reason {
        /** An index or a download could not be reached: a network, proxy or DNS failure, or a missing folder. */
        UNREACHABLE,
        /** An index refused the credentials. */
        CREDENTIALS,
        /** The indexes offer no version that satisfies a requirement for this Python and platform. */
        NOT_FOUND,
        /** The requirements and constraints conflict with each other. */
        CONFLICT,
        /** Building a distribution from source failed. */
        BUILD,
        /** The disk is full. */
        DISK_FULL,
        /**
         * A downloaded file did not have the hash its lock file gives; the exception is a
         * {@link HashMismatchException}.
         */
        HASH_MISMATCH,
        /** Anything else. */
        OTHER
    }

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
        this(what, command, exitCode, outputTail, advice, Reason.OTHER);
    }

    /**
     * Creates the exception with the kind of failure the output shows.
     *
     * @param what what was being done, such as "pip install of [requests>=2]"
     * @param command the command, with credentials masked
     * @param exitCode its exit code
     * @param outputTail the last lines it wrote, with credentials masked
     * @param advice what to do about it
     * @param reason what kind of failure it is
     */
    public InstallationException(String what, List<String> command, int exitCode, List<String> outputTail,
                                 String advice, Reason reason) {
        super(what + " failed with exit code " + exitCode + " (command " + command + "). " + advice
                + ProcessOutput.describeTail(outputTail));
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the message: what failed, the command, the advice and the output tail, preceded by what isoenv added
     * when it knew more than the installer, such as which setting names an index that could not be reached.
     *
     * @return the message
     */
    @Override
    public String getMessage() {
        String message = super.getMessage();
        return note == null ? message : note + " " + message;
    }

    /**
     * Puts {@code more} before the message, keeping this exception, and so its type, exit code, output and reason.
     * isoenv's engine reaches it through {@link dev.isoenv.internal.ensure.InstallationNotes}; it is not API.
     */
    private void addNote(String more) {
        note = note == null ? more : more + " " + note;
    }

    /**
     * Returns what kind of failure the installer's output shows: a network failure is told apart from a conflict.
     *
     * @return the reason; {@link Reason#OTHER} when the output does not tell
     */
    public Reason reason() {
        return reason == null ? Reason.OTHER : reason;
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
