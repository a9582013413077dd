package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip writer and reader: what one writes the other reads back (and the JDK's own {@link ZipFile} too), with the
 * fields a Unix unpacker needs, the same bytes for the same entries, ZIP64 where a value does not fit, and hostile
 * zips refused.
 */
class ZipFormatTest {
    @TempDir
    Path tmp;

    private static final String LONG_NAME = "lib/python3.11/site-packages/" + "very_long_directory_name/".repeat(8)
            + "módulo.py";
    private static final byte[] BIG = content(300_000);

    private static byte[] content(int size) {
        byte[] b = new byte[size];
        Random random = new Random(7);
        for (int i = 0; i < size; i++) {
            // Compressible, but not trivially: deflate's output is well over the small memory limit below.
            b[i] = (byte) (i % 7 == 0 ? random.nextInt(256) : i);
        }
        return b;
    }

    /** The standard entries: a directory, small, empty and big files, an executable, a link. */
    private byte[] write(long zip64Limit, int memoryLimit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipWriter zip = new ZipWriter(out, tmp, zip64Limit, memoryLimit)) {
            zip.file("isoenv-pack.json", 0644, "{}\n".getBytes(StandardCharsets.UTF_8));
            zip.directory("bin", 0755);
            zip.file("bin/tool", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
            zip.symlink("bin/python", "/opt/python/bin/python3.11");
            zip.file("empty.txt", 0644, new byte[0]);
            zip.file(LONG_NAME, 0644, BIG.length, new ByteArrayInputStream(BIG));
        }
        return out.toByteArray();
    }

    private byte[] write() throws IOException {
        return write(ZipWriter.ZIP64_LIMIT, 8 << 20);
    }

    private Path file(byte[] zip) throws IOException {
        return Files.write(Files.createTempFile(tmp, "archive", ".zip"), zip);
    }

    private record Read(List<ArchiveReader.Entry> entries, Map<String, byte[]> contents) {
    }

    private Read read(byte[] zip) throws IOException {
        List<ArchiveReader.Entry> entries = new ArrayList<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (ZipReader reader = new ZipReader(file(zip))) {
            for (var e = reader.next(); e.isPresent(); e = reader.next()) {
                entries.add(e.get());
                if (e.get().type() == ArchiveReader.Type.FILE) {
                    contents.put(e.get().name(), reader.content().readAllBytes());
                }
            }
        }
        return new Read(entries, contents);
    }

    private static final List<ArchiveReader.Entry> EXPECTED = List.of(
            new ArchiveReader.Entry("isoenv-pack.json", ArchiveReader.Type.FILE, 0644, 3, "", ArchiveWriter.MTIME),
            new ArchiveReader.Entry("bin", ArchiveReader.Type.DIRECTORY, 0755, 0, "", ArchiveWriter.MTIME),
            new ArchiveReader.Entry("bin/tool", ArchiveReader.Type.FILE, 0755, 18, "", ArchiveWriter.MTIME),
            new ArchiveReader.Entry("bin/python", ArchiveReader.Type.SYMLINK, 0777, 0, "/opt/python/bin/python3.11",
                    ArchiveWriter.MTIME),
            new ArchiveReader.Entry("empty.txt", ArchiveReader.Type.FILE, 0644, 0, "", ArchiveWriter.MTIME),
            new ArchiveReader.Entry(LONG_NAME, ArchiveReader.Type.FILE, 0644, BIG.length, "", ArchiveWriter.MTIME));

    @Test
    void whatIsWrittenIsReadBackWithModesLinksAndNonAsciiNames() throws IOException {
        Read read = read(write());
        assertEquals(EXPECTED, read.entries());
        assertArrayEquals(BIG, read.contents().get(LONG_NAME));
        assertEquals("#!/bin/sh\necho hi\n", new String(read.contents().get("bin/tool"), StandardCharsets.UTF_8));
        assertEquals(0, read.contents().get("empty.txt").length);
    }

    @Test
    void theJdksZipFileReadsItToo() throws IOException {
        try (ZipFile jdk = new ZipFile(file(write()).toFile(), StandardCharsets.UTF_8)) {
            List<String> names = Collections.list(jdk.entries()).stream().map(java.util.zip.ZipEntry::getName)
                    .toList();
            assertEquals(List.of("isoenv-pack.json", "bin/", "bin/tool", "bin/python", "empty.txt", LONG_NAME), names);
            assertArrayEquals(BIG, jdk.getInputStream(jdk.getEntry(LONG_NAME)).readAllBytes());
            assertEquals("/opt/python/bin/python3.11", new String(jdk.getInputStream(jdk.getEntry("bin/python"))
                    .readAllBytes(), StandardCharsets.UTF_8), "a link's content is its target");
            assertTrue(jdk.getEntry("bin/").isDirectory());
            assertEquals(0, jdk.getEntry("bin/tool").getExtra() == null ? 0 : jdk.getEntry("bin/tool").getExtra().length,
                    "no extra field (no extended timestamp)");
        }
    }

    /** The fields of each central header that an unpacker reads: made by Unix, the Unix mode, DOS time 0. */
    @Test
    void eachEntryCarriesItsUnixTypeAndModeAndTheFixedTime() throws IOException {
        byte[] zip = write();
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(ZipWriter.LOCAL, b.getInt(0), "the first entry starts the file");
        assertEquals("isoenv-pack.json", new String(zip, 30, b.getShort(26), StandardCharsets.UTF_8),
                "the manifest is the first entry");
        int end = zip.length - 22;
        assertEquals(ZipWriter.END, b.getInt(end));
        int at = b.getInt(end + 16);
        Map<String, int[]> fields = new LinkedHashMap<>();
        for (int i = 0; i < b.getShort(end + 10); i++) {
            assertEquals(ZipWriter.CENTRAL, b.getInt(at));
            int nameLength = b.getShort(at + 28) & 0xffff;
            String name = new String(zip, at + 46, nameLength, StandardCharsets.UTF_8);
            fields.put(name, new int[] {b.getShort(at + 4) & 0xffff, b.getShort(at + 8) & 0xffff,
                b.getShort(at + 10) & 0xffff, b.getShort(at + 12) & 0xffff, b.getShort(at + 14) & 0xffff,
                b.getShort(at + 30) & 0xffff, b.getInt(at + 38)});
            at += 46 + nameLength + (b.getShort(at + 30) & 0xffff) + (b.getShort(at + 32) & 0xffff);
        }
        // made by, flags, method, time, date, extra length, external attributes
        assertArrayEquals(new int[] {0x032D, 0x0800, 8, 0, 0x21, 0, 0100755 << 16}, fields.get("bin/tool"));
        assertArrayEquals(new int[] {0x032D, 0x0800, 0, 0, 0x21, 0, 040755 << 16 | 0x10}, fields.get("bin/"));
        assertArrayEquals(new int[] {0x032D, 0x0800, 0, 0, 0x21, 0, 0120777 << 16}, fields.get("bin/python"));
        assertArrayEquals(new int[] {0x032D, 0x0800, 0, 0, 0x21, 0, 0100644 << 16}, fields.get("empty.txt"));
        assertArrayEquals(new int[] {0x032D, 0x0800, 8, 0, 0x21, 0, 0100644 << 16}, fields.get(LONG_NAME));
        assertEquals(315_532_800L, ZipReader.dosTime(0x21, 0), "DOS time 0 is the archive's fixed timestamp");
    }

    @Test
    void theSameEntriesGiveTheSameBytesInMemoryOrThroughATemporaryFile() throws IOException {
        byte[] first = write();
        assertArrayEquals(first, write());
        // A memory limit of 1 KiB sends the big file's compressed bytes through a temporary file: same bytes.
        assertArrayEquals(first, write(ZipWriter.ZIP64_LIMIT, 1024));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".isoenv-zip-")).toList(),
                    "the temporary file is removed");
        }
    }

    /** ZIP64 forced with a limit of 100: sizes, offsets and the entry count all take their ZIP64 form. */
    @Test
    void zip64IsWrittenWhereAValueDoesNotFitAndReadBack() throws IOException {
        byte[] zip = write(100, 8 << 20);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22;
        assertEquals(ZipWriter.LOCATOR64, b.getInt(end - 20));
        assertEquals(ZipWriter.END64, b.getInt(end - 20 - 56));
        assertEquals(0xFFFF, b.getShort(end + 10) & 0xffff);
        assertEquals(EXPECTED.size(), b.getLong(end - 20 - 56 + 32));
        assertEquals(EXPECTED, read(zip).entries());
        assertArrayEquals(BIG, read(zip).contents().get(LONG_NAME));
        try (ZipFile jdk = new ZipFile(file(zip).toFile(), StandardCharsets.UTF_8)) {
            assertEquals(EXPECTED.size(), jdk.size());
            assertArrayEquals(BIG, jdk.getInputStream(jdk.getEntry(LONG_NAME)).readAllBytes());
        }
        // Without ZIP64, none of it.
        byte[] plain = write();
        assertFalse(ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getInt(plain.length - 42)
                == ZipWriter.LOCATOR64);
    }

    private ZipException refused(byte[] zip) {
        return assertThrows(ZipException.class, () -> read(zip));
    }

    private static int find(byte[] zip, int signature, int from) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i + 4 <= zip.length; i++) {
            if (b.getInt(i) == signature) {
                return i;
            }
        }
        throw new AssertionError("no signature " + Integer.toHexString(signature));
    }

    private static void putInt(byte[] zip, int at, int value) {
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    @Test
    void aLocalHeaderThatDisagreesWithTheCentralDirectoryIsRefused() throws IOException {
        byte[] zip = write();
        int tool = find(zip, ZipWriter.LOCAL, find(zip, ZipWriter.LOCAL, 1) + 1);
        byte[] crc = zip.clone();
        crc[tool + 14] ^= 1;
        assertTrue(refused(crc).getMessage().contains("does not agree with its central directory"));
        byte[] flags = zip.clone();
        flags[tool + 6] = 0;
        flags[tool + 7] = 0;
        assertTrue(refused(flags).getMessage().contains("does not agree"));
        byte[] name = zip.clone();
        name[find(name, ZipWriter.LOCAL, 0) + 30] = 'X';
        assertTrue(refused(name).getMessage().contains("does not agree"));
    }

    @Test
    void contentThatIsNotWhatTheHeadersDeclareIsRefused() throws IOException {
        byte[] zip = write();
        // The big file's compressed bytes changed: its CRC no longer holds, or it no longer inflates.
        int big = find(zip, ZipWriter.LOCAL, 0);
        for (int i = 0; i < 5; i++) {
            big = find(zip, ZipWriter.LOCAL, big + 1);
        }
        byte[] bits = zip.clone();
        bits[big + 30 + LONG_NAME.getBytes(StandardCharsets.UTF_8).length + 1000] ^= 0x10;
        refused(bits);
        // A declared size smaller than the content, in both headers: reading stops past it.
        byte[] size = zip.clone();
        putInt(size, big + 22, BIG.length - 1);
        int central = find(size, ZipWriter.CENTRAL, 0);
        for (int i = 0; i < 5; i++) {
            central = find(size, ZipWriter.CENTRAL, central + 1);
        }
        putInt(size, central + 24, BIG.length - 1);
        assertTrue(refused(size).getMessage().contains("holds more than its declared " + (BIG.length - 1)),
                refused(size).getMessage());
    }

    @Test
    void theEntryCountMustMatchTheCentralDirectory() throws IOException {
        byte[] zip = write();
        int end = zip.length - 22;
        byte[] fewer = zip.clone();
        fewer[end + 8]--;
        fewer[end + 10]--;
        assertTrue(refused(fewer).getMessage().contains("declares 5 entries"), refused(fewer).getMessage());
        byte[] mixed = zip.clone();
        mixed[end + 8]--;
        refused(mixed);
    }

    @Test
    void twoEntriesOfTheSameNameAreRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipWriter zip = new ZipWriter(out, tmp)) {
            zip.file("a.txt", 0644, new byte[] {1});
            zip.file("a.txt", 0644, new byte[] {2});
        }
        assertTrue(refused(out.toByteArray()).getMessage().contains("two entries named a.txt"));
    }

    @Test
    void dataBeforeBetweenOrAfterTheEntriesIsRefused() throws IOException {
        byte[] zip = write();
        byte[] appended = Arrays.copyOf(zip, zip.length + 1);
        refused(appended);
        byte[] prepended = new byte[zip.length + 4];
        System.arraycopy(zip, 0, prepended, 4, zip.length);
        refused(prepended);
        refused(Arrays.copyOf(zip, zip.length - 30));
        refused(Arrays.copyOf(zip, 10));
        // The second entry's offset moved back onto the first's data: overlapping entries.
        byte[] overlap = zip.clone();
        int central = find(overlap, ZipWriter.CENTRAL, find(overlap, ZipWriter.CENTRAL, 0) + 1);
        putInt(overlap, central + 42, 0);
        assertTrue(refused(overlap).getMessage().contains("not where its central directory says"),
                refused(overlap).getMessage());
    }

    @Test
    void encryptionAndOtherMethodsAreRefused() throws IOException {
        byte[] zip = write();
        int central = find(zip, ZipWriter.CENTRAL, 0);
        byte[] encrypted = zip.clone();
        encrypted[central + 8] |= 1;
        assertTrue(refused(encrypted).getMessage().contains("encrypted"));
        byte[] bzip2 = zip.clone();
        bzip2[central + 10] = 12;
        assertTrue(refused(bzip2).getMessage().contains("method 12"));
    }

    /** Random byte flips: every outcome is a success or a ZipException, nothing else (no hang, no other error). */
    @Test
    void mutatedZipsGiveOnlySuccessOrRefusal() throws IOException {
        byte[] zip = write(ZipWriter.ZIP64_LIMIT, 8 << 20);
        Random random = new Random(3);
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] mutated = zip.clone();
            // Mostly headers: the central directory and the first local headers.
            int at = random.nextBoolean() ? zip.length - 1 - random.nextInt(Math.min(zip.length, 700))
                    : random.nextInt(200);
            mutated[at] = (byte) random.nextInt(256);
            try {
                read(mutated);
            } catch (ZipException | java.io.EOFException e) {
                refused++;
            }
        }
        assertTrue(refused > 100, "refused " + refused);
    }
}
