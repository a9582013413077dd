package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.isoenv.OperationInterruptedException;
import dev.isoenv.cuda.testkit.FakeExecutable;
import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.internal.process.ProcessRunner;
import dev.isoenv.spi.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults at the process boundary never escape a probe. */
class ProbeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aRunnerThatIsInterruptedGivesNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("nvidia-smi"), "580.159.04, 9.0, GPU, 1 MiB\n", 0);
        ProcessRunner runner = mock(ProcessRunner.class);
        when(runner.run(any(ProcessRequest.class))).thenThrow(new OperationInterruptedException("nvidia-smi",
                new InterruptedException()));
        ProbeResult result = new NvidiaProbe().probe(ProbeContexts.linux(tmp.resolve("empty")).path(bin)
                .runner(runner).build());
        assertTrue(result.reason().orElseThrow().contains("nvidia-smi failed: "), result.toString());
    }

    @Test
    void aRunnerThatFailsUnexpectedlyGivesNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("rocm_agent_enumerator"), "gfx90a\n", 0);
        ProcessRunner runner = mock(ProcessRunner.class);
        when(runner.run(any(ProcessRequest.class))).thenThrow(new IllegalStateException("pump died"));
        ProbeResult result = new RocmProbe().probe(ProbeContexts.linux(tmp.resolve("empty")).path(bin)
                .runner(runner).build());
        assertTrue(result.reason().orElseThrow().contains("pump died"), result.toString());
    }

    @Test
    void anExecutableThatCannotStartGivesNotDetected() throws IOException {
        // On Windows any file named like the command counts, so a non-executable one is found and fails to start.
        Path programFiles = tmp.resolve("Program Files");
        Path smi = programFiles.resolve("NVIDIA Corporation/NVSMI/nvidia-smi.exe");
        Files.createDirectories(smi.getParent());
        Files.writeString(smi, "not a program");
        ProbeResult result = new NvidiaProbe().probe(ProbeContexts.linux(tmp.resolve("C")).os(OperatingSystem.WINDOWS)
                .env("ProgramFiles", programFiles.toString()).build());
        assertTrue(result.reason().orElseThrow().contains("could not be started"), result.toString());
    }
}
