package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.internal.accelerator.AcceleratorDetector;
import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeRegistrationTest {
    @TempDir
    Path tmp;

    private static List<AcceleratorProbe> loaded() {
        List<AcceleratorProbe> probes = new ArrayList<>();
        ServiceLoader.load(AcceleratorProbe.class).forEach(probes::add);
        probes.sort(Comparator.comparingInt(AcceleratorProbe::priority).reversed());
        return probes;
    }

    @Test
    void serviceLoaderFindsEveryProbeCheapestFirst() {
        assertEquals(List.of("override", "apple", "nvidia", "rocm", "intel-xpu"),
                loaded().stream().map(AcceleratorProbe::name).toList());
    }

    @Test
    void theDetectorRunsTheProbesOverAFixtureMachine() {
        Accelerator a = new AcceleratorDetector(loaded(), ProbeContexts.linux(Fixtures.path("kfd-rx7900xtx/root"))
                .path(tmp.resolve("no-bin")).build()).detect();
        assertEquals(Accelerator.Kind.AMD_ROCM, a.kind());
        assertEquals(List.of("gfx1100"), a.devices().stream().map(Accelerator.Device::architecture).toList());
    }

    @Test
    void anEmptyMachineGivesEveryProbesReason() {
        Accelerator a = new AcceleratorDetector(loaded(), ProbeContexts.linux(tmp).path(tmp.resolve("no-bin")).build())
                .detect();
        assertEquals(Accelerator.Kind.NONE, a.kind());
        assertEquals(List.of("override", "apple", "nvidia", "rocm", "intel-xpu"),
                a.notes().stream().map(n -> n.substring(0, n.indexOf(':'))).toList());
    }
}
