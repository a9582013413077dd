package dev.isoenv;

/**
 * An archive cannot be unpacked into a working environment: it is not one that {@link Environment#pack} wrote, it was
 * changed since, it holds an entry that would write outside the target, or it was built for another platform. Nothing
 * is left at the target. {@link #reason()} tells which; the message says what to do.
 */
public final class InvalidArchiveException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /** Why an archive was refused. More constants may be added in later versions: switch with a default branch. */
    public enum Reason {
        /** Not a gzip-compressed tar with isoenv's manifest first, or damaged. */
        NOT_AN_ENVIRONMENT_ARCHIVE,
        /** The payload's SHA-256 is not the one the manifest records: the archive was changed after it was packed. */
        HASH_MISMATCH,
        /** An entry's path or link would reach outside the target (an absolute path, {@code ..}), or a hard link. */
        UNSAFE_ENTRY,
        /** The archive was built for another operating system or processor architecture. */
        OTHER_PLATFORM
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     * @param reason why the archive was refused
     */
    public InvalidArchiveException(String message, Reason reason) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and what to do about it
     * @param reason why the archive was refused
     * @param cause the underlying failure
     */
    public InvalidArchiveException(String message, Reason reason, Throwable cause) {
        super(message, cause);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the archive was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
