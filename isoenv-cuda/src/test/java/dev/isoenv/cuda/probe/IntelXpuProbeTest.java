package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntelXpuProbeTest {
    @TempDir
    Path tmp;

    private final IntelXpuProbe probe = new IntelXpuProbe();

    private ProbeResult probeListing(String listing) {
        return probe.probe(ProbeContexts.linux(Fixtures.pciTree(listing, tmp)).build());
    }

    @Test
    void aDiscreteArcIsDetectedAndTheIntegratedGpuBesideItIsNot() {
        Accelerator a = probeListing("pci/intel-arc-a770-with-igpu.txt").accelerator().orElseThrow();
        assertEquals(Accelerator.Kind.INTEL_XPU, a.kind());
        assertEquals(List.of(new Accelerator.Device("Intel Arc A770 (0x56a0)", "", -1)), a.devices());
    }

    @Test
    void dataCenterGpuMaxWithDisplayClass0380IsDetected() {
        Accelerator a = probeListing("pci/intel-data-center-max-1550.txt").accelerator().orElseThrow();
        assertEquals(2, a.devices().size());
        assertEquals("Intel Data Center GPU Max 1550 (0x0bd5)", a.devices().get(0).name());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pci/intel-integrated-uhd770.txt|0x4680 at 0000:00:02.0 not in the list of discrete or data-center GPUs",
        "pci/nvidia-with-intel-igpu.txt|0x9a49 at 0000:00:02.0 not in the list",
        "h100-ubuntu24.04-driver580/pci.txt|no Intel display controller",
    })
    void integratedGraphicsAndHostBridgesAreNotDetected(String listing, String reason) {
        ProbeResult result = probeListing(listing);
        assertTrue(result.accelerator().isEmpty(), result.toString());
        assertTrue(result.reason().orElseThrow().contains(reason), result.reason().orElseThrow());
    }

    @Test
    void windowsIsNotProbed() {
        ProbeResult result = probe.probe(ProbeContexts.linux(tmp).os(OperatingSystem.WINDOWS).build());
        assertTrue(result.reason().orElseThrow().contains("isoenv.torch.variant=xpu"));
    }

    @Test
    void theDeviceListIsDataWithAFormatLine() {
        assertTrue(IntelXpuDevices.name("0x56A0").isPresent());
        assertTrue(IntelXpuDevices.name("0x4680").isEmpty());
    }
}
