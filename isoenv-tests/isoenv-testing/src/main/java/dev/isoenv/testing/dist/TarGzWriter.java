package dev.isoenv.testing.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip-compressed POSIX ustar archive of regular files (mode 0644, a fixed time), the format of source
 * distributions. Paths longer than 100 bytes are split into the ustar prefix and name fields.
 */
final class TarGzWriter {
    private static final int BLOCK = 512;
    private static final long ENTRY_TIME_SECONDS = 1_577_836_800L; // 2020-01-01T00:00:00Z

    private TarGzWriter() {
    }

    /**
     * Writes an archive.
     *
     * @param files the files by archive path, in order
     * @return the {@code .tar.gz} bytes
     */
    static byte[] write(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                gzip.write(header(file.getKey(), file.getValue().length));
                gzip.write(file.getValue());
                gzip.write(new byte[(BLOCK - file.getValue().length % BLOCK) % BLOCK]);
            }
            gzip.write(new byte[2 * BLOCK]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a tar.gz in memory", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] header(String path, int size) {
        byte[] header = new byte[BLOCK];
        byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
        if (pathBytes.length <= 100) {
            put(header, 0, 100, pathBytes);
        } else {
            int split = path.lastIndexOf('/', 155);
            byte[] prefix = split > 0 ? path.substring(0, split).getBytes(StandardCharsets.UTF_8) : new byte[0];
            byte[] name = split > 0 ? path.substring(split + 1).getBytes(StandardCharsets.UTF_8) : pathBytes;
            if (prefix.length > 155 || name.length > 100) {
                throw new IllegalArgumentException("path too long for a ustar archive: " + path);
            }
            put(header, 0, 100, name);
            put(header, 345, 155, prefix);
        }
        putOctal(header, 100, 8, 0644);
        putOctal(header, 108, 8, 0);
        putOctal(header, 116, 8, 0);
        putOctal(header, 124, 12, size);
        putOctal(header, 136, 12, ENTRY_TIME_SECONDS);
        header[156] = '0';
        put(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(header, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        String octal = String.format("%06o", checksum);
        put(header, 148, 8, (octal + "\0 ").getBytes(StandardCharsets.US_ASCII));
        return header;
    }

    private static void putOctal(byte[] header, int offset, int length, long value) {
        String octal = String.format("%0" + (length - 1) + "o", value);
        put(header, offset, length, (octal + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(byte[] header, int offset, int length, byte[] value) {
        System.arraycopy(value, 0, header, offset, Math.min(length, value.length));
    }
}
