package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a POSIX tar stream (ustar headers; a pax extended header before an entry whose name, link target or size does
 * not fit ustar) with fixed owner, group and timestamp, so that the same entries give the same bytes. Entries are
 * written in the order they are given; the caller sorts them.
 */
public final class TarWriter implements ArchiveWriter {
    private static final int BLOCK = 512;
    private static final long USTAR_MAX_SIZE = 077777777777L;

    private final OutputStream out;
    private long written;

    /**
     * Wraps a stream.
     *
     * @param out where the tar goes; closed with this writer
     */
    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes a directory entry.
     *
     * @param path the entry's path, relative, '/'-separated, without a trailing '/'
     * @param mode the permission bits
     * @throws IOException if writing fails
     */
    @Override
    public void directory(String path, int mode) throws IOException {
        header(path + "/", mode, 0, '5', "");
    }

    /**
     * Writes a symbolic link entry.
     *
     * @param path the entry's path
     * @param target the link's target, as it is
     * @throws IOException if writing fails
     */
    @Override
    public void symlink(String path, String target) throws IOException {
        header(path, 0777, 0, '2', target);
    }

    /**
     * Writes a regular file entry from bytes.
     *
     * @param path the entry's path
     * @param mode the permission bits
     * @param content the content
     * @throws IOException if writing fails
     */
    @Override
    public void file(String path, int mode, byte[] content) throws IOException {
        header(path, mode, content.length, '0', "");
        write(content, content.length);
        pad(content.length);
    }

    /**
     * Writes a regular file entry from a stream of a known size.
     *
     * @param path the entry's path
     * @param mode the permission bits
     * @param size the number of bytes the stream gives
     * @param content the content
     * @throws IOException if writing fails, or the stream gives another number of bytes
     */
    @Override
    public void file(String path, int mode, long size, InputStream content) throws IOException {
        header(path, mode, size, '0', "");
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException(path + " became shorter while it was written to the archive");
            }
            write(buffer, n);
            left -= n;
        }
        if (content.read() >= 0) {
            throw new IOException(path + " became longer while it was written to the archive");
        }
        pad(size);
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        boolean longName = nameBytes.length > 100 || !isAscii(name);
        boolean longLink = linkBytes.length > 100 || !isAscii(link);
        boolean bigSize = size > USTAR_MAX_SIZE;
        if (longName || longLink || bigSize) {
            StringBuilder pax = new StringBuilder();
            if (longName) {
                pax.append(record("path", name));
            }
            if (longLink) {
                pax.append(record("linkpath", link));
            }
            if (bigSize) {
                pax.append(record("size", Long.toString(size)));
            }
            byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
            block("././@PaxHeader", 0644, records.length, 'x', new byte[0]);
            write(records, records.length);
            pad(records.length);
        }
        block(longName ? ascii(name, 100) : name, mode, bigSize ? 0 : size, type,
                longLink ? ascii(link, 100).getBytes(StandardCharsets.US_ASCII) : linkBytes);
    }

    private void block(String name, int mode, long size, char type, byte[] link) throws IOException {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        write(h, BLOCK);
    }

    /** A pax record: "LEN key=value\n", where LEN counts the whole record, its own digits included. */
    static String record(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80 || s.charAt(i) == 0) {
                return false;
            }
        }
        return true;
    }

    /** An ASCII stand-in for a name a pax record carries, for readers that ignore pax. */
    private static String ascii(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c < 0x80 && c != 0 ? c : '_');
        }
        return b.toString();
    }

    private static void put(byte[] h, int offset, int length, byte[] value) {
        System.arraycopy(value, 0, h, offset, Math.min(length, value.length));
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        put(h, offset, length - 1, padded.getBytes(StandardCharsets.US_ASCII));
        h[offset + length - 1] = 0;
    }

    private void write(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
        written += length;
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            write(new byte[BLOCK - rest], BLOCK - rest);
        }
    }

    /** Writes the two zero blocks that end a tar, then closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            write(new byte[2 * BLOCK], 2 * BLOCK);
            // Whole records of 20 blocks, as tar(1) writes them.
            long record = 20L * BLOCK;
            long rest = written % record;
            if (rest != 0) {
                write(new byte[(int) (record - rest)], (int) (record - rest));
            }
        } finally {
            out.close();
        }
    }
}
