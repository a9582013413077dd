package dev.isoenv;

/**
 * An installed environment does not have what was asked for, for example a CPU build of PyTorch where a CUDA build was expected. The environment is not recorded as complete.
 */
public class VerificationException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     */
    public VerificationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
