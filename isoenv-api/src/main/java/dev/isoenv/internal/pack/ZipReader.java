package dev.isoenv.internal.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads a zip archive as {@link ZipWriter} writes it, from its central directory, in that directory's order, with the
 * Unix type and mode of each entry's external attributes ({@link java.util.zip.ZipFile} does not give them). It
 * trusts nothing: every problem is a {@link ZipException}.
 * <ul>
 *   <li>The end of central directory record ends the file, with no comment; its ZIP64 form is read where its
 *       fields say so. The entry count, the central directory's size and its offset must agree with each other and
 *       with what the directory holds, which ends where the end records start.</li>
 *   <li>The entries are laid out one after the other from the file's first byte up to the central directory, in the
 *       directory's order: no gap, no overlap, nothing hidden between them.</li>
 *   <li>Each local header must agree with its central one: name, flags, method, time, CRC and sizes.</li>
 *   <li>No two entries share a name; no encryption, no data descriptor; methods stored and deflate only.</li>
 *   <li>A file's content must inflate to exactly its declared size, with its declared CRC, from exactly its declared
 *       compressed bytes: reading stops as soon as it would pass the size.</li>
 * </ul>
 * Entries made on another system than Unix are a file or, named with a trailing '/', a directory, of mode 0644 or
 * 0755. A link's target (its content) is read with its header, up to {@value #LINK_LIMIT} bytes.
 */
public final class ZipReader implements ArchiveReader {
    static final int LINK_LIMIT = 4096;
    private static final long CENTRAL_LIMIT = 256L << 20;
    private static final int CENTRAL_SIZE = 46;

    private record Central(String name, byte[] nameBytes, int flags, int method, int time, int date, long crc,
                           long compressed, long size, long external, int madeBy, long offset) {
    }

    private final FileChannel channel;
    private final List<Central> entries;
    private final long centralStart;
    private int index;
    private long expectedOffset;
    private Central current;
    private long dataStart;
    private InputStream content;

    /**
     * Opens a zip file and reads its central directory.
     *
     * @param file the zip
     * @throws IOException if it cannot be read; a {@link ZipException} if it is not a zip as isoenv writes them
     */
    public ZipReader(Path file) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long[] central = end();
            centralStart = central[1];
            entries = central(central[0], central[1], central[2]);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The entry count, the central directory's offset and its size. */
    private long[] end() throws IOException {
        long size = channel.size();
        if (size < 22) {
            throw new ZipException("the file is too short to be a zip archive: it is cut short, or not a zip");
        }
        ByteBuffer e = read(size - 22, 22);
        if (e.getInt(0) != ZipWriter.END) {
            throw new ZipException("the zip archive does not end with its end of central directory record: it is cut"
                    + " short, or something was appended to it");
        }
        if (u16(e, 4) != 0 || u16(e, 6) != 0 || u16(e, 20) != 0 || u16(e, 8) != u16(e, 10)) {
            throw new ZipException("the zip archive spans several disks or has a comment");
        }
        long count = u16(e, 10);
        long cdSize = u32(e, 12);
        long cdOffset = u32(e, 16);
        long endOfCentral = size - 22;
        if (count == ZipWriter.COUNT_LIMIT || cdSize == ZipWriter.ZIP64_LIMIT || cdOffset == ZipWriter.ZIP64_LIMIT) {
            if (endOfCentral < 20 + 56) {
                throw new ZipException("the zip archive's ZIP64 end records are missing");
            }
            ByteBuffer locator = read(endOfCentral - 20, 20);
            if (locator.getInt(0) != ZipWriter.LOCATOR64 || locator.getInt(4) != 0 || locator.getInt(16) != 1) {
                throw new ZipException("the zip archive's ZIP64 end of central directory locator is missing");
            }
            long record = locator.getLong(8);
            if (record != endOfCentral - 20 - 56) {
                throw new ZipException("the zip archive's ZIP64 end of central directory record is not where its"
                        + " locator says");
            }
            ByteBuffer r = read(record, 56);
            if (r.getInt(0) != ZipWriter.END64 || r.getLong(4) != 44 || r.getInt(16) != 0 || r.getInt(20) != 0
                    || r.getLong(24) != r.getLong(32)) {
                throw new ZipException("the zip archive's ZIP64 end of central directory record is damaged");
            }
            count = checked(r.getLong(32), count, ZipWriter.COUNT_LIMIT, "entry count");
            cdSize = checked(r.getLong(40), cdSize, ZipWriter.ZIP64_LIMIT, "central directory size");
            cdOffset = checked(r.getLong(48), cdOffset, ZipWriter.ZIP64_LIMIT, "central directory offset");
            endOfCentral = record;
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > endOfCentral || cdSize != endOfCentral - cdOffset) {
            throw new ZipException("the zip archive's central directory is not where its end record says: it is"
                    + " damaged, or data was added to it");
        }
        if (cdSize > CENTRAL_LIMIT || count > cdSize / CENTRAL_SIZE) {
            throw new ZipException("the zip archive's central directory declares " + count + " entries in " + cdSize
                    + " bytes, which isoenv does not read");
        }
        return new long[] {count, cdOffset, cdSize};
    }

