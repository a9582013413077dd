package dev.isoenv.cuda;

import dev.isoenv.PackageIndexes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the chosen variant's wheels come from, as the installer must be told: an http(s) or file URL of a PEP 503
 * index is the only index; a file URL of a folder that holds the wheels themselves (a flat folder, as a find-links
 * folder is) is the only find-links location, with no index at all.
 */
final class VariantSource {
    private final PackageIndexes indexes;
    private final boolean folder;

    private VariantSource(PackageIndexes indexes, boolean folder) {
        this.indexes = indexes;
        this.folder = folder;
    }

    static VariantSource of(String url) {
        if (url.regionMatches(true, 0, "file:", 0, 5) && holdsArchives(url)) {
            return new VariantSource(PackageIndexes.builder().findLinks(url).exclusive().build(), true);
        }
        return new VariantSource(PackageIndexes.only(url), false);
    }

    /** Tells whether a file URL names a folder with wheels or source archives directly in it. */
    private static boolean holdsArchives(String url) {
        Path folder;
        try {
            folder = Path.of(URI.create(url));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".whl") || name.endsWith(".tar.gz") || name.endsWith(".zip")) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            return false;
        }
        return false;
    }

    PackageIndexes indexes() {
        return indexes;
    }

    boolean isFolder() {
        return folder;
    }
}
