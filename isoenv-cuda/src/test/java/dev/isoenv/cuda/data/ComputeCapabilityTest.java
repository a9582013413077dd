package dev.isoenv.cuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComputeCapabilityTest {
    private static List<ComputeCapability> list(String text) {
        List<ComputeCapability> out = new ArrayList<>();
        for (String s : text.split(";")) {
            out.add(ComputeCapability.parse(s));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} in [{1}] -> {2}")
    @CsvSource({
        "6.1, 5.0;6.0;7.0;7.5;8.0;8.6;9.0, true",
        "6.1, 7.0;7.5;8.0;8.6;9.0;10.0;12.0, false",
        "8.9, 7.5;8.0;8.6;9.0, true",
        "8.7, 8.0;8.6, true",
        "8.0, 8.6;9.0, false",
        "7.0, 7.5;8.0;8.6;9.0;10.0;12.0, false",
        "10.0, 5.0;6.0;7.0;7.5;8.0;8.6;9.0, false",
        "12.0, 7.5;8.0;8.6;9.0;10.0;12.0, true",
        "12.1, 10.0;12.0, true",
        "10.3, 10.0;12.0, true",
        "3.7, 5.0;6.0, false",
    })
    void aBuildCoversItsMajorVersionFromItsMinorUp(String gpu, String built, boolean covered) {
        assertEquals(covered, ComputeCapability.parse(gpu).isCoveredBy(list(built)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "8.6, 8.6",
        "' 12.0 ', 12.0",
        "sm_86, 8.6",
        "sm_61, 6.1",
        "sm_75, 7.5",
        "sm_100, 10.0",
        "sm_120, 12.0",
        "sm_121, 12.1",
        "SM_90, 9.0",
        "sm_90a, 9.0",
        "sm_100f, 10.0",
    })
    void readsNvidiasAndPytorchsSpelling(String text, String capability) {
        assertEquals(capability, ComputeCapability.parse(text).toString());
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"'[N/A]'", "''", "86", "8", "8.6.1", "sm86", "sm_8", "sm_", "compute_86", "sm_86x", "Pascal",
        "8,6", "sm_8.6"})
    void readsNothingElse(String text) {
        assertTrue(ComputeCapability.tryParse(text).isEmpty(), text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeCapability.parse(text));
        assertTrue(e.getMessage().contains("sm_86"), e.getMessage());
    }
}