    private static long checked(long wide, long narrow, long escape, String what) throws ZipException {
        if (wide < 0 || narrow != escape && narrow != wide) {
            throw new ZipException("the zip archive's " + what + " differs between its end records");
        }
        return wide;
    }

    private List<Central> central(long count, long offset, long size) throws IOException {
        ByteBuffer cd = read(offset, (int) size);
        List<Central> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int at = 0;
        while (at < size) {
            if (size - at < CENTRAL_SIZE || cd.getInt(at) != ZipWriter.CENTRAL) {
                throw new ZipException("the zip archive's central directory is damaged at entry " + (out.size() + 1));
            }
            int madeBy = u16(cd, at + 4);
            int flags = u16(cd, at + 8);
            int method = u16(cd, at + 10);
            int nameLength = u16(cd, at + 28);
            int extraLength = u16(cd, at + 30);
            int commentLength = u16(cd, at + 32);
            if (at + CENTRAL_SIZE + (long) nameLength + extraLength + commentLength > size) {
                throw new ZipException("the zip archive's central directory is damaged at entry " + (out.size() + 1));
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(at + CENTRAL_SIZE, nameBytes);
            String name = utf8(nameBytes, "an entry's name");
            if ((flags & ~ZipWriter.UTF8) != 0) {
                throw new ZipException("the zip archive's entry " + excerpt(name) + " is encrypted or has a data"
                        + " descriptor (flags " + Integer.toHexString(flags) + "), which isoenv does not write");
            }
            if (method != 0 && method != 8) {
                throw new ZipException("the zip archive's entry " + excerpt(name) + " is compressed with method "
                        + method + "; isoenv reads stored and deflated entries");
            }
            if (u16(cd, at + 34) != 0) {
                throw new ZipException("the zip archive's entry " + excerpt(name) + " is on another disk");
            }
            long compressed = u32(cd, at + 20);
            long uncompressed = u32(cd, at + 24);
            long local = u32(cd, at + 42);
            long[] wide = zip64(cd, at + CENTRAL_SIZE + nameLength, extraLength, uncompressed == ZipWriter.ZIP64_LIMIT,
                    compressed == ZipWriter.ZIP64_LIMIT, local == ZipWriter.ZIP64_LIMIT, name);
            uncompressed = wide[0] >= 0 ? wide[0] : uncompressed;
            compressed = wide[1] >= 0 ? wide[1] : compressed;
            local = wide[2] >= 0 ? wide[2] : local;
            if (!names.add(name)) {
                throw new ZipException("the zip archive holds two entries named " + excerpt(name));
            }
            out.add(new Central(name, nameBytes, flags, method, u16(cd, at + 12), u16(cd, at + 14), u32(cd, at + 16),
                    compressed, uncompressed, u32(cd, at + 38), madeBy, local));
            at += CENTRAL_SIZE + nameLength + extraLength + commentLength;
        }
        if (out.size() != count) {
            throw new ZipException("the zip archive's end record declares " + count + " entries, and its central"
                    + " directory holds " + out.size());
        }
        return out;
    }

    /** The ZIP64 size, compressed size and offset an extra field holds, -1 for each it need not hold. */
    private static long[] zip64(ByteBuffer b, int start, int length, boolean size, boolean compressed, boolean offset,
                                String name) throws ZipException {
        long[] out = {-1, -1, -1};
        int at = start;
        int end = start + length;
        boolean found = false;
        while (at < end) {
            if (end - at < 4) {
                throw new ZipException("the zip archive's entry " + excerpt(name) + " has a damaged extra field");
            }
            int id = u16(b, at);
            int n = u16(b, at + 2);
            if (at + 4 + n > end) {
                throw new ZipException("the zip archive's entry " + excerpt(name) + " has a damaged extra field");
            }
            if (id == 1 && !found) {
                found = true;
                int f = at + 4;
                boolean[] wanted = {size, compressed, offset};
                for (int i = 0; i < 3; i++) {
                    if (wanted[i]) {
                        if (f + 8 > at + 4 + n) {
                            throw new ZipException("the zip archive's entry " + excerpt(name) + " has a ZIP64 field"
                                    + " too short for its sizes");
                        }
                        out[i] = b.getLong(f);
                        if (out[i] < 0) {
                            throw new ZipException("the zip archive's entry " + excerpt(name) + " has a negative"
                                    + " size or offset");
                        }
                        f += 8;
                    }
                }
            }
            at += 4 + n;
        }
        if ((size || compressed || offset) && !found) {
            throw new ZipException("the zip archive's entry " + excerpt(name) + " lacks its ZIP64 field");
        }
        return out;
    }

    @Override
    public Optional<Entry> next() throws IOException {
        if (current != null) {
            expectedOffset = dataStart + current.compressed();
        }
        if (content instanceof Content c) {
            c.release();
        }
        content = null;
        if (index >= entries.size()) {
            current = null;
            if (expectedOffset != centralStart) {
                throw new ZipException("the zip archive holds " + (centralStart - expectedOffset) + " bytes between"
                        + " its last entry and its central directory");
            }
            return Optional.empty();
        }
        Central c = entries.get(index++);
        if (c.offset() != expectedOffset) {
            throw new ZipException("the zip archive's entry " + excerpt(c.name()) + " is not where its central"
                    + " directory says (at " + c.offset() + ", after the previous entry's end at " + expectedOffset
                    + "): entries overlap, or data is hidden between them");
        }
        if (c.offset() + 30 > centralStart) {
            throw new ZipException("the zip archive's entry " + excerpt(c.name()) + " starts past its data");
        }
        ByteBuffer h = read(c.offset(), 30);
        int nameLength = u16(h, 26);
        int extraLength = u16(h, 28);
        long compressed = u32(h, 18);
        long size = u32(h, 22);
        if (c.offset() + 30 + nameLength + extraLength > centralStart) {
            throw new ZipException("the zip archive's entry " + excerpt(c.name()) + " has a local header past its"
                    + " data");
        }
        ByteBuffer rest = read(c.offset() + 30, nameLength + extraLength);
        byte[] nameBytes = new byte[nameLength];
        rest.get(0, nameBytes);
        boolean zip64 = compressed == ZipWriter.ZIP64_LIMIT || size == ZipWriter.ZIP64_LIMIT;
        if (zip64) {
            long[] wide = zip64(rest, nameLength, extraLength, true, true, false, c.name());
            size = wide[0];
            compressed = wide[1];
        }
        if (h.getInt(0) != ZipWriter.LOCAL || !java.util.Arrays.equals(nameBytes, c.nameBytes())
                || u16(h, 6) != c.flags() || u16(h, 8) != c.method() || u16(h, 10) != c.time()
                || u16(h, 12) != c.date() || u32(h, 14) != c.crc() || compressed != c.compressed()
                || size != c.size()) {
            throw new ZipException("the zip archive's local header of " + excerpt(c.name()) + " does not agree with"
                    + " its central directory (name, flags, method, time, CRC or sizes)");
        }
        dataStart = c.offset() + 30 + nameLength + extraLength;
        if (c.compressed() > centralStart - dataStart) {
            throw new ZipException("the zip archive's entry " + excerpt(c.name()) + " runs past its data");
        }
        current = c;
        Type type = type(c);
        int mode = (c.madeBy() >>> 8) == 3 ? (int) (c.external() >>> 16 & 07777) : type == Type.DIRECTORY ? 0755
                : 0644;
        String name = c.name();
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        long mtime = dosTime(c.date(), c.time());
        if (type == Type.DIRECTORY) {
            if (c.size() != 0) {
                throw new ZipException("the zip archive's directory " + excerpt(c.name()) + " has content");
            }
            return Optional.of(new Entry(name, type, mode, 0, "", mtime));
        }
        if (type == Type.SYMLINK) {
            if (c.size() > LINK_LIMIT) {
                throw new ZipException("the zip archive's link " + excerpt(c.name()) + " has a target of " + c.size()
                        + " bytes, more than isoenv reads");
            }
            String link = utf8(content().readAllBytes(), "a link's target");
            content = InputStream.nullInputStream();
            return Optional.of(new Entry(name, type, mode, 0, link, mtime));
        }
        return Optional.of(new Entry(name, type, mode, c.size(), "", mtime));
    }

    private static Type type(Central c) {
        if ((c.madeBy() >>> 8) != 3 || (c.external() >>> 16) == 0) {
            return c.name().endsWith("/") ? Type.DIRECTORY : Type.FILE;
        }
        return switch ((int) (c.external() >>> 16 & 0170000)) {
            case 0100000 -> c.name().endsWith("/") ? Type.OTHER : Type.FILE;
            case 0040000 -> Type.DIRECTORY;
            case 0120000 -> Type.SYMLINK;
            default -> Type.OTHER;
        };
    }

    /** DOS date and time as seconds since 1970, read as UTC, as {@link ZipWriter} writes 1980-01-01 00:00. */
    static long dosTime(int date, int time) {
        int year = 1980 + (date >>> 9 & 0x7f);
        int month = Math.max(1, Math.min(12, date >>> 5 & 0xf));
        int day = Math.max(1, Math.min(java.time.YearMonth.of(year, month).lengthOfMonth(), date & 0x1f));
        int hour = Math.min(23, time >>> 11 & 0x1f);
        int minute = Math.min(59, time >>> 5 & 0x3f);
        int second = Math.min(59, (time & 0x1f) * 2);
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                .toEpochSecond(java.time.ZoneOffset.UTC);
    }

    @Override
    public InputStream content() {
        if (content == null) {
            content = current == null ? InputStream.nullInputStream() : new Content(current, dataStart);
        }
        return content;
    }

    @Override
    public void close() throws IOException {
        if (content instanceof Content c) {
            c.release();
        }
        channel.close();
    }

    /** An entry's content, inflated and checked against its declared size and CRC. */
    private final class Content extends InputStream {
        private final Central entry;
        private final Inflater inflater;
        private final CRC32 crc = new CRC32();
        private final byte[] input = new byte[1 << 16];
        private long position;
        private long raw;
        private long produced;
        private boolean done;

        Content(Central entry, long start) {
            this.entry = entry;
            this.position = start;
            this.raw = entry.compressed();
            this.inflater = entry.method() == 8 ? new Inflater(true) : null;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = inflater == null ? stored(b, off, len) : inflated(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            produced += n;
            if (produced > entry.size()) {
                throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " holds more than its"
                        + " declared " + entry.size() + " bytes");
            }
            crc.update(b, off, n);
            return n;
        }

        private int stored(byte[] b, int off, int len) throws IOException {
            if (raw == 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, raw)), position);
            if (n <= 0) {
                throw new EOFException("the zip archive ends inside an entry");
            }
            position += n;
            raw -= n;
            return n;
        }

