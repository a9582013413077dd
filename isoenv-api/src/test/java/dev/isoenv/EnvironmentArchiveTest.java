package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An archive's description is an immutable value. */
class EnvironmentArchiveTest {
    private static EnvironmentArchive archive(Map<String, String> choices) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return EnvironmentArchive.of(tmp.resolve("env.tar.gz"), "cd", "ab", "linux-x86_64", "3.11.9",
                tmp.resolve("python").resolve("bin").resolve("python3.11").toString(),
                List.of("greeter==1.0"), choices);
    }

    @Test
    void itsChoicesAndRequirementsCannotBeChanged() {
        Map<String, String> given = new HashMap<>(Map.of("torch.variant", "cpu"));
        EnvironmentArchive a = archive(given);
        given.put("later", "x");
        assertEquals(Map.of("torch.variant", "cpu"), a.choices());
        assertThrows(UnsupportedOperationException.class, () -> a.choices().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> a.requirements().add("x"));
    }

    @Test
    void equalValuesAreEqual() {
        assertEquals(archive(Map.of("a", "1")), archive(Map.of("a", "1")));
        assertEquals(archive(Map.of("a", "1")).hashCode(), archive(Map.of("a", "1")).hashCode());
        assertNotEquals(archive(Map.of("a", "1")), archive(Map.of("a", "2")));
        assertEquals("EnvironmentArchive[/tmp/env.tar.gz, linux-x86_64, python 3.11.9, sha256 cd, payload sha256 ab]",
                archive(Map.of()).toString());
    }
}
