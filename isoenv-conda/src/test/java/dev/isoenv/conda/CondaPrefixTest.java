package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CondaPrefixTest {
    @TempDir
    Path root;

    @Test
    void markingCreatesAnEmptyHistoryAndKeepsWhatIsThere() throws IOException {
        Files.createDirectories(root.resolve(".isoenv"));
        CondaPrefix.mark(root);
        assertEquals("", Files.readString(root.resolve("conda-meta/history")));
        Files.writeString(root.resolve("conda-meta/history"), "==> 2026-08-01 <==\n");
        CondaPrefix.mark(root);
        assertEquals("==> 2026-08-01 <==\n", Files.readString(root.resolve("conda-meta/history")));
        assertTrue(Files.isDirectory(root.resolve(".isoenv")));
    }

    @Test
    void installedPackagesComeFromConaMetaFileNames() throws IOException {
        Path meta = Files.createDirectories(root.resolve("conda-meta"));
        for (String f : List.of("python-3.12.4-h9e4cc4f_0_cpython.json", "python-dateutil-2.9.0-pyhd8ed1ab_0.json",
                "python_abi-3.12-4_cp312.json", "_libgcc_mutex-0.1-conda_forge.json", "history", "state",
                CondaPrefix.APPLIED, "broken.json")) {
            Files.writeString(meta.resolve(f), "");
        }
        var installed = CondaPrefix.installed(root);
        assertEquals(List.of("_libgcc_mutex", "python", "python-dateutil", "python_abi"), List.copyOf(installed.keySet()));
        assertEquals(new CondaPrefix.Package("python", "3.12.4", "h9e4cc4f_0_cpython"), installed.get("python"));
        assertEquals("2.9.0", installed.get("python-dateutil").version());
        assertEquals(0, CondaPrefix.installed(root.resolve("nothing")).size());
    }

    @Test
    void sitePackagesPerOperatingSystemAndBuild() throws IOException {
        assertEquals(root.resolve("Lib/site-packages"), CondaPrefix.sitePackages(root, OperatingSystem.WINDOWS, "3.12.4"));
        assertEquals(root.resolve("lib/python3.12/site-packages"),
                CondaPrefix.sitePackages(root, OperatingSystem.LINUX, "3.12.4"));
        Files.createDirectories(root.resolve("lib/python3.13t/site-packages"));
        assertEquals(root.resolve("lib/python3.13t/site-packages"),
                CondaPrefix.sitePackages(root, OperatingSystem.MACOS, "3.13.1"), "a free-threaded build");
    }

    @Test
    void theAppliedRecordRoundTrips() throws IOException {
        Files.createDirectories(root.resolve("conda-meta"));
        assertEquals(Optional.empty(), CondaPrefix.applied(root));
        EnvironmentSpec spec = EnvironmentSpec.builder(root).condaChannels("nvidia", "conda-forge")
                .condaPackages("cuda-toolkit=12.4").build();
        CondaPrefix.recordApplied(root, spec);
        assertEquals(Optional.of(List.of("channel nvidia", "channel conda-forge", "package cuda-toolkit=12.4")),
                CondaPrefix.applied(root));
    }
}
