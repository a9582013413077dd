package dev.isoenv.cuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.internal.version.Version;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checks the built-in data against values taken from the reference tables (cuda-driver-floors.tsv and friends). */
class TorchDataTest {
    private final TorchData data = TorchData.builtIn();

    private static TorchVariant v(String name) {
        return TorchVariant.parse(name);
    }

    private TorchRelease release(String series) {
        return data.seriesOf(Version.parse(series)).orElseThrow();
    }

    @Test
    void theBuiltInDataHasItsHeaderAndIndex() {
        assertEquals("2026-12-01", data.dataVersion());
        assertEquals("https://download.pytorch.org/whl/cu126", data.indexUrl(v("cu126")));
        assertEquals("https://download.pytorch.org/whl/rocm6.2.4", data.indexUrl(v("rocm6.2.4")));
        assertTrue(data.sources().get(0).startsWith("isoenv-cuda:/dev/isoenv/cuda/data/torch-data.tsv"));
    }

    @Test
    void theFamilyKnownWithoutParsingIsTheBuiltInDatasFamily() {
        assertEquals(new java.util.TreeSet<>(TorchData.BUILT_IN_TORCH_FAMILY), data.torchFamily());
    }

    @ParameterizedTest(name = "{0}: Linux {1}, Windows {2}")
    @CsvSource({
        "cu132, 580, 580",
        "cu130, 580, 580",
        "cu129, 525.60.13, 528.33",
        "cu126, 525.60.13, 528.33",
        "cu120, 525.60.13, 528.33",
        "cu118, 450.80.02, 452.39",
        "cu111, 450.80.02, 452.39",
        "cu110, 450.36.06, 451.22",
        "cu102, 440.33, 441.22",
        "cu80, 375.26, 376.51",
    })
    void driverFloorsMatchTheReferenceTable(String variant, String linux, String windows) {
        DriverFloor floor = data.driverFloor(v(variant)).orElseThrow();
        assertEquals(Version.parse(linux), floor.linux());
        assertEquals(Version.parse(windows), floor.windows());
    }

