package dev.isoenv;

/**
 * An archive cannot be unpacked into a working environment: it is not one that {@link Environment#pack} wrote, it is
 * damaged or was changed since, its format is newer than this isoenv reads, it holds an entry that would write or
 * point outside the target, it was built for another platform, or its binary files need a location no longer than
 * the one it was built at. Nothing is left at the target. {@link #reason()} tells which; the message says what to
 * do.
 */
public final class InvalidArchiveException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /** Why an archive was refused. More constants may be added in later versions: switch with a default branch. */
    public enum Reason {
        /**
         * Not an archive that {@link Environment#pack} wrote: not a gzip-compressed tar or a zip with isoenv's manifest
         * first.
         */
        NOT_AN_ENVIRONMENT_ARCHIVE,
        /**
         * The payload's SHA-256 is not the one the archive's own manifest records: the archive was damaged or changed
         * after it was packed.
         */
        HASH_MISMATCH,
        /**
         * The archive file's SHA-256 is not the one given to {@link IsoenvClient#unpack(java.nio.file.Path,
         * java.nio.file.Path, String)}: the file was changed, or is not the one that was published.
         */
        NOT_THE_PUBLISHED_FILE,
        /**
         * An entry would be written outside the target or through a link (an absolute path, {@code ..}), is a link
         * that points outside the target, is a hard link, a device or a FIFO, or the environment's state record names
         * a layout that is not inside the target.
         */
        UNSAFE_ENTRY,
        /** The archive was built for another operating system or processor architecture. */
        OTHER_PLATFORM,
        /**
         * The archive is damaged or cut short, or its manifest contradicts its content: copy it again from where it was
         * packed.
         */
        DAMAGED,
        /** The archive's manifest has a format this version of isoenv does not read: unpack it with a newer isoenv. */
        UNSUPPORTED_FORMAT,
        /**
         * The location is longer than the path the environment was built at, which binary files of the archive name
         * (those of a conda prefix, rewritten on unpacking as conda does, which needs a path that is not longer):
         * unpack it at a shorter location.
         */
        LOCATION_TOO_LONG
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
