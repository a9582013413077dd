package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OverrideProbeTest {
    @TempDir
    Path tmp;

    private final OverrideProbe probe = new OverrideProbe();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "cu126, nvidia-cuda, cu126",
        "CU118, nvidia-cuda, cu118",
        "cpu, none, cpu",
        "rocm6.4, amd-rocm, rocm6.4",
        "rocm6.2.4, amd-rocm, rocm6.2.4",
        "xpu, intel-xpu, xpu",
    })
    void aVariantPropertyForcesTheVariant(String value, Accelerator.Kind kind, String variant) {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.torch.variant", value).build())
                .accelerator().orElseThrow();
        assertEquals(Accelerator.declared(kind, "system property isoenv.torch.variant")
                .withAttribute(OverrideProbe.VARIANT_ATTRIBUTE, variant), a);
        assertTrue(OverrideProbe.isOverride(a));
    }

    @Test
    void thePropertyWinsOverTheVariable() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.torch.variant", "cu126")
                .env("ISOENV_TORCH_VARIANT", "cpu").build()).accelerator().orElseThrow();
        assertEquals("cu126", OverrideProbe.forcedVariant(a).orElseThrow());
    }

    @Test
    void theVariableAloneForcesTheVariant() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).env("ISOENV_TORCH_VARIANT", "cpu").build())
                .accelerator().orElseThrow();
        assertEquals("environment variable ISOENV_TORCH_VARIANT", a.detectedBy());
    }

    @Test
    void aDriverOverrideWithCapabilitiesGivesDevices() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).env("ISOENV_CUDA_DRIVER", "550.54.14")
                .property("isoenv.cuda.compute-capability", "6.1, 8.6").build()).accelerator().orElseThrow();
        assertEquals(Accelerator.Kind.NVIDIA_CUDA, a.kind());
        assertEquals("550.54.14", a.driverVersion().orElseThrow());
        assertEquals(List.of("6.1", "8.6"), a.devices().stream().map(Accelerator.Device::architecture).toList());
        assertEquals("override: environment variable ISOENV_CUDA_DRIVER and system property"
                + " isoenv.cuda.compute-capability", a.detectedBy());
        assertTrue(OverrideProbe.isOverride(a));
    }

    @Test
    void aDriverOverrideAloneHasNoDevices() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.cuda.driver", "580.65.06").build())
                .accelerator().orElseThrow();
        assertEquals(List.of(), a.devices());
    }

    @Test
    void aGfxOverrideGivesAmdDevices() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.rocm.gfx", "gfx1100,gfx90a").build())
                .accelerator().orElseThrow();
        assertEquals(Accelerator.Kind.AMD_ROCM, a.kind());
        assertEquals(List.of("gfx1100", "gfx90a"), a.devices().stream().map(Accelerator.Device::architecture).toList());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "isoenv.torch.variant|cuda12|'cuda12', which is not a PyTorch variant",
        "isoenv.cuda.driver|latest|'latest', which is not an NVIDIA driver version",
        "isoenv.cuda.compute-capability|8.6|a compute capability override needs a driver override",
        "isoenv.rocm.gfx|navi31|'navi31', which is not a list of gfx targets",
    })
    void invalidValuesAreReportedNotThrown(String property, String value, String reason) {
        ProbeResult r = probe.probe(ProbeContexts.linux(tmp).property(property, value).build());
        assertTrue(r.accelerator().isEmpty());
        assertTrue(r.reason().orElseThrow().contains(reason), r.reason().orElseThrow());
        assertTrue(r.reason().orElseThrow().contains("system property " + property), r.reason().orElseThrow());
    }

    @Test
    void anInvalidCapabilityIsANoteOnTheDriverOverride() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.cuda.driver", "550.54.14")
                .property("isoenv.cuda.compute-capability", "sm_86").build()).accelerator().orElseThrow();
        assertEquals(List.of(), a.devices());
        assertTrue(a.notes().get(0).contains("'sm_86'"), a.notes().toString());
    }

    @Test
    void nothingSetIsNotDetectedAndNeverCached() {
        ProbeResult r = probe.probe(ProbeContexts.linux(tmp).property("isoenv.torch.variant", " ").build());
        assertTrue(r.reason().orElseThrow().startsWith("no override set"));
        assertFalse(probe.cacheable());
        assertEquals(1000, probe.priority());
    }
}
