package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tar writer and reader: what one writes the other reads back, long and non-ASCII names included. */
class TarFormatTest {
    private static byte[] write(String longName, String longLink, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(out)) {
            tar.directory("lib", 0755);
            tar.file("lib/a.py", 0644, "print(1)\n".getBytes(StandardCharsets.UTF_8));
            tar.file(longName, 0755, content.length, new ByteArrayInputStream(content));
            tar.symlink("bin/python", longLink);
        }
        return out.toByteArray();
    }

    @Test
    void whatIsWrittenIsReadBackWithLongAndNonAsciiNames() throws IOException {
        String longName = "lib/python3.11/site-packages/" + "very_long_directory_name/".repeat(8) + "módulo.py";
        String longLink = "/opt/" + "x".repeat(120) + "/bin/python3.11";
        byte[] content = new byte[70_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        byte[] tar = write(longName, longLink, content);
        assertEquals(0, tar.length % (20 * 512), "whole records");

        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        List<TarReader.Entry> entries = new ArrayList<>();
        byte[] read = null;
        for (var e = reader.next(); e.isPresent(); e = reader.next()) {
            entries.add(e.get());
            if (e.get().name().equals(longName)) {
                read = reader.content().readAllBytes();
            }
        }
        assertEquals(List.of(
                new TarReader.Entry("lib", TarReader.Type.DIRECTORY, 0755, 0, "", TarWriter.MTIME),
                new TarReader.Entry("lib/a.py", TarReader.Type.FILE, 0644, 9, "", TarWriter.MTIME),
                new TarReader.Entry(longName, TarReader.Type.FILE, 0755, content.length, "", TarWriter.MTIME),
                new TarReader.Entry("bin/python", TarReader.Type.SYMLINK, 0777, 0, longLink, TarWriter.MTIME)),
                entries);
        assertArrayEquals(content, read);
    }

    @Test
    void theSameEntriesGiveTheSameBytes() throws IOException {
        assertArrayEquals(write("a/b", "c", new byte[] {1, 2}), write("a/b", "c", new byte[] {1, 2}));
    }

    @Test
    void aPaxRecordCountsItsOwnLength() {
        for (int n = 80; n < 120; n++) {
            String record = TarWriter.record("path", "p".repeat(n));
            int declared = Integer.parseInt(record.substring(0, record.indexOf(' ')));
            assertEquals(record.getBytes(StandardCharsets.UTF_8).length, declared, record);
        }
    }

    @Test
    void aDamagedHeaderIsRefused() throws IOException {
        byte[] tar = write("a/b", "c", new byte[] {1});
        tar[10] ^= 1;
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(tar)).next());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aStreamShorterThanItsSizeIsRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        assertThrows(IOException.class, () -> tar.file("a", 0644, 10, new ByteArrayInputStream(new byte[5])));
    }
    /** A ustar header for {@code name} of {@code type}, with the size field's 12 bytes given, and its checksum. */
    private static byte[] header(String name, char type, byte[] sizeField) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        System.arraycopy("0000644\0".getBytes(StandardCharsets.US_ASCII), 0, h, 100, 8);
        System.arraycopy(sizeField, 0, h, 124, 12);
        h[156] = (byte) type;
        System.arraycopy(("ustar" + (char) 0 + "00").getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        System.arraycopy(String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 8);
        return h;
    }

    private static byte[] octal(long size) {
        return String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII);
    }

    private static IOException refused(byte[]... blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : blocks) {
            out.writeBytes(b);
            out.writeBytes(new byte[(512 - b.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return assertThrows(IOException.class, () -> {
            TarReader reader = new TarReader(new ByteArrayInputStream(out.toByteArray()));
            while (reader.next().isPresent()) {
                reader.content().readAllBytes();
            }
        });
    }

    @Test
    void negativeAndOutOfRangeSizesAreRefused() {
        refused(header("x", '0', "-0000000001\0".getBytes(StandardCharsets.US_ASCII)));
        refused(header("x", '0', "+0000000001\0".getBytes(StandardCharsets.US_ASCII)));
        byte[] negative = new byte[12];
        java.util.Arrays.fill(negative, (byte) 0xff);
        refused(header("x", '0', negative));
        byte[] huge = new byte[12];
        huge[0] = (byte) 0x80;
        huge[3] = 1;
        refused(header("x", '0', huge));
        byte[] pax = "11 size=-5\n".getBytes(StandardCharsets.UTF_8);
        refused(header("pax", 'x', octal(pax.length)), pax, header("x", '0', octal(0)));
        byte[] nan = "13 mtime=NaN\n".getBytes(StandardCharsets.UTF_8);
        refused(header("pax", 'x', octal(nan.length)), nan, header("x", '0', octal(0)));
        refused(header("x", 'x', octal(-1 & 0x3fffffffL)));
    }

    @Test
    void malformedPaxRecordsAreRefused() {
        for (String record : List.of("3 a\n", "2 \n", "9 path=x", "99 path=x\n", "x path=x\n")) {
            byte[] pax = record.getBytes(StandardCharsets.UTF_8);
            refused(header("pax", 'x', octal(pax.length)), pax, header("x", '0', octal(0)));
        }
    }

    @Test
    void aRunOfExtendedHeadersIsRefusedWhileAFewAreRead() throws IOException {
        byte[] pax = "12 path=abc\n".getBytes(StandardCharsets.UTF_8);
        java.util.List<byte[]> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < TarReader.MAX_EXTENDED_HEADERS + 1; i++) {
            blocks.add(header("pax", 'x', octal(pax.length)));
            blocks.add(pax);
        }
        blocks.add(header("x", '0', octal(0)));
        IOException e = refused(blocks.toArray(byte[][]::new));
        assertTrue(e.getMessage().contains("extended headers"), e.getMessage());

        // As many as allowed are read, and the last path wins.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < TarReader.MAX_EXTENDED_HEADERS; i++) {
            out.writeBytes(header("pax", 'x', octal(pax.length)));
            out.writeBytes(pax);
            out.writeBytes(new byte[512 - pax.length]);
        }
        out.writeBytes(header("x", '0', octal(0)));
        out.writeBytes(new byte[1024]);
        assertEquals("abc", new TarReader(new ByteArrayInputStream(out.toByteArray())).next().orElseThrow().name());
    }
}
