package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;

/**
 * Writes an environment archive entry by entry, in the order the entries are given (the caller sorts them), with fixed
 * timestamps, owners and modes, so that the same entries give the same bytes. {@link ArchiveFormat} makes one for a
 * format.
 */
public interface ArchiveWriter extends AutoCloseable {
    /**
     * The timestamp of every entry: 1980-01-01T00:00:00Z, the earliest a zip archive can hold (its DOS time 0), in
     * seconds since 1970.
     */
    long MTIME = 315_532_800L;

    /**
     * Writes a directory entry.
     *
     * @param path the entry's path, relative, '/'-separated, without a trailing '/'
     * @param mode the permission bits
     * @throws IOException if writing fails
     */
    void directory(String path, int mode) throws IOException;

    /**
     * Writes a symbolic link entry.
     *
     * @param path the entry's path
     * @param target the link's target, as it is
     * @throws IOException if writing fails
     */
    void symlink(String path, String target) throws IOException;

    /**
     * Writes a regular file entry from bytes.
     *
     * @param path the entry's path
     * @param mode the permission bits
     * @param content the content
     * @throws IOException if writing fails
     */
    void file(String path, int mode, byte[] content) throws IOException;

    /**
     * Writes a regular file entry from a stream of a known size, read once.
     *
     * @param path the entry's path
     * @param mode the permission bits
     * @param size the number of bytes the stream gives
     * @param content the content
     * @throws IOException if writing fails, or the stream gives another number of bytes
     */
    void file(String path, int mode, long size, InputStream content) throws IOException;

    /**
     * Ends the archive and closes the stream it writes to.
     *
     * @throws IOException if writing fails
     */
    @Override
    void close() throws IOException;
}
