package dev.isoenv.internal.pack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The archive formats an environment is packed to, chosen by the file's name when writing and its bytes when read. */
public enum ArchiveFormat {
    /** A gzip-compressed POSIX tar: {@link TarWriter}, {@link TarReader}. */
    TAR_GZ(List.of(".tar.gz", ".tgz")),
    /** A zip, with Unix modes and links in its external attributes: {@link ZipWriter}, {@link ZipReader}. */
    ZIP(List.of(".zip"));

    private final List<String> suffixes;

    ArchiveFormat(List<String> suffixes) {
        this.suffixes = suffixes;
    }

    /**
     * Returns the names' endings that choose this format, such as {@code .tar.gz}.
     *
     * @return the endings, lower case
     */
    public List<String> suffixes() {
        return suffixes;
    }

    /**
     * Returns the format a file name asks for, by its ending, ignoring case.
     *
     * @param fileName the archive's file name
     * @return the format, or empty when the name has no known ending
     */
    public static Optional<ArchiveFormat> forName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (ArchiveFormat f : values()) {
            if (f.suffixes.stream().anyMatch(name::endsWith)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the format of a file by its first bytes, whatever its name.
     *
     * @param file the file
     * @return the format, or empty when the file starts as none of them does
     * @throws IOException if the file cannot be read
     */
    public static Optional<ArchiveFormat> detect(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Optional.of(TAR_GZ);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Optional.of(ZIP);
        }
        return Optional.empty();
    }

    /**
     * Returns a writer of this format.
     *
     * @param out where the archive goes (buffered by the caller); closed with the writer
     * @param scratch a directory on the archive's file system for temporary files, which the writer removes
     * @return the writer
     * @throws IOException if the writer cannot start
     */
    public ArchiveWriter writer(OutputStream out, Path scratch) throws IOException {
        return this == ZIP ? new ZipWriter(out, scratch) : new TarWriter(new GZIPOutputStream(out, 1 << 16));
    }

    /**
     * Opens a reader of this format over a file.
     *
     * @param file the archive
     * @return the reader, which closes the file
     * @throws IOException if the file is not of this format, or its format's framing is damaged
     */
    public ArchiveReader reader(Path file) throws IOException {
        if (this == ZIP) {
            return new ZipReader(file);
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return new TarReader(new GZIPInputStream(raw, 1 << 16));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
