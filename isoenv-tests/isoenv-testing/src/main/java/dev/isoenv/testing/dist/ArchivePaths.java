package dev.isoenv.testing.dist;

import java.util.Objects;

/**
 * Checks the paths of files put into an archive: relative, {@code /}-separated, without empty, {@code .} or
 * {@code ..} segments.
 */
final class ArchivePaths {
    private ArchivePaths() {
    }

    /**
     * Returns the path unchanged, or throws when it is not a clean relative archive path.
     *
     * @param path the candidate, such as {@code isoenv_demo_hello/__init__.py}
     * @return the path
     * @throws IllegalArgumentException if it is absolute, uses {@code \}, or has an empty, {@code .} or {@code ..}
     *         segment
     */
    static String requireRelative(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("archive paths are relative and use '/': '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("archive path with an empty, '.' or '..' segment: '" + path + "'");
            }
        }
        return path;
    }
}
