package dev.isoenv.internal.pack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a zip archive deterministically, which {@link java.util.zip.ZipOutputStream} cannot: it sets no Unix mode
 * and always writes a timestamp of the time of day, while here every entry has
 * <ul>
 *   <li>the fixed time 1980-01-01 00:00 (DOS time 0, date 0x0021), and no extra field with another time;</li>
 *   <li>"version made by" Unix, and its Unix type and mode in the upper half of the external attributes
 *       ({@code 0100755} for an executable, {@code 040755} for a directory, whose name ends with '/', and
 *       {@code 0120777} for a symbolic link, whose content is its target), so that unpackers that honour them
 *       (Info-ZIP's unzip, Apache Commons Compress, isoenv) restore executables and links;</li>
 *   <li>UTF-8 names (general purpose flag bit 11);</li>
 *   <li>file content compressed with raw deflate at level 6, or stored when empty, and no data descriptor: the CRC
 *       and both sizes are in the local header, because each file is compressed before its header is written (into
 *       memory up to a limit, then into a temporary file in the scratch directory, removed afterwards);</li>
 *   <li>ZIP64 fields only where a value does not fit (a size or offset of 4 GiB or more, 65,535 entries or more):
 *       the ZIP64 extra field in the local and central headers, the ZIP64 end of central directory record and
 *       locator.</li>
 * </ul>
 * Entries are written in the order they are given; the caller sorts them. The same entries give the same bytes with
 * the same deflate implementation (the JDK's zlib).
 */
public final class ZipWriter implements ArchiveWriter {
    static final int LOCAL = 0x04034b50;
    static final int CENTRAL = 0x02014b50;
    static final int END = 0x06054b50;
    static final int END64 = 0x06064b50;
    static final int LOCATOR64 = 0x07064b50;
    /** General purpose flag bit 11: the name is UTF-8. */
    static final int UTF8 = 0x0800;
    /** DOS date of 1980-01-01: year 0 from 1980, month 1, day 1. */
    static final int DOS_DATE = (1 << 5) | 1;
    /** Version made by: Unix (3) in the upper byte, specification 4.5 in the lower. */
    static final int MADE_BY = (3 << 8) | 45;
    static final int LEVEL = 6;
    /** Where a 32-bit field no longer holds a value and ZIP64 takes over. */
    static final long ZIP64_LIMIT = 0xFFFF_FFFFL;
    static final int COUNT_LIMIT = 0xFFFF;

    private record Central(byte[] name, int version, int method, long crc, long compressed, long size, int external,
                           long offset) {
    }

    private final OutputStream out;
    private final Path scratch;
    private final long zip64Limit;
    private final int memoryLimit;
    private final List<Central> entries = new ArrayList<>();
    private final Deflater deflater = new Deflater(LEVEL, true);
    private long offset;

    /**
     * Wraps a stream.
     *
     * @param out where the zip goes; closed with this writer
     * @param scratch a directory for the temporary file that holds a large file's compressed content
     */
    public ZipWriter(OutputStream out, Path scratch) {
        this(out, scratch, ZIP64_LIMIT, 8 << 20);
    }

    /**
     * Wraps a stream, with the limits lowered for tests.
     *
     * @param zip64Limit the value from which a size, offset or count is written in ZIP64 form
     * @param memoryLimit the compressed bytes of one file held in memory before they go to a temporary file
     */
    ZipWriter(OutputStream out, Path scratch, long zip64Limit, int memoryLimit) {
        this.out = out;
        this.scratch = scratch;
        this.zip64Limit = zip64Limit;
        this.memoryLimit = memoryLimit;
    }

    @Override
    public void directory(String path, int mode) throws IOException {
        entry(path + "/", 0, 0, 0, 0, 0040000 | mode & 07777, null, 0x10);
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        byte[] link = target.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(link);
        Spill data = new Spill();
        data.write(link, 0, link.length);
        entry(path, 0, crc.getValue(), link.length, link.length, 0120777, data, 0);
    }

    @Override
    public void file(String path, int mode, byte[] content) throws IOException {
        file(path, mode, content.length, new java.io.ByteArrayInputStream(content));
    }

    @Override
    public void file(String path, int mode, long size, InputStream content) throws IOException {
        int unix = 0100000 | mode & 07777;
        try (Spill data = new Spill()) {
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[1 << 16];
            byte[] compressed = new byte[1 << 16];
            deflater.reset();
            long left = size;
            while (left > 0) {
                int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(path + " became shorter while it was written to the archive");
                }
                crc.update(buffer, 0, n);
                deflater.setInput(buffer, 0, n);
                while (!deflater.needsInput()) {
                    data.write(compressed, 0, deflater.deflate(compressed));
                }
                left -= n;
            }
            if (content.read() >= 0) {
                throw new IOException(path + " became longer while it was written to the archive");
            }
            if (size == 0) {
                entry(path, 0, 0, 0, 0, unix, null, 0);
                return;
            }
            deflater.finish();
            while (!deflater.finished()) {
                data.write(compressed, 0, deflater.deflate(compressed));
            }
            entry(path, Deflater.DEFLATED, crc.getValue(), data.size(), size, unix, data, 0);
        }
    }

    private void entry(String name, int method, long crc, long compressed, long size, int unix, Spill data,
                       int dos) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 0xFFFF) {
            throw new IOException("an entry's name is longer than a zip can hold: " + name.substring(0, 80) + "...");
        }
        boolean zip64 = compressed >= zip64Limit || size >= zip64Limit;
        int version = zip64 ? 45 : method == Deflater.DEFLATED ? 20 : 10;
        Le h = new Le();
        h.i32(LOCAL).i16(version).i16(UTF8).i16(method).i16(0).i16(DOS_DATE).i32(crc)
                .i32(zip64 ? ZIP64_LIMIT : compressed).i32(zip64 ? ZIP64_LIMIT : size).i16(nameBytes.length)
                .i16(zip64 ? 20 : 0).bytes(nameBytes);
        if (zip64) {
            h.i16(1).i16(16).i64(size).i64(compressed);
        }
        write(h.toByteArray());
        if (data != null) {
            offset += data.copyTo(out);
        }
        entries.add(new Central(nameBytes, version, method, crc, compressed, size, unix << 16 | dos,
                offset - h.size() - compressed));
    }

    /** Writes the central directory and the end records, then closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            long start = offset;
            for (Central c : entries) {
                boolean bigSize = c.size() >= zip64Limit;
                boolean bigCompressed = c.compressed() >= zip64Limit;
                boolean bigOffset = c.offset() >= zip64Limit;
                Le extra = new Le();
                if (bigSize || bigCompressed || bigOffset) {
                    Le fields = new Le();
                    if (bigSize) {
                        fields.i64(c.size());
                    }
                    if (bigCompressed) {
                        fields.i64(c.compressed());
                    }
                    if (bigOffset) {
                        fields.i64(c.offset());
                    }
                    extra.i16(1).i16(fields.size()).bytes(fields.toByteArray());
                }
                int version = extra.size() > 0 ? 45 : c.version();
                Le h = new Le();
                h.i32(CENTRAL).i16(MADE_BY).i16(version).i16(UTF8).i16(c.method()).i16(0).i16(DOS_DATE)
                        .i32(c.crc()).i32(bigCompressed ? ZIP64_LIMIT : c.compressed())
                        .i32(bigSize ? ZIP64_LIMIT : c.size()).i16(c.name().length).i16(extra.size()).i16(0)
                        .i16(0).i16(0).i32(c.external() & 0xFFFF_FFFFL).i32(bigOffset ? ZIP64_LIMIT : c.offset())
                        .bytes(c.name()).bytes(extra.toByteArray());
                write(h.toByteArray());
            }
            long size = offset - start;
            long count = entries.size();
            boolean zip64 = count >= Math.min(COUNT_LIMIT, zip64Limit) || size >= zip64Limit || start >= zip64Limit;
            Le end = new Le();
            if (zip64) {
                long record = offset;
                end.i32(END64).i64(44).i16(MADE_BY).i16(45).i32(0).i32(0).i64(count).i64(count).i64(size)
                        .i64(start);
                end.i32(LOCATOR64).i32(0).i64(record).i32(1);
            }
            end.i32(END).i16(0).i16(0).i16(zip64 ? COUNT_LIMIT : count).i16(zip64 ? COUNT_LIMIT : count)
                    .i32(zip64 ? ZIP64_LIMIT : size).i32(zip64 ? ZIP64_LIMIT : start).i16(0);
            write(end.toByteArray());
        } finally {
            deflater.end();
            out.close();
        }
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        offset += bytes.length;
    }

    /** A little-endian byte builder. */
    static final class Le extends ByteArrayOutputStream {
        Le i16(long v) {
            write((int) v);
            write((int) (v >>> 8));
            return this;
        }

        Le i32(long v) {
            return i16(v & 0xFFFF).i16(v >>> 16 & 0xFFFF);
        }

        Le i64(long v) {
            return i32(v & 0xFFFF_FFFFL).i32(v >>> 32);
        }

        Le bytes(byte[] b) {
            writeBytes(b);
            return this;
        }
    }

    /** Compressed bytes, in memory up to the limit, then in a temporary file. */
    private final class Spill implements AutoCloseable {
        private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream fileOut;
        private long size;

        void write(byte[] b, int off, int len) throws IOException {
            if (fileOut == null && memory.size() + (long) len > memoryLimit) {
                file = Files.createTempFile(scratch, ".isoenv-zip-", ".tmp");
                fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                memory.writeTo(fileOut);
                memory.reset();
            }
            if (fileOut != null) {
                fileOut.write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
            size += len;
        }

        long size() {
            return size;
        }

        long copyTo(OutputStream to) throws IOException {
            if (fileOut == null) {
                memory.writeTo(to);
                return size;
            }
            fileOut.close();
            fileOut = null;
            try (InputStream in = Files.newInputStream(file)) {
                long copied = in.transferTo(to);
                if (copied != size) {
                    throw new IOException("the temporary file " + file + " changed while the archive was written");
                }
            }
            return size;
        }

        @Override
        public void close() throws IOException {
            if (fileOut != null) {
                fileOut.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
