package dev.isoenv;

import java.time.Duration;
import java.util.List;

/**
 * A process ran past its timeout and was killed together with every process it started. For an install this
 * usually means a stalled index or a hung build; the environment is not recorded as complete.
 */
public final class ProcessTimeoutException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /** @serial The timeout that passed. */
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param command the command, with credentials masked
     * @param timeout the timeout that passed
     * @param outputTail the last lines the process wrote
     */
    public ProcessTimeoutException(List<String> command, Duration timeout, List<String> outputTail) {
        super("Command " + command + " did not finish within " + timeout + " and was killed with its child"
                + " processes. Raise the timeout (Timeouts or RunOptions) if it needs longer, or check for a stalled"
                + " network or a hung build." + ProcessOutput.describeTail(outputTail));
        this.timeout = timeout;
    }

    /**
     * Returns the timeout that passed.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
