package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading conda's package records ({@code conda-meta/<name>-<version>-<build>.json}, {@code paths_data.paths[]}, as
 * conda writes them) for the files that hold the prefix in binary form.
 */
class CondaMetaTest {
    @TempDir
    Path root;

    @Test
    void listsTheFilesThatCondasRecordsMarkBinaryWithAPlaceholder() throws Exception {
        Path meta = Files.createDirectories(root.resolve("conda-meta"));
        Files.writeString(meta.resolve("python-3.11.7-hab00c5b_0_cpython.json"), """
                {"name": "python", "version": "3.11.7", "build": "hab00c5b_0_cpython",
                 "files": ["bin/python3.11", "lib/libpython3.11.so.1.0", "lib/python3.11/os.py"],
                 "paths_data": {"paths_version": 1, "paths": [
                   {"_path": "bin/python3.11", "path_type": "hardlink", "sha256": "00", "size_in_bytes": 1,
                    "file_mode": "binary", "prefix_placeholder": "/home/conda/feedstock_root/build_artifacts/p_h_env"},
                   {"_path": "lib/python3.11/_sysconfigdata__linux_x86_64-linux-gnu.py", "path_type": "hardlink",
                    "file_mode": "text", "prefix_placeholder": "/home/conda/feedstock_root/build_artifacts/p_h_env"},
                   {"_path": "lib/python3.11/os.py", "path_type": "hardlink", "sha256": "00", "size_in_bytes": 1},
                   {"_path": "bin/python", "path_type": "softlink"}]}}
                """);
        Files.writeString(meta.resolve("libdemo-1.0-h0_0.json"), """
                {"name": "libdemo", "paths_data": {"paths": [
                   {"_path": "Library\\\\bin\\\\demo.dll", "file_mode": "binary", "prefix_placeholder": "C:\\\\b"},
                   {"_path": "lib/no-placeholder.so", "file_mode": "binary"}]}}
                """);
        Files.writeString(meta.resolve("broken-1.0-0.json"), "{not json");
        Files.writeString(meta.resolve("history"), "==> 2026-12-01 00:00:00 <==\n");

        assertEquals(Set.of("bin/python3.11", "Library/bin/demo.dll"), CondaMeta.binaryPrefixFiles(root));
    }

    @Test
    void aFolderWithoutRecordsHasNone() {
        assertEquals(Set.of(), CondaMeta.binaryPrefixFiles(root));
    }
}
