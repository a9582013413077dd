package dev.isoenv.internal.io;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.stream.Stream;

/**
 * Deletes directory trees that may hold read-only files, as the shared store leaves in environments: POSIX systems
 * delete those as any other file, Windows refuses until the read-only attribute is cleared, which this does first.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes {@code path} and everything below it, without following links.
     *
     * @param path a file or directory
     * @throws IOException if something cannot be deleted
     */
    public static void delete(Path path) throws IOException {
        if (Files.getFileStore(path.getParent() == null ? path : path.getParent())
                .supportsFileAttributeView(PosixFileAttributeView.class)) {
            MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.forEach(f -> {
                DosFileAttributeView dos = Files.getFileAttributeView(f, DosFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                try {
                    if (dos != null && dos.readAttributes().isReadOnly()) {
                        dos.setReadOnly(false);
                    }
                } catch (IOException e) {
                    // The deletion reports it.
                }
            });
        }
        MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
    }
}