        private int inflated(byte[] b, int off, int len) throws IOException {
            try {
                while (true) {
                    // One byte past the declared size is enough to know the entry holds more.
                    int n = inflater.inflate(b, off, (int) Math.min(len, entry.size() - produced + 1));
                    if (n > 0) {
                        return n;
                    }
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " needs a"
                                + " preset dictionary");
                    }
                    if (!inflater.needsInput()) {
                        continue;
                    }
                    if (raw == 0) {
                        throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " ends before"
                                + " its compressed data does");
                    }
                    int r = channel.read(ByteBuffer.wrap(input, 0, (int) Math.min(input.length, raw)), position);
                    if (r <= 0) {
                        throw new EOFException("the zip archive ends inside an entry");
                    }
                    position += r;
                    raw -= r;
                    inflater.setInput(input, 0, r);
                }
            } catch (DataFormatException e) {
                throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " is damaged: "
                        + e.getMessage());
            }
        }

        void release() {
            done = true;
            if (inflater != null) {
                inflater.end();
            }
        }

        private void finish() throws IOException {
            done = true;
            if (inflater != null) {
                int left = inflater.getRemaining();
                inflater.end();
                if (left != 0 || raw != 0) {
                    throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " has compressed"
                            + " bytes after its end");
                }
            }
            if (produced != entry.size() || crc.getValue() != entry.crc()) {
                throw new ZipException("the zip archive's entry " + excerpt(entry.name()) + " is damaged: it holds "
                        + produced + " bytes with CRC " + Long.toHexString(crc.getValue()) + ", its header declares "
                        + entry.size() + " bytes with CRC " + Long.toHexString(entry.crc()));
            }
        }
    }

    private ByteBuffer read(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, offset + b.position()) < 0) {
                throw new EOFException("the zip archive ends early");
            }
        }
        return b.flip();
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFF_FFFFL;
    }

    private static String utf8(byte[] bytes, String what) throws ZipException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ZipException("the zip archive has " + what + " that is not UTF-8");
        }
    }

    private static String excerpt(String text) {
        String shown = text.replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
