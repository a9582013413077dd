package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.FakeExecutable;
import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaProbeTest {
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path tmp;

    private final NvidiaProbe probe = new NvidiaProbe();

    @Test
    void theRealH100CaptureGivesDriverAndDevice() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"),
                Fixtures.text("h100-ubuntu24.04-driver580/nvidia-smi-query.csv"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path("h100-ubuntu24.04-driver580/root"))
                .path(bin).build());

        Accelerator a = result.accelerator().orElseThrow(() -> new AssertionError(result));
        assertEquals(Accelerator.Kind.NVIDIA_CUDA, a.kind());
        assertEquals("580.159.04", a.driverVersion().orElseThrow());
        assertEquals(List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", 81559 * MIB)), a.devices());
        assertTrue(a.detectedBy().startsWith("/sys/module/nvidia/version and nvidia-smi ("), a.detectedBy());
        assertFalse(NvidiaProbe.isWslDriver(a));
    }

    @Test
    void theArgumentsAreTheDocumentedQuery() throws Exception {
        Path bin = tmp.resolve("bin");
        Path args = tmp.resolve("args.txt");
        FakeExecutable.write(bin.resolve("nvidia-smi"), "printf '%s\\n' \"$@\" > '" + args + "'\n"
                + "printf '%s\\n' '580.159.04, 9.0, NVIDIA H100 80GB HBM3, 81559 MiB'");
        probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        assertEquals(List.of("--query-gpu=driver_version,compute_cap,name,memory.total", "--format=csv,noheader"),
                Files.readAllLines(args));
    }

    @Test
    void theProcFileIsUsedWhenSysfsIsMissing() {
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path("nvidia-proc-proprietary-550/root"))
                .path(tmp.resolve("no-bin")).build());
        Accelerator a = result.accelerator().orElseThrow(() -> new AssertionError(result));
        assertEquals("550.144.03", a.driverVersion().orElseThrow());
        assertEquals("/proc/driver/nvidia/version", a.detectedBy());
        assertEquals(List.of(), a.devices());
        assertTrue(a.notes().get(0).contains("nvidia-smi not found on PATH"), a.notes().toString());
    }

    @Test
    void severalGpusAreAllListedWithTheLowestDriver() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), Fixtures.text("nvidia-smi/three-gpus-mixed-drivers.csv"), 0);
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).path(bin).build()).accelerator().orElseThrow();
        assertEquals("575.57.08", a.driverVersion().orElseThrow());
        assertEquals(List.of("9.0", "9.0", "12.0"), a.devices().stream().map(Accelerator.Device::architecture).toList());
        assertTrue(a.detectedBy().startsWith("nvidia-smi ("), a.detectedBy());
    }

    @Test
    void aFailingNvidiaSmiStillLeavesTheDriverFromSysfs() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), Fixtures.text("nvidia-smi/driver-not-loaded.txt"), 9);
        Accelerator a = probe.probe(ProbeContexts.linux(Fixtures.path("h100-ubuntu24.04-driver580/root"))
                .path(bin).build()).accelerator().orElseThrow();
        assertEquals("580.159.04", a.driverVersion().orElseThrow());
        assertEquals(List.of(), a.devices());
        assertTrue(a.notes().get(0).contains("exited with code 9"), a.notes().toString());
        assertTrue(a.degradation().orElseThrow().contains("exited with code 9"),
                "a failing nvidia-smi makes the result incomplete: " + a);
    }

    @Test
    void aMissingNvidiaSmiWithADriverIsCompleteNotDegraded() {
        Accelerator a = probe.probe(ProbeContexts.linux(Fixtures.path("h100-ubuntu24.04-driver580/root"))
                .path(tmp.resolve("no-bin")).build()).accelerator().orElseThrow();
        assertEquals("580.159.04", a.driverVersion().orElseThrow());
        assertTrue(a.degradation().isEmpty(), "a host without nvidia-smi answers the same every time: " + a);
    }

    @Test
    void exitCodeNineWithoutVersionFilesIsNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), Fixtures.text("nvidia-smi/driver-not-loaded.txt"), 9);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        assertTrue(result.accelerator().isEmpty());
        assertTrue(result.isFailure(), "nvidia-smi exists but failed: a GPU may be present");
        String reason = result.reason().orElseThrow();
        assertTrue(reason.contains("nvidia-smi exited with code 9: NVIDIA-SMI has failed"), reason);
        assertTrue(reason.contains("/sys/module/nvidia/version not found"), reason);
    }

    @Test
    void aHangingNvidiaSmiTimesOutAndIsNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.write(bin.resolve("nvidia-smi"), "exec sleep 60");
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin)
                .timeout(Duration.ofMillis(300)).build());
        assertTrue(result.accelerator().isEmpty());
        assertTrue(result.isFailure());
        assertTrue(result.reason().orElseThrow().contains("nvidia-smi did not answer within 300 ms"),
                result.reason().orElseThrow());
    }

    @Test
    void garbageOutputIsNotDetectedBecauseMalformed() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), Fixtures.text("nvidia-smi/garbage.txt"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        assertTrue(result.accelerator().isEmpty());
        assertTrue(result.reason().orElseThrow().contains("nvidia-smi output is malformed"), result.toString());
    }

    @Test
    void garbageVersionFilesAreReportedAndNvidiaSmiDecides() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), Fixtures.text("nvidia-smi/empty.csv"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path("nvidia-garbage/root")).path(bin).build());
        String reason = result.reason().orElseThrow();
        assertTrue(reason.contains("/sys/module/nvidia/version holds no driver version"), reason);
        assertTrue(reason.contains("has no 'NVRM version:' line"), reason);
        assertTrue(reason.contains("printed no GPU line"), reason);
    }

    @Test
    void anOldDriverIsAskedAgainWithoutComputeCap() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.write(bin.resolve("nvidia-smi"), String.join("\n",
                "case \"$1\" in",
                "  *compute_cap*) printf '%s\\n' 'Field \"compute_cap\" is not a valid field to query.'; exit 2;;",
                "esac",
                "printf '%s\\n' '450.80.02, Tesla V100-SXM2-16GB, 16160 MiB'"));
        Accelerator a = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build())
                .accelerator().orElseThrow();
        assertEquals("450.80.02", a.driverVersion().orElseThrow());
        assertEquals(List.of(new Accelerator.Device("Tesla V100-SXM2-16GB", "", 16160 * MIB)), a.devices());
    }

    @Test
    void theRealUnknownFieldErrorTriggersTheQueryWithoutComputeCap() {
        Path bin = tmp.resolve("bin");
        Path unknownField = Fixtures.path("h100-ubuntu24.04-driver580/nvidia-smi-unknown-field.txt");
        Path legacy = Fixtures.path("h100-ubuntu24.04-driver580/nvidia-smi-query-without-compute-cap.csv");
        FakeExecutable.write(bin.resolve("nvidia-smi"), String.join("\n",
                "case \"$1\" in",
                "  *compute_cap*) while IFS= read -r line; do printf '%s\\n' \"$line\"; done < '" + unknownField + "'; exit 2;;",
                "esac",
                "while IFS= read -r line; do printf '%s\\n' \"$line\"; done < '" + legacy + "'"));
        Accelerator a = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build())
                .accelerator().orElseThrow();
        assertEquals(List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "", 81559 * MIB)), a.devices());
    }

    @Test
    void insideWslNvidiaSmiIsFoundInUsrLibWslAndCarriesWindowsNumbering() {
        Path root = tmp.resolve("root");
        FakeExecutable.printing(root.resolve("usr/lib/wsl/lib/nvidia-smi"), Fixtures.text("nvidia-smi/wsl2-rtx4070.csv"),
                0);
        writeFile(root.resolve("proc/sys/kernel/osrelease"),
                Fixtures.text("wsl2-ubuntu22.04/root/proc/sys/kernel/osrelease"));
        Accelerator a = probe.probe(ProbeContexts.linux(root).path(tmp.resolve("no-bin")).build())
                .accelerator().orElseThrow();
        assertEquals("566.36", a.driverVersion().orElseThrow());
        assertTrue(NvidiaProbe.isWslDriver(a));
        assertTrue(a.detectedBy().contains("usr/lib/wsl/lib/nvidia-smi"), a.detectedBy());
    }

    @Test
    void withoutWslTheWslLocationIsNotSearched() {
        Path root = tmp.resolve("root");
        FakeExecutable.printing(root.resolve("usr/lib/wsl/lib/nvidia-smi"), Fixtures.text("nvidia-smi/wsl2-rtx4070.csv"),
                0);
        assertTrue(probe.probe(ProbeContexts.linux(root).path(tmp.resolve("no-bin")).build()).accelerator().isEmpty());
    }

    @Test
    void onWindowsNvidiaSmiIsFoundUnderProgramFiles() {
        Path programFiles = tmp.resolve("Program Files");
        FakeExecutable.printing(programFiles.resolve("NVIDIA Corporation/NVSMI/nvidia-smi.exe"),
                Fixtures.text("nvidia-smi/windows-gtx1650-crlf.csv"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("C")).os(OperatingSystem.WINDOWS)
                .env("ProgramFiles", programFiles.toString()).env("Path", tmp.resolve("no-bin").toString()).build());
        Accelerator a = result.accelerator().orElseThrow(() -> new AssertionError(result));
        assertEquals("528.49", a.driverVersion().orElseThrow());
        assertEquals("7.5", a.devices().get(0).architecture());
    }

    @Test
    void onWindowsNvidiaSmiIsFoundInSystem32() {
        Path systemRoot = tmp.resolve("Windows");
        FakeExecutable.printing(systemRoot.resolve("System32/nvidia-smi.exe"),
                Fixtures.text("nvidia-smi/windows-gtx1650-crlf.csv"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("C")).os(OperatingSystem.WINDOWS)
                .env("SystemRoot", systemRoot.toString()).build());
        assertEquals("528.49", result.accelerator().orElseThrow().driverVersion().orElseThrow());
    }

    @Test
    void onWindowsWithoutNvidiaSmiNothingIsDetected() {
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp).os(OperatingSystem.WINDOWS).build());
        assertTrue(result.reason().orElseThrow().contains("nvidia-smi not found on PATH or in the NVIDIA folders"),
                result.toString());
    }

    @Test
    void macOsIsNeverNvidia() {
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp).os(OperatingSystem.MACOS).build());
        assertEquals("macOS has no NVIDIA CUDA driver", result.reason().orElseThrow());
    }

    @Test
    void nothingAtAllGivesEveryReason() {
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp).path(tmp.resolve("no-bin")).build());
        assertEquals("/sys/module/nvidia/version not found; /proc/driver/nvidia/version not found;"
                + " nvidia-smi not found on PATH", result.reason().orElseThrow());
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
