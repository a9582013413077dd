package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.ProbeContexts;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sm_61             | 6.1",
        "6.1, 8.6          | 6.1,8.6",
        "sm_61,sm_86       | 6.1,8.6",
        "SM_120            | 12.0",
        "sm_90a            | 9.0",
    })
    void aCapabilityIsReadInNvidiasAndPytorchsSpelling(String value, String capabilities) {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.cuda.driver", "580.65.06")
                .property("isoenv.cuda.compute-capability", value).build()).accelerator().orElseThrow();
        assertEquals(List.of(capabilities.split(",")),
                a.devices().stream().map(Accelerator.Device::architecture).toList());
        assertTrue(OverrideProbe.invalidOverride(a).isEmpty());
    }

    /**
     * A value that cannot be read is never skipped: detection gives an accelerator of kind none that carries what
     * is wrong, and planning a torch install refuses it (VariantResolverTest).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "isoenv.torch.variant=cuda12                                   | system property isoenv.torch.variant is 'cuda12', which is not a PyTorch variant",
        "isoenv.cuda.driver=latest                                     | system property isoenv.cuda.driver is 'latest', which is not an NVIDIA driver version",
        "isoenv.cuda.compute-capability=8.6                            | system property isoenv.cuda.compute-capability is set but isoenv.cuda.driver (ISOENV_CUDA_DRIVER) is not",
        "isoenv.cuda.driver=550.54.14 isoenv.cuda.compute-capability=pascal | system property isoenv.cuda.compute-capability is 'pascal', whose 'pascal' is not a compute capability",
        "isoenv.cuda.driver=550.54.14 isoenv.cuda.compute-capability=86 | whose '86' is not a compute capability: write major.minor",
        "isoenv.cuda.driver=550.54.14 isoenv.cuda.compute-capability=6.1,,8.6 | whose '' is not a compute capability",
        "isoenv.cuda.wsl=true                                          | system property isoenv.cuda.wsl is set but isoenv.cuda.driver",
        "isoenv.cuda.driver=550.54.14 isoenv.cuda.wsl=maybe            | system property isoenv.cuda.wsl is 'maybe', which is neither true nor false",
        "isoenv.rocm.gfx=navi31                                        | system property isoenv.rocm.gfx is 'navi31', which is not a list of gfx targets",
        "isoenv.torch.variant=cu126 isoenv.rocm.gfx=navi31             | 'navi31', which is not a list of gfx targets",
    })
    void anInvalidValueGivesAnAcceleratorThatCarriesWhatIsWrong(String properties, String reason) {
        ProbeContexts context = ProbeContexts.linux(tmp);
        for (String p : properties.split(" ")) {
            context.property(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
        }
        Accelerator a = probe.probe(context.build()).accelerator().orElseThrow();
        assertEquals(Accelerator.Kind.NONE, a.kind());
        String invalid = OverrideProbe.invalidOverride(a).orElseThrow();
        assertTrue(invalid.contains(reason), invalid);
        assertTrue(a.notes().get(0).contains(reason), a.notes().toString());
        assertTrue(OverrideProbe.isOverride(a));
        assertTrue(OverrideProbe.forcedVariant(a).isEmpty());
    }

    @ParameterizedTest(name = "isoenv.cuda.wsl={0}, kernel {1} -> WSL {2}")
    @CsvSource(nullValues = "-", value = {
        "true,  -, true",
        "TRUE,  -, true",
        "1,     -, true",
        "false, -, false",
        "-,     -, false",
        "-,     5.15.153.1-microsoft-standard-WSL2, true",
        "false, 5.15.153.1-microsoft-standard-WSL2, false",
    })
    void wslIsExpressibleForADriverOverride(String wsl, String kernel, boolean windowsNumbering) throws IOException {
        Path root = tmp.resolve("root");
        if (kernel != null) {
            Files.createDirectories(root.resolve("proc/sys/kernel"));
            Files.writeString(root.resolve("proc/sys/kernel/osrelease"), kernel + "\n");
        }
        ProbeContexts context = ProbeContexts.linux(root).property("isoenv.cuda.driver", "566.36");
        if (wsl != null) {
            context.env("ISOENV_CUDA_WSL", wsl);
        }
        Accelerator a = probe.probe(context.build()).accelerator().orElseThrow();
        assertEquals(Accelerator.Kind.NVIDIA_CUDA, a.kind());
        assertEquals(windowsNumbering, NvidiaProbe.isWslDriver(a), a.toString());
    }

    @Test
    void aWslDriverOverrideIsHeldToTheWindowsFloors() {
        Accelerator a = probe.probe(ProbeContexts.linux(tmp).property("isoenv.cuda.driver", "527.41")
                .property("isoenv.cuda.compute-capability", "8.6").property("isoenv.cuda.wsl", "true").build())
                .accelerator().orElseThrow();
        dev.isoenv.cuda.variant.VariantChoice choice = new dev.isoenv.cuda.variant.VariantResolver(
                dev.isoenv.cuda.data.TorchData.builtIn()).resolve(dev.isoenv.cuda.variant.VariantRequest.builder(a)
                .torch("==2.5.1").python("3.11.9").build());
        assertEquals("cu118", choice.variant().name(), choice.explain());
        assertTrue(choice.explain().contains("cu124 refused: driver 527.41 < 528.33 (Windows minimum, as in WSL)"),
                choice.explain());
    }

    @Test
    void nothingSetIsNotDetectedAndNeverCached() {
        ProbeResult r = probe.probe(ProbeContexts.linux(tmp).property("isoenv.torch.variant", " ").build());
        assertTrue(r.reason().orElseThrow().startsWith("no override set"));
        assertFalse(probe.cacheable());
        assertEquals(1000, probe.priority());
    }
}
