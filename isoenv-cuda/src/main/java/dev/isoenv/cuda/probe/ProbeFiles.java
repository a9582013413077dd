package dev.isoenv.cuda.probe;

import dev.isoenv.spi.ProbeContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the small sysfs and procfs files that probes look at, through {@link ProbeContext#file(String)} so that
 * tests can point the file system root at a fixture tree. Nothing here throws: a missing or unreadable file is
 * a {@link FileText} with a problem.
 */
final class ProbeFiles {
    /** sysfs and procfs files are tiny; anything longer is not what a probe expects. */
    private static final int MAX_BYTES = 64 * 1024;

    private ProbeFiles() {
    }

    /**
     * The text of a file, or why it could not be read.
     *
     * @param path the file as named to the user, such as {@code /sys/module/nvidia/version}
     * @param text the text, or null
     * @param problem why there is no text, or null
     */
    record FileText(String path, String text, String problem) {
        boolean present() {
            return text != null;
        }
    }

    static FileText read(ProbeContext context, String absolute) {
        return read(context.file(absolute), absolute);
    }

    static FileText read(Path file, String shownAs) {
        if (!Files.isRegularFile(file)) {
            return new FileText(shownAs, null, shownAs + " not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new FileText(shownAs, new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8), null);
        } catch (IOException | RuntimeException e) {
            return new FileText(shownAs, null, shownAs + " could not be read: " + e);
        }
    }

    /**
     * Lists a directory's entries, sorted with embedded numbers in numeric order (node 2 before node 10).
     *
     * @param directory the directory
     * @return the entries, or an empty list when the directory is missing or unreadable
     */
    static List<Path> children(Path directory) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                out.add(p);
            }
        } catch (IOException | RuntimeException e) {
            return new ArrayList<>();
        }
        out.sort(Comparator.comparing((Path p) -> numericKey(p.getFileName().toString()))
                .thenComparing(p -> p.getFileName().toString()));
        return out;
    }

    private static long numericKey(String name) {
        return name.matches("\\d{1,18}") ? Long.parseLong(name) : Long.MAX_VALUE;
    }
}
