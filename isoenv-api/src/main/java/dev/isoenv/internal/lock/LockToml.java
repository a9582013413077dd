package dev.isoenv.internal.lock;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes TOML with Jackson's TOML module (jackson-dataformat-toml), a maintained TOML 1.0 parser and
 * generator; isoenv never parses or escapes TOML by hand.
 *
 * <p>Jackson writes an array of tables as one inline array, which for a lock file would put every package on one
 * line. {@link #write} therefore lets Jackson write each part (the top-level keys, each package's table, the
 * {@code [tool]} table) and puts them under {@code [[packages]]} headers, the layout uv uses; the result is parsed
 * back before it is returned, so a document Jackson cannot read again is never written.
 */
public final class LockToml {
    private static final TomlMapper MAPPER = new TomlMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private LockToml() {
    }

    /**
     * Parses a TOML document.
     *
     * @param text the document
     * @return its top-level table; nested tables are maps, arrays are lists, dates and times are strings
     * @throws IllegalArgumentException if it is not TOML, with the line and column
     */
    public static Map<String, Object> parse(String text) {
        try {
            Map<String, Object> map = MAPPER.readValue(text, MAP);
            return map == null ? Map.of() : map;
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException(e.getOriginalMessage() + where, e);
        }
    }

    /**
     * Writes a lock document.
     *
     * @param top the top-level keys, in order, with simple values (strings, arrays of strings)
     * @param packages one table per {@code [[packages]]} entry, in order
     * @param tool the {@code [tool]} table, or an empty map for none
     * @return the TOML text
     */
    public static String write(Map<String, Object> top, List<Map<String, Object>> packages, Map<String, Object> tool) {
        try {
            Map<String, Object> head = top;
            if (packages.isEmpty() && !top.containsKey("packages")) {
                // PEP 751 requires the key: an environment with nothing installed locks as "packages = []".
                head = new java.util.LinkedHashMap<>(top);
                head.put("packages", List.of());
            }
            StringBuilder b = new StringBuilder(MAPPER.writeValueAsString(head));
            for (Map<String, Object> p : packages) {
                b.append("\n[[packages]]\n").append(MAPPER.writeValueAsString(p));
            }
            if (!tool.isEmpty()) {
                b.append('\n').append(MAPPER.writeValueAsString(Map.of("tool", tool)));
            }
            String text = b.toString().endsWith("\n") ? b.toString() : b + "\n";
            parse(text);
            return text;
        } catch (JacksonException e) {
            throw new IllegalStateException("Cannot write the lock file: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Returns the SHA-256 of bytes in lower-case hexadecimal.
     *
     * @param bytes the bytes
     * @return the digest
     */
    public static String sha256(byte[] bytes) {
        return dev.isoenv.internal.io.Sha256.hex(bytes);
    }

    /**
     * Returns the SHA-256 of a string's UTF-8 bytes.
     *
     * @param text the text
     * @return the digest
     */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
