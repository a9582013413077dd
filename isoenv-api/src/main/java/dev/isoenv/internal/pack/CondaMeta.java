package dev.isoenv.internal.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a conda prefix's package records say about the prefix in its files: conda writes one
 * {@code conda-meta/<name>-<version>-<build>.json} per installed package, whose {@code paths_data.paths[]} lists each
 * file with {@code _path} (relative, {@code /}-separated), and, for a file that had the build's prefix in it,
 * {@code prefix_placeholder} and {@code file_mode} ({@code "text"} or {@code "binary"}); conda wrote the prefix of the
 * environment over that placeholder when it installed the package. Records that cannot be read are skipped: they
 * only help find files, which packing also scans.
 */
public final class CondaMeta {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CondaMeta() {
    }

    /**
     * Returns the files that conda's records list as holding the prefix in binary form.
     *
     * @param root the prefix
     * @return their paths relative to the prefix, {@code /}-separated, sorted; empty without {@code conda-meta}
     */
    public static Set<String> binaryPrefixFiles(Path root) {
        Set<String> files = new TreeSet<>();
        Path meta = root.resolve("conda-meta");
        if (!Files.isDirectory(meta)) {
            return files;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(meta, "*.json")) {
            for (Path record : records) {
                JsonNode paths;
                try {
                    paths = JSON.readTree(record.toFile()).path("paths_data").path("paths");
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                for (JsonNode p : paths) {
                    if ("binary".equals(p.path("file_mode").asText("")) && p.hasNonNull("prefix_placeholder")
                            && p.path("_path").isTextual()) {
                        files.add(p.path("_path").asText().replace('\\', '/'));
                    }
                }
            }
        } catch (IOException e) {
            // No readable records: packing scans the files.
        }
        return files;
    }
}
