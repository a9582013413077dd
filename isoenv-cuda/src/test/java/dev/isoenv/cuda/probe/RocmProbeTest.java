package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.FakeExecutable;
import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RocmProbeTest {
    @TempDir
    Path tmp;

    private final RocmProbe probe = new RocmProbe();

    static Stream<Arguments> kfdTrees() {
        return Stream.of(
                Arguments.of("kfd-mi250x", "6.8.5", List.of(
                        new Accelerator.Device("AMD GPU gfx90a (device 0x7408)", "gfx90a", 68702699520L),
                        new Accelerator.Device("AMD GPU gfx90a (device 0x7408)", "gfx90a", 68702699520L))),
                Arguments.of("kfd-rx7900xtx", null, List.of(
                        new Accelerator.Device("AMD GPU gfx1100 (device 0x744c)", "gfx1100", 25753026560L))),
                Arguments.of("kfd-rx6700xt", null, List.of(
                        new Accelerator.Device("AMD GPU gfx1031 (device 0x73df)", "gfx1031", 12868124672L))),
                Arguments.of("kfd-mixed-gfx942-gfx1100", null, List.of(
                        new Accelerator.Device("AMD GPU gfx1100 (device 0x744c)", "gfx1100", 25753026560L),
                        new Accelerator.Device("AMD GPU gfx942 (device 0x74a1)", "gfx942", 206141652992L))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kfdTrees")
    void readsGpusFromTheKfdTopology(String fixture, String driver, List<Accelerator.Device> devices) {
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path(fixture + "/root")).build());
        Accelerator a = result.accelerator().orElseThrow(() -> new AssertionError(result));
        assertEquals(Accelerator.Kind.AMD_ROCM, a.kind());
        assertEquals(devices, a.devices());
        assertEquals(driver, a.driverVersion().orElse(null));
        assertEquals("KFD topology /sys/class/kfd/kfd/topology/nodes", a.detectedBy());
    }

    @Test
    void aCpuOnlyTopologyWithoutEnumeratorIsNotDetected() {
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path("kfd-cpu-only/root"))
                .path(tmp.resolve("no-bin")).build());
        String reason = result.reason().orElseThrow();
        assertTrue(reason.contains("lists 1 node(s), 1 of them CPUs, and no AMD GPU"), reason);
        assertTrue(reason.contains("rocm_agent_enumerator not found"), reason);
    }

    @Test
    void rocmAgentEnumeratorIsTheFallback() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("rocm_agent_enumerator"), Fixtures.text("rocm-agent-enumerator/mi300x.txt"),
                0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        Accelerator a = result.accelerator().orElseThrow(() -> new AssertionError(result));
        assertEquals(List.of("gfx942", "gfx942"), a.devices().stream().map(Accelerator.Device::architecture).toList());
        assertTrue(a.detectedBy().startsWith("rocm_agent_enumerator ("), a.detectedBy());
    }

    @Test
    void rocmAgentEnumeratorIsFoundUnderOptRocm() {
        Path root = tmp.resolve("root");
        FakeExecutable.printing(root.resolve("opt/rocm/bin/rocm_agent_enumerator"),
                Fixtures.text("rocm-agent-enumerator/mi210-features.txt"), 0);
        Accelerator a = probe.probe(ProbeContexts.linux(root).path(tmp.resolve("no-bin")).build())
                .accelerator().orElseThrow();
        assertEquals("gfx90a", a.devices().get(0).architecture());
    }

    @Test
    void anEnumeratorThatListsOnlyTheCpuIsNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("rocm_agent_enumerator"),
                Fixtures.text("rocm-agent-enumerator/cpu-only.txt"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        assertTrue(result.reason().orElseThrow().contains("rocm_agent_enumerator listed no GPU"), result.toString());
    }

    @Test
    void garbageFromTheEnumeratorIsNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.printing(bin.resolve("rocm_agent_enumerator"),
                Fixtures.text("rocm-agent-enumerator/garbage.txt"), 0);
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin).build());
        assertTrue(result.reason().orElseThrow().contains("rocm_agent_enumerator output is malformed"),
                result.toString());
    }

    @Test
    void aFailingOrHangingEnumeratorIsNotDetected() {
        Path bin = tmp.resolve("bin");
        FakeExecutable.write(bin.resolve("rocm_agent_enumerator"), "exec sleep 60");
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp.resolve("empty-root")).path(bin)
                .timeout(Duration.ofMillis(300)).build());
        assertTrue(result.reason().orElseThrow().contains("did not answer"), result.toString());
    }

    @Test
    void onlyLinuxHasRocm() {
        ProbeResult result = probe.probe(ProbeContexts.linux(Fixtures.path("kfd-mi250x/root"))
                .os(OperatingSystem.WINDOWS).build());
        assertTrue(result.accelerator().isEmpty());
    }

    @Test
    void enumeratorOutputParsing() {
        assertEquals(List.of("gfx942", "gfx942"),
                RocmAgentEnumeratorOutput.parse(Fixtures.text("rocm-agent-enumerator/mi300x.txt")));
        assertEquals(List.of("gfx90a"),
                RocmAgentEnumeratorOutput.parse(Fixtures.text("rocm-agent-enumerator/mi210-features.txt")));
        assertThrows(IllegalArgumentException.class,
                () -> RocmAgentEnumeratorOutput.parse(Fixtures.text("rocm-agent-enumerator/garbage.txt")));
    }

    @Test
    void propertiesWithHugeOrTextValuesAreSkipped() {
        var p = KfdTopology.parseProperties("unique_id 12345678901234567890\nname gfx90a\nvendor_id 4098\n");
        assertEquals(4098L, p.get("vendor_id"));
        assertNull(p.get("unique_id"));
        assertNull(p.get("name"));
    }
}
