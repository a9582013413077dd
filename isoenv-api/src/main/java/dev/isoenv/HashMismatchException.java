package dev.isoenv;

import java.util.List;

/**
 * A file downloaded for an install from a lock file did not have the hash the lock gives for it: the lock, the index
 * or the file was changed since the lock was made. The installer checks every hash before it installs anything, so
 * nothing of the lock was installed, and the environment is not recorded as complete. Its {@link #reason()} is
 * {@link InstallationException.Reason#HASH_MISMATCH}; when isoenv adds to the message of a failed install (which
 * setting names the index, what a failed switch kept), the exception keeps this type.
 */
public final class HashMismatchException extends InstallationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what what was being done, such as "pip install of the 3 packages of pylock.toml"
     * @param command the command, with credentials masked
     * @param exitCode its exit code
     * @param outputTail the last lines it wrote, with credentials masked
     * @param advice what to do about it
     */
    public HashMismatchException(String what, List<String> command, int exitCode, List<String> outputTail,
                                 String advice) {
        super(what, command, exitCode, outputTail, advice, Reason.HASH_MISMATCH);
    }
}
