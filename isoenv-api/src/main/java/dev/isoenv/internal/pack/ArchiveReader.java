package dev.isoenv.internal.pack;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads an archive entry by entry, in the order the archive holds them. It only reads and checks the format; what an
 * entry may do (where it goes, whether a link may point there) is for the caller to decide.
 */
public interface ArchiveReader extends Closeable {
    /** The kind of an entry. */
    enum Type {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link. */
        SYMLINK,
        /** A hard link, a device, a FIFO or anything else. */
        OTHER
    }

    /**
     * One entry's header.
     *
     * @param name its path as the archive gives it, without a trailing '/'
     * @param type its kind
     * @param mode its permission bits
     * @param size the number of content bytes; 0 for a directory or a link
     * @param link a link's target; empty for other kinds
     * @param mtime its modification time, in seconds since 1970
     */
    record Entry(String name, Type type, int mode, long size, String link, long mtime) {
    }

    /**
     * Reads the next entry's header, skipping what is left of the previous entry's content.
     *
     * @return the entry, or empty at the end of the archive
     * @throws IOException if the archive is damaged, or ends early
     */
    Optional<Entry> next() throws IOException;

    /**
     * Returns a stream over the current entry's content, which ends with it; closing it does not close the archive.
     * It fails with an {@link IOException} when the content is not what the archive declares (shorter, or, for a
     * compressed entry, longer or with another checksum).
     *
     * @return the content
     */
    InputStream content();
}
