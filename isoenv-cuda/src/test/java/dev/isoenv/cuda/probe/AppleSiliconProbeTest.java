package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppleSiliconProbeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "MACOS, aarch64, true",
        "MACOS, arm64, true",
        "MACOS, x86_64, false",
        "LINUX, aarch64, false",
        "WINDOWS, aarch64, false",
    })
    void macOsOnArm64IsMps(OperatingSystem os, String arch, boolean detected) {
        ProbeResult r = new AppleSiliconProbe().probe(ProbeContexts.linux(tmp).os(os).architecture(arch).build());
        assertEquals(detected, r.accelerator().isPresent(), r.toString());
        r.accelerator().ifPresent(a -> {
            assertEquals(Accelerator.Kind.APPLE_MPS, a.kind());
            assertEquals("macOS on arm64", a.detectedBy());
        });
    }
}
