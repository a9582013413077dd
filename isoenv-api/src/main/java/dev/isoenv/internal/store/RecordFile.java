package dev.isoenv.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A distribution's {@code RECORD} file (the wheel specification's CSV of path, hash and size): each file the
 * installer put in place, its declared {@code sha256=} hash (URL-safe base64 without padding) and size. Files pip
 * generates without a declared hash, such as compiled bytecode and {@code RECORD} itself, have none.
 */
final class RecordFile {
    /** One line of RECORD. */
    static final class Entry {
        private final String path;
        private final String hash;
        private final long size;

        Entry(String path, String hash, long size) {
            this.path = path;
            this.hash = hash;
            this.size = size;
        }

        /** The path, relative to site-packages, with forward slashes as RECORD writes them. */
        String path() {
            return path;
        }

        /** The declared SHA-256 as lower-case hex, if RECORD declares one. */
        Optional<String> sha256() {
            if (hash == null || !hash.startsWith("sha256=")) {
                return Optional.empty();
            }
            try {
                byte[] bytes = java.util.Base64.getUrlDecoder().decode(hash.substring(7));
                return bytes.length == 32 ? Optional.of(java.util.HexFormat.of().formatHex(bytes)) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** Whether RECORD declares a hash of another algorithm or a malformed one, which isoenv cannot check. */
        boolean hasUncheckableHash() {
            return hash != null && !hash.isEmpty() && sha256().isEmpty();
        }

        /** The declared size, or -1. */
        long size() {
            return size;
        }
    }

    private RecordFile() {
    }

    /**
     * Reads a RECORD file.
     *
     * @param file the file
     * @return its entries
     * @throws IOException if it cannot be read or a line is not valid CSV of three fields
     */
    static List<Entry> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static List<Entry> parse(String text) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields.size() != 3 || fields.get(0).isEmpty()) {
                throw new IOException("RECORD line is not path,hash,size: " + line);
            }
            long size = -1;
            if (!fields.get(2).isEmpty()) {
                try {
                    size = Long.parseLong(fields.get(2));
                } catch (NumberFormatException e) {
                    throw new IOException("RECORD line has a size that is not a number: " + line, e);
                }
            }
            entries.add(new Entry(fields.get(0), fields.get(1), size));
        }
        return entries;
    }

    /** Splits one CSV line (Python's csv module's default dialect: quotes around fields with commas or quotes). */
    private static List<String> fields(String line) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IOException("RECORD line has an unclosed quote: " + line);
        }
        fields.add(field.toString());
        return fields;
    }
}
