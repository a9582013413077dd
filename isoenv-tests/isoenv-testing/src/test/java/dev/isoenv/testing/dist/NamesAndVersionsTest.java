package dev.isoenv.testing.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesAndVersionsTest {
    @ParameterizedTest
    @CsvSource({"isoenv-demo-hello,isoenv-demo-hello,isoenv_demo_hello", "Isoenv_Demo.Hello,isoenv-demo-hello,"
            + "isoenv_demo_hello", "A--B__C..D,a-b-c-d,a_b_c_d", "torch,torch,torch"})
    void normalizesNamesAsPep503AndEscapesThemForFileNames(String name, String normalized, String fileName) {
        assertEquals(normalized, ProjectNames.normalize(name));
        assertEquals(fileName, ProjectNames.fileNameComponent(name));
    }

    @Test
    void tellsValidNames() {
        assertTrue(ProjectNames.isValid("a"));
        assertTrue(ProjectNames.isValid("zope.interface"));
        for (String bad : List.of("", "-a", "a-", "a b", "ä")) {
            assertFalse(ProjectNames.isValid(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ProjectNames.requireValid("a_"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "2.5.1+cu126", "2.5.1+rocm6.2", "1!2.0", "2.0rc1", "1.0a0", "1.0.post1",
            "1.0.dev3", "1.1.post2.dev3+local.7"})
    void acceptsNormalizedVersions(String version) {
        assertTrue(Versions.isNormalized(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1.0", "1.0-1", "1.0_1", "01.0", "1.0RC1", "1.0+CU126", "1.0+", "1.0-post1"})
    void rejectsVersionsThatAreNotNormalized(String version) {
        assertFalse(Versions.isNormalized(version));
        assertThrows(IllegalArgumentException.class, () -> Versions.requireNormalized(version));
    }

    @Test
    void thePublicPartDropsTheLocalLabel() {
        assertEquals("2.5.1", Versions.publicPart("2.5.1+cu126"));
        assertEquals("2.5.1", Versions.publicPart("2.5.1"));
    }
}