    @ParameterizedTest(name = "torch {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "1.13|cu117,cu116,rocm5.2,rocm5.1.1,cpu",
        "2.0|cu118,cu117,rocm5.4.2,rocm5.3,cpu",
        "2.5|cu124,cu121,cu118,rocm6.2,rocm6.1,xpu,cpu",
        "2.6|cu126,cu124,cu118,rocm6.2.4,rocm6.1,xpu,cpu",
        "2.7|cu128,cu126,cu118,rocm6.3,rocm6.2.4,xpu,cpu",
        "2.8|cu129,cu128,cu126,rocm6.4,rocm6.3,xpu,cpu",
        "2.11|cu130,cu128,cu126,rocm7.2,rocm7.1,xpu,cpu",
        "2.13|cu132,cu130,cu126,rocm7.2,rocm7.1,xpu,cpu",
    })
    void releasesPublishTheReferenceVariants(String series, String variants) {
        assertEquals(variants, release(series).variants().stream().map(TorchVariant::name)
                .collect(Collectors.joining(",")));
    }

    @Test
    void patchReleasesAndPythonRanges() {
        assertEquals(List.of(Version.parse("2.1.0"), Version.parse("2.1.1"), Version.parse("2.1.2")),
                release("2.1").releases());
        assertTrue(release("2.4").supportsPython(Version.parse("3.8.18")));
        assertFalse(release("2.5").supportsPython(Version.parse("3.8.18")));
        assertFalse(release("2.4").supportsPython(Version.parse("3.13.1")));
        assertEquals(Version.parse("2.13"), data.releases().get(0).series());
    }

    @ParameterizedTest(name = "torch {0} {1} on {2}")
    @CsvSource(delimiter = '|', value = {
        "2.5|cu118|linux-x86_64|5.0,6.0,7.0,7.5,8.0,8.6,9.0",
        "2.7|cu128|linux-x86_64|5.0,6.0,7.0,7.5,8.0,8.6,9.0,10.0,12.0",
        "2.8|cu128|windows-x86_64|7.0,7.5,8.0,8.6,9.0,10.0,12.0",
        "2.10|cu128|linux-x86_64|7.0,7.5,8.0,8.6,9.0,10.0,12.0",
        "2.11|cu128|linux-x86_64|7.5,8.0,8.6,9.0,10.0,12.0",
        "2.13|cu126|linux-x86_64|5.0,6.0,7.0,7.5,8.0,8.6,9.0",
        "2.13|cu132|windows-x86_64|7.5,8.0,8.6,9.0,10.0,12.0",
        // Linux aarch64 builds carry their own, shorter lists.
        "2.6|cu126|linux-aarch64|9.0",
        "2.7|cu128|linux-aarch64|9.0,10.0,12.0",
        "2.9|cu128|linux-aarch64|8.0,9.0,10.0,12.0",
        "2.11|cu126|linux-aarch64|8.0,9.0",
        "2.13|cu130|linux-aarch64|8.0,9.0,10.0,11.0,12.0",
    })
    void cudaArchitecturesFollowTheReferenceRows(String series, String variant, String platform,
                                                 String capabilities) {
        assertEquals(capabilities, data.cudaArchitectures(release(series), v(variant), Platform.byId(platform))
                .orElseThrow().stream().map(ComputeCapability::toString).collect(Collectors.joining(",")));
    }

    @ParameterizedTest(name = "torch {0} {1} on {2}")
    @CsvSource(delimiter = '|', value = {"2.0|cu117|linux-x86_64", "2.8|cu129|linux-aarch64",
        "2.13|cu132|linux-aarch64", "2.5|cu124|linux-aarch64"})
    void anArchitectureListOfOnePlatformNeverDecidesForAnother(String series, String variant, String platform) {
        assertTrue(data.cudaArchitectures(release(series), v(variant), Platform.byId(platform)).isEmpty());
    }

    @Test
    void cu130OfTorch211MatchesTheArchListOfARealInstall() {
        // torch.cuda.get_arch_list() of torch 2.11.0+cu130 on the H100 capture machine (and on the H200 one).
        String real = dev.isoenv.cuda.testkit.Fixtures.text("h100-ubuntu24.04-driver580/torch-2.11.0-cu130-arch-list.txt");
        String fromData = data.cudaArchitectures(release("2.11"), v("cu130"), java.util.Optional.of(
                Platform.LINUX_X86_64)).orElseThrow().stream()
                .map(c -> "'sm_" + c.major() + c.minor() + "'").collect(Collectors.joining(", ", "[", "]"));
        assertEquals(real.strip(), fromData);
        assertTrue(dev.isoenv.cuda.testkit.Fixtures.text("h200-ubuntu24.04-driver580/python-and-torch.txt")
                .contains("archs " + fromData), fromData);
    }

    @Test
    void rocmTargetsFollowUvsTable() {
        assertTrue(data.rocmTargets(v("rocm7.2")).orElseThrow().contains("gfx1151"));
        assertFalse(data.rocmTargets(v("rocm7.1")).orElseThrow().contains("gfx1151"));
        assertTrue(data.rocmTargets(v("rocm7.1")).orElseThrow().contains("gfx950"));
        assertFalse(data.rocmTargets(v("rocm6.4")).orElseThrow().contains("gfx950"));
        assertTrue(data.rocmTargets(v("rocm6.1")).orElseThrow().contains("gfx1101"));
        assertFalse(data.rocmTargets(v("rocm6.2")).orElseThrow().contains("gfx1101"));
        assertTrue(data.rocmTargets(v("rocm5.7")).isEmpty());
    }

    @Test
    void theTorchFamilyIsTheReferenceList() {
        assertEquals(22, data.torchFamily().size());
        for (String name : List.of("torch", "TorchVision", "torch_audio".replace("_", ""), "triton", "xformers",
                "pytorch-triton-rocm", "fbgemm_gpu")) {
            assertTrue(data.isTorchFamily(name), name);
        }
        assertFalse(data.isTorchFamily("torchdata"));
        assertFalse(data.isTorchFamily("numpy"));
        assertTrue(data.carriesVariantLabel("torchaudio"));
        assertFalse(data.carriesVariantLabel("triton"));
    }

    @Test
    void companionsMapToTheirTorchSeries() {
        assertEquals(Version.parse("2.5"), data.seriesOfCompanion("torchvision", Version.parse("0.20.1"))
                .orElseThrow().series());
        assertEquals(Version.parse("2.0"), data.seriesOfCompanion("torchaudio", Version.parse("2.0.2"))
                .orElseThrow().series());
        assertTrue(data.seriesOfCompanion("torchvision", Version.parse("0.99")).isEmpty());
    }
}
