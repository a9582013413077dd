package dev.isoenv.venv.interpreter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What identifies one version of a file without reading it: its real path (links resolved), its size, its
 * modification time and, where the file system has one, its file key (device and inode on Unix). Replacing an
 * interpreter, upgrading it in place, or re-pointing a link to another one changes the stamp.
 */
final class FileStamp {
    private final Path realPath;
    private final String text;

    private FileStamp(Path realPath, String text) {
        this.realPath = realPath;
        this.text = text;
    }

    /**
     * Stamps a file.
     *
     * @param path the file, or a link to it
     * @return the stamp, or empty when the file does not exist or cannot be read
     */
    static Optional<FileStamp> of(Path path) {
        try {
            Path real = path.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            Object key = a.fileKey();
            return Optional.of(new FileStamp(real, real + "|" + a.size() + "|"
                    + a.lastModifiedTime().to(TimeUnit.MICROSECONDS) + (key == null ? "" : "|" + key)));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns the file's real path.
     *
     * @return the path, links resolved
     */
    Path realPath() {
        return realPath;
    }

    /**
     * Returns the stamp as text, to store and compare.
     *
     * @return such as {@code /usr/bin/python3.11|6831736|1700000000000000|(dev=803,ino=1234)}
     */
    String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
