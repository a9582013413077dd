package dev.isoenv;

import java.util.List;

/**
 * isoenv could not take in a process's output: the thread reading it failed, for example with an
 * {@link OutOfMemoryError}, or an {@link OutputListener} threw an {@link Error}. The process was killed together
 * with every process it started, so the call ends instead of waiting for a child blocked on a full pipe.
 */
public final class ProcessOutputException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param command the command, with credentials masked
     * @param cause what the output reader threw
     */
    public ProcessOutputException(List<String> command, Throwable cause) {
        super("Reading the output of " + command + " failed with " + cause
                + "; the process was killed. If this is an OutOfMemoryError, give the JVM more heap (-Xmx) or lower"
                + " the capture limit (RunOptions.captureLimit); if an OutputListener threw, fix the listener.", cause);
    }
}
