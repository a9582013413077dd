package dev.isoenv;

/**
 * The calling thread was interrupted while isoenv waited for a process or a lock. Any process it started has
 * been killed, and the thread's interrupt flag is set again so callers still see the interruption.
 */
public final class OperationInterruptedException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what what was being waited for
     * @param cause the interruption
     */
    public OperationInterruptedException(String what, InterruptedException cause) {
        super("Interrupted while waiting for " + what + ". Any process started for it was killed.", cause);
    }
}
