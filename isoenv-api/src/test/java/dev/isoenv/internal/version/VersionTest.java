package dev.isoenv.internal.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionTest {

    @Test
    void ordersAsPep440Says() {
        List<String> ordered = List.of("1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0",
                "1.0+local", "1.0.post1.dev1", "1.0.post1", "1.1", "2.5.1", "2.5.1+cpu", "2.5.1+cu126", "20231117",
                "1!0.1");
        List<Version> shuffled = new ArrayList<>();
        for (String s : ordered) {
            shuffled.add(Version.parse(s));
        }
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        List<String> sorted = new ArrayList<>();
        for (Version v : shuffled) {
            sorted.add(v.toString());
        }
        assertEquals(List.of("1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0", "1.0+local",
                "1.0.post1.dev1", "1.0.post1", "1.1", "2.5.1", "2.5.1+cpu", "2.5.1+cu126", "20231117", "1!0.1"), sorted);
    }

    @Test
    void normalizesSpellingsAndTrailingZeros() {
        assertEquals(Version.parse("1.0"), Version.parse("1.0.0"));
        assertEquals(Version.parse("1.0rc1"), Version.parse("1.0-RC-1"));
        assertEquals("1.0a1", Version.parse("1.0alpha1").toString());
        assertEquals("1.0.post2", Version.parse("1.0-2").toString());
        assertEquals("cu126", Version.parse("2.5.1+CU126").local().orElseThrow());
        assertEquals("2.5.1", Version.parse("2.5.1+cu126").publicVersion().toString());
    }

    @Test
    void rejectsNonVersions() {
        assertFalse(Version.isValid("not a version"));
        assertFalse(Version.isValid("1.0+"));
        assertThrows(IllegalArgumentException.class, () -> Version.parse("2.x"));
    }

    @ParameterizedTest(name = "{1} in \"{0}\" = {2}")
    @CsvSource(delimiter = '|', value = {
            "==2.5.1           | 2.5.1+cu126  | true",
            "==2.5.1+cu126     | 2.5.1+cu126  | true",
            "==2.5.1+cu126     | 2.5.1+cpu    | false",
            "==2.5.1+cu126     | 2.5.1        | false",
            "==2.5.*           | 2.5.9        | true",
            "==2.5.*           | 2.6.0        | false",
            "!=2.5.*           | 2.6.0        | true",
            ">=2.4,<2.6        | 2.5.1        | true",
            ">=2.4,<2.6        | 2.6.0        | false",
            ">=2.4,<2.6        | 2.6.0rc1     | false",
            "<=2.5.1           | 2.5.1+cu126  | true",
            ">2.5.1            | 2.5.1+cu126  | false",
            ">2.5.1            | 2.5.1.post1  | false",
            ">2.5.1            | 2.5.2        | true",
            "~=2.5             | 2.9.0        | true",
            "~=2.5             | 3.0          | false",
            "~=2.5.1           | 2.5.9        | true",
            "~=2.5.1           | 2.6.0        | false",
            "''                | 0.1          | true",
            "===2.5.1          | 2.5.1        | true",
    })
    void matchesSpecifiers(String specifiers, String version, boolean expected) {
        assertEquals(expected, VersionSpecifiers.parse(specifiers).contains(Version.parse(version)));
    }

    @Test
    void reportsExactPins() {
        assertEquals(Version.parse("2.5.1"), VersionSpecifiers.parse("==2.5.1").exactPin().orElseThrow());
        assertTrue(VersionSpecifiers.parse("==2.5.*").exactPin().isEmpty());
        assertTrue(VersionSpecifiers.parse(">=2.5").exactPin().isEmpty());
    }
}
