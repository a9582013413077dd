package dev.isoenv.testing.dist;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the zip archive of a wheel: the given files in order, then a {@code RECORD} in the {@code .dist-info}
 * directory that lists every file with its {@code sha256=} digest (URL-safe base64 without padding) and size, and
 * itself without either. Entry times are fixed, so the same input gives the same bytes.
 */
final class WheelArchive {
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);

    private WheelArchive() {
    }

    /**
     * Writes a wheel.
     *
     * @param files the files by archive path, in the order to write them; the {@code .dist-info} files last
     * @param distInfoDirectory the {@code .dist-info} directory name, such as {@code demo-1.0.dist-info}
     * @return the archive's bytes
     */
    static byte[] write(Map<String, byte[]> files, String distInfoDirectory) {
        String recordPath = distInfoDirectory + "/RECORD";
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        all.put(recordPath, record(files, recordPath).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> file : all.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a wheel in memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Renders a RECORD file, one CSV row per file and a last row for the RECORD itself.
     *
     * @param files the files by archive path
     * @param recordPath the RECORD's own archive path
     * @return the RECORD text
     */
    static String record(Map<String, byte[]> files, String recordPath) {
        StringBuilder csv = new StringBuilder();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            csv.append(csvField(file.getKey())).append(",sha256=").append(recordDigest(file.getValue())).append(',')
                    .append(file.getValue().length).append('\n');
        }
        return csv.append(csvField(recordPath)).append(",,\n").toString();
    }

    /**
     * Returns a RECORD digest: SHA-256 in URL-safe base64 without {@code =} padding.
     *
     * @param content the bytes
     * @return the digest
     */
    static String recordDigest(byte[] content) {
        return BaseEncoding.base64Url().omitPadding().encode(Hashing.sha256().hashBytes(content).asBytes());
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
