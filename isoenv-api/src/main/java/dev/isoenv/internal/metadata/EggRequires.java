package dev.isoenv.internal.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads an {@code .egg-info/requires.txt}, whose sections ({@code [extra]}, {@code [:marker]},
 * {@code [extra:marker]}) hold requirements, into {@code Requires-Dist} form with markers.
 */
final class EggRequires {
    private EggRequires() {
    }

    /**
     * Reads the file.
     *
     * @param file the {@code requires.txt}
     * @return the requirements, in {@code Requires-Dist} form with markers (none when the file is absent), or
     *         empty when the file exists but cannot be read
     */
    static Optional<List<String>> read(Path file) {
        List<String> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return Optional.of(out);
        }
        List<String> lines;
        try {
            // Bytes that are not UTF-8 are replaced: a name or comment in Latin-1 must not hide the requirements.
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        } catch (IOException e) {
            return Optional.empty();
        }
        String marker = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String section = line.substring(1, line.length() - 1);
                int colon = section.indexOf(':');
                String extra = colon < 0 ? section : section.substring(0, colon);
                String condition = colon < 0 ? "" : section.substring(colon + 1);
                List<String> parts = new ArrayList<>();
                if (!extra.isBlank()) {
                    parts.add("extra == \"" + extra.strip() + "\"");
                }
                if (!condition.isBlank()) {
                    parts.add("(" + condition.strip() + ")");
                }
                marker = parts.isEmpty() ? null : String.join(" and ", parts);
                continue;
            }
            out.add(marker == null ? line : line + "; " + marker);
        }
        return Optional.of(out);
    }
}
