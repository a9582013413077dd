package dev.isoenv.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void readsEveryKindOfValueInDocumentOrder() {
        Map<String, Object> o = JsonReader.parseObject(" {\"b\": [1, -2.5e3, true, false, null], \"a\": {\"x\": \"y\"},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u2023\"}\n");
        assertEquals(List.of("b", "a", "s"), List.copyOf(o.keySet()));
        assertEquals(Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null), o.get("b"));
        assertEquals(Map.of("x", "y"), o.get("a"));
        assertEquals("q\"\\/\b\f\n\r\t\u00e9\u2023", o.get("s"));
        assertNull(JsonReader.parse("null"));
        assertEquals(List.of(), JsonReader.parse("[]"));
        assertEquals(Map.of(), JsonReader.parse("{ }"));
    }

    @Test
    void aLaterDuplicateKeyWinsAsInPython() {
        assertEquals(Map.of("k", "2"), JsonReader.parseObject("{\"k\": \"1\", \"k\": \"2\"}"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\": 1} x", "tru", "\"\\x\"", "\"a\nb\"",
                "{a: 1}", "[\"\\u12\"]", "-"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Not valid JSON at offset"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parseObject("[1]"));
    }

    @Test
    void refusesNestingDeeperThanTheLimitInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 2) + "]".repeat(JsonReader.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(deep));
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertTrue(JsonReader.parse(ok) instanceof List);
    }
}
