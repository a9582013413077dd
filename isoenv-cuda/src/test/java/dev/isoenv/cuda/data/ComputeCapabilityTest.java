package dev.isoenv.cuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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

    @Test
    void parsesOnlyMajorDotMinor() {
        assertTrue(ComputeCapability.tryParse("[N/A]").isEmpty());
        assertTrue(ComputeCapability.tryParse("sm_86").isEmpty());
        assertEquals("12.0", ComputeCapability.parse(" 12.0 ").toString());
    }
}
