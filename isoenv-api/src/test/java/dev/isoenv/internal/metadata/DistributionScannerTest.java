package dev.isoenv.internal.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.InstalledDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionScannerTest {

    @Test
    void readsDistInfoAndEggInfoAndSkipsInterruptedLeftovers(@TempDir Path site) throws IOException {
        write(site.resolve("Torch-2.5.1+cu126.dist-info/METADATA"),
                "Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1+cu126\nSummary: x\n\nVersion: 9.9 in the body\n");
        write(site.resolve("six-1.17.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: six\nVersion: 1.17.0\n");
        write(site.resolve("legacy.egg-info/PKG-INFO"), "Metadata-Version: 1.0\nName: legacy\nVersion: 0.1\n");
        write(site.resolve("~orch-2.4.0.dist-info/METADATA"), "Name: torch\nVersion: 2.4.0\n");
        write(site.resolve("broken.dist-info/METADATA"), "Metadata-Version: 2.1\nSummary: no name\n");
        Files.createDirectories(site.resolve("torch"));
        assertEquals(List.of(InstalledDistribution.of("legacy", "0.1"), InstalledDistribution.of("six", "1.17.0"),
                InstalledDistribution.of("torch", "2.5.1+cu126")), DistributionScanner.scan(site));
        assertEquals(List.of(site.resolve("~orch-2.4.0.dist-info")), DistributionScanner.interruptedLeftovers(site));
    }

    @Test
    void aMissingSitePackagesHoldsNothing(@TempDir Path dir) {
        assertEquals(List.of(), DistributionScanner.scan(dir.resolve("absent")));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
