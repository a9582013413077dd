package dev.isoenv.testing.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FakeTorchTest {
    @ParameterizedTest
    @CsvSource({"cpu,,", "cu118,11.8,", "cu126,12.6,", "cu128,12.8,", "rocm6.2,,6.2"})
    void labelsGiveCudaAndHipVersions(String label, String cuda, String hip) {
        assertEquals(Optional.ofNullable(cuda), FakeTorch.cudaVersion(label));
        assertEquals(Optional.ofNullable(hip), FakeTorch.hipVersion(label));
        assertEquals("2.5.1+" + label, FakeTorch.version(label));
        assertEquals("/whl/" + label + "/", FakeTorch.indexPath(label));
    }

    @Test
    void rejectsUnknownLabels() {
        assertThrows(IllegalArgumentException.class, () -> FakeTorch.cudaVersion("gpu"));
        assertThrows(IllegalArgumentException.class, () -> FakeTorch.indexPath("cu"));
    }

    @Test
    void torchCarriesItsVersionFacts() {
        DistributionFile torch = FakeTorch.torch("cu126");
        Map<String, byte[]> entries = ZipContents.of(torch.content());

        assertEquals("torch-2.5.1+cu126-py3-none-any.whl", torch.fileName());
        String version = new String(entries.get("torch/version.py"), StandardCharsets.UTF_8);
        assertTrue(version.contains("__version__ = \"2.5.1+cu126\"\ncuda = \"12.6\"\nhip = None\n"), version);
        String init = new String(entries.get("torch/__init__.py"), StandardCharsets.UTF_8);
        assertTrue(init.contains("__version__ = \"2.5.1+cu126\""), init);
        assertTrue(entries.containsKey("torch/cuda/__init__.py"));
    }

    @Test
    void torchaudioRequiresThePublicTorchVersion() {
        DistributionFile audio = FakeTorch.torchaudio("cpu");
        String metadata = new String(ZipContents.of(audio.content()).get("torchaudio-2.5.1+cpu.dist-info/METADATA"),
                StandardCharsets.UTF_8);

        assertEquals("torchaudio-2.5.1+cpu-py3-none-any.whl", audio.fileName());
        assertTrue(metadata.contains("Requires-Dist: torch==2.5.1\n"), metadata);
    }
}
