package dev.isoenv.testing.dist;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads the core metadata inside a distribution file, the {@code *.dist-info/METADATA} of a wheel or the
 * top-level {@code PKG-INFO} of an sdist, to find the header fields an index announces.
 */
final class MetadataReader {
    private static final int BLOCK = 512;
    private static final Pattern WHEEL_METADATA = Pattern.compile("[^/]+\\.dist-info/METADATA");
    private static final Pattern SDIST_METADATA = Pattern.compile("[^/]+/PKG-INFO");

    private MetadataReader() {
    }

    /**
     * Returns the {@code Requires-Python} field of a distribution's metadata, if the file has metadata with one.
     *
     * @param fileName the file name, which tells the archive format
     * @param content the file's bytes
     * @return the specifier
     */
    static Optional<String> requiresPython(String fileName, byte[] content) {
        try {
            Optional<String> metadata;
            if (fileName.endsWith(".whl") || fileName.endsWith(".zip")) {
                metadata = fromZip(content, fileName.endsWith(".whl") ? WHEEL_METADATA : SDIST_METADATA);
            } else if (fileName.endsWith(".tar.gz")) {
                metadata = fromTarGz(content);
            } else {
                metadata = Optional.empty();
            }
            return metadata.flatMap(text -> header(text, "Requires-Python"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metadata in " + fileName, e);
        }
    }

    /**
     * Returns the first value of a header field in core metadata, looking only at the headers, not the body.
     *
     * @param metadata the metadata text
     * @param field the field's name, matched ignoring case
     * @return the value, stripped
     */
    static Optional<String> header(String metadata, String field) {
        for (String line : metadata.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(field)) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fromZip(byte[] content, Pattern path) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (path.matcher(entry.getName()).matches()) {
                    return Optional.of(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fromTarGz(byte[] content) throws IOException {
        try (InputStream tar = new GZIPInputStream(new ByteArrayInputStream(content))) {
            byte[] header = new byte[BLOCK];
            while (tar.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                String octalSize = field(header, 124, 12).strip();
                int size = octalSize.isEmpty() ? 0 : Integer.parseInt(octalSize, 8);
                byte[] data = tar.readNBytes(size);
                tar.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
                if (SDIST_METADATA.matcher(path).matches()) {
                    return Optional.of(new String(data, StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
