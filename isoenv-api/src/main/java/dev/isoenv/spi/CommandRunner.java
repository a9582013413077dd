package dev.isoenv.spi;

import dev.isoenv.LaunchListener;
import dev.isoenv.internal.process.ProcessRunner;

/**
 * Runs a {@link ProcessRequest} and waits for it. Backends and probes never start processes themselves: they go
 * through the runner their context gives them, so that every process isoenv starts has no shell, masks secrets, is
 * killed with its whole tree on timeout or interrupt, and is seen by the caller's {@link LaunchListener}.
 */
@FunctionalInterface
public interface CommandRunner {
    /**
     * Runs a process and waits for it to end. A non-zero exit code is returned, not thrown.
     *
     * @param request what to run
     * @return how it ended
     * @throws dev.isoenv.ProcessStartException if the process could not be started
     * @throws dev.isoenv.ProcessTimeoutException if it ran past its timeout; it was killed with its descendants
     * @throws dev.isoenv.OperationInterruptedException if the calling thread was interrupted; the tree was killed
     */
    ProcessResult run(ProcessRequest request);

    /**
     * Returns isoenv's standard runner: no shell, quoting off, line-by-line UTF-8 output, secrets masked, and the
     * process tree killed on timeout or interrupt.
     *
     * @return the standard runner
     */
    static CommandRunner standard() {
        return ProcessRunner.create();
    }

    /**
     * Returns the standard runner, telling {@code listener} about each process before it starts.
     *
     * @param listener the launch listener
     * @return the runner
     */
    static CommandRunner standard(LaunchListener listener) {
        return ProcessRunner.withLaunchListener(listener);
    }
}
