package dev.isoenv.internal.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a tar stream entry by entry: ustar and old GNU headers, pax extended headers ({@code path}, {@code linkpath},
 * {@code size}) and GNU long names. It only reads; what an entry may do is for the caller to decide.
 */
public final class TarReader implements ArchiveReader {
    /** How many pax or GNU long-name headers may precede one entry. */
    static final int MAX_EXTENDED_HEADERS = 16;
    private static final int BLOCK = 512;

    private final InputStream in;
    private long left;
    private long padding;

    /**
     * Wraps a stream.
     *
     * @param in the tar stream
     */
    public TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next entry's header, skipping what is left of the previous entry's content.
     *
     * @return the entry, or empty at the end of the archive
     * @throws IOException if the stream is not a tar, or ends early
     */
    @Override
    public Optional<Entry> next() throws IOException {
        skip(left + padding);
        left = 0;
        padding = 0;
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        int extended = 0;
        while (true) {
            byte[] h = new byte[BLOCK];
            if (!readFully(h, true)) {
                return Optional.empty();
            }
            if (isZero(h)) {
                return Optional.empty();
            }
            checkSum(h);
            char type = (char) h[156];
            long size = number(h, 124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                if (++extended > MAX_EXTENDED_HEADERS) {
                    // pack writes at most one; a stream of them is a damaged or hostile archive, not a long entry.
                    throw new IOException("more than " + MAX_EXTENDED_HEADERS + " extended headers before one entry");
                }
                byte[] data = content(size);
                if (type == 'x') {
                    pax.putAll(parsePax(data));
                } else if (type == 'L') {
                    longName = cString(data);
                } else if (type == 'K') {
                    longLink = cString(data);
                }
                continue;
            }
            String name = string(h, 0, 100);
            if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r') {
                String prefix = string(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = string(h, 157, 100);
            name = pax.getOrDefault("path", longName != null ? longName : name);
            link = pax.getOrDefault("linkpath", longLink != null ? longLink : link);
            if (pax.containsKey("size")) {
                String text = pax.get("size");
                if (!text.matches("[0-9]{1,18}")) {
                    throw new IOException("a pax size record is not a size: " + excerpt(text));
                }
                size = Long.parseLong(text);
            }
            int mode = (int) (number(h, 100, 8) & 07777);
            long mtime = number(h, 136, 12);
            if (pax.containsKey("mtime")) {
                String text = pax.get("mtime");
                if (!text.matches("-?[0-9]{1,15}(\\.[0-9]{0,18})?")) {
                    throw new IOException("a pax mtime record is not a time: " + excerpt(text));
                }
                mtime = (long) Double.parseDouble(text);
            }
            Type kind = switch (type) {
                case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
                case '5' -> Type.DIRECTORY;
                case '2' -> Type.SYMLINK;
                default -> Type.OTHER;
            };
            if (kind == Type.DIRECTORY || kind == Type.SYMLINK || type == '1') {
                size = kind == Type.DIRECTORY || kind == Type.SYMLINK ? 0 : size;
            }
            while (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (size < 0) {
                throw new IOException("an entry's size is negative: this is not a tar archive, or it is damaged");
            }
            left = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            return Optional.of(new Entry(name, kind, mode, size, kind == Type.SYMLINK || type == '1' ? link : "",
                    mtime));
        }
    }

    /**
     * Returns a stream over the current entry's content, which ends with it; closing it does not close the archive.
     *
     * @return the content
     */
    @Override
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new EOFException("the archive ends inside an entry");
                }
                left -= n;
                return n;
            }
        };
    }

    /** Closes the stream it reads. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private byte[] content(long size) throws IOException {
        if (size < 0 || size > 1 << 20) {
            throw new IOException("an extended header of " + size + " bytes is larger than isoenv reads");
        }
        byte[] data = new byte[(int) size];
        readFully(data, false);
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private static Map<String, String> parsePax(byte[] data) throws IOException {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("a pax record has no length");
            }
            if (space >= data.length || length < space - i + 2 || i + length > data.length
                    || data[i + length - 1] != '\n') {
                throw new IOException("a pax record's length is wrong");
            }
            String record = new String(data, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                out.put(record.substring(0, eq), record.substring(eq + 1));
            }
            i += length;
        }
        return out;
    }

    private static void checkSum(byte[] h) throws IOException {
        long stored = number(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        if (sum != stored) {
            throw new IOException("a header's checksum is wrong: this is not a tar archive, or it is damaged");
        }
    }

    private static long number(byte[] h, int offset, int length) throws IOException {
        if ((h[offset] & 0x80) != 0) {
            // Base-256, big-endian, two's complement: a negative value, or one past a long, is refused.
            if ((h[offset] & 0x40) != 0) {
                throw new IOException("a header's number is negative: this is not a tar archive, or it is damaged");
            }
            long v = h[offset] & 0x3f;
            for (int i = offset + 1; i < offset + length; i++) {
                if ((v >>> 55) != 0) {
                    throw new IOException("a header's number is too large: this is not a tar archive, or it is"
                            + " damaged");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String s = new String(h, offset, length, StandardCharsets.US_ASCII).replace("\0", " ").strip();
        if (s.isEmpty()) {
            return 0;
        }
        if (!s.matches("[0-7]{1,21}")) {
            throw new IOException("a header's number is not octal: this is not a tar archive, or it is damaged");
        }
        return Long.parseLong(s, 8);
    }

    private static String string(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String excerpt(String text) {
        String shown = text.replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
    }

    private static String cString(byte[] data) {
        return string(data, 0, data.length);
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean readFully(byte[] b, boolean endAllowed) throws IOException {
        int done = 0;
        while (done < b.length) {
            int n = in.read(b, done, b.length - done);
            if (n < 0) {
                if (done == 0 && endAllowed) {
                    return false;
                }
                throw new EOFException("the archive ends early");
            }
            done += n;
        }
        return true;
    }

    private void skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        while (n > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (r < 0) {
                throw new EOFException("the archive ends early");
            }
            n -= r;
        }
    }
}
