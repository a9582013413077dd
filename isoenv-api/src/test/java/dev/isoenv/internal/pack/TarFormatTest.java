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
}
