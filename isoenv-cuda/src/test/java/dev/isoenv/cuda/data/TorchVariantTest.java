package dev.isoenv.cuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TorchVariantTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "cu80, CUDA, 8.0, CUDA 8.0",
        "cu92, CUDA, 9.2, CUDA 9.2",
        "cu102, CUDA, 10.2, CUDA 10.2",
        "cu118, CUDA, 11.8, CUDA 11.8",
        "cu126, CUDA, 12.6, CUDA 12.6",
        "cu132, CUDA, 13.2, CUDA 13.2",
        "rocm6.2.4, ROCM, 6.2.4, ROCm 6.2.4",
        "rocm7.14, ROCM, 7.14, ROCm 7.14",
        "cpu, CPU, 0, CPU",
        "xpu, XPU, 0, XPU",
    })
    void parsesVariantNames(String name, TorchVariant.Kind kind, String version, String description) {
        TorchVariant v = TorchVariant.parse(name);
        assertEquals(kind, v.kind());
        assertEquals(version, v.version().toString());
        assertEquals(description, v.describe());
    }

    @ParameterizedTest
    @CsvSource({"cuda", "cu", "rocm", "rocm6", "gpu", "cu12.6", "''"})
    void rejectsOtherNames(String name) {
        assertEquals(Optional.empty(), TorchVariant.tryParse(name));
        assertThrows(IllegalArgumentException.class, () -> TorchVariant.parse(name));
    }

    @Test
    void ordersNewestFirstByToolkitVersionNotByText() {
        List<TorchVariant> variants = new ArrayList<>();
        for (String n : List.of("cu92", "cu118", "cu130", "cu129", "rocm7.2", "rocm7.14", "rocm6.2.4", "cpu")) {
            variants.add(TorchVariant.parse(n));
        }
        variants.sort(TorchVariant.NEWEST_FIRST);
        assertEquals("[cu130, cu129, cu118, cu92, rocm7.14, rocm7.2, rocm6.2.4, cpu]", variants.toString());
    }

    @Test
    void onlyCudaVariantsHaveACudaVersion() {
        assertEquals(Optional.of("12.6"), TorchVariant.parse("cu126").cudaVersion());
        assertTrue(TorchVariant.parse("rocm6.4").cudaVersion().isEmpty());
    }
}
