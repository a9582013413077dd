package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ELF run path reader and rewriter, on a real ELF file: the executable of the JVM running the test (OpenJDK's
 * launcher has a run path such as {@code $ORIGIN:$ORIGIN/../lib}), checked against {@code readelf} where it is on the
 * {@code PATH}.
 */
class ElfRunPathTest {
    @TempDir
    Path tmp;

    /** The running JVM's executable, when it is an ELF file with a run path. */
    private static byte[] java() throws IOException {
        Path java = ProcessHandle.current().info().command().map(Path::of).orElse(null);
        assumeTrue(java != null && Files.isRegularFile(java), "the JVM's executable is not known");
        byte[] bytes = Files.readAllBytes(java);
        assumeTrue(ElfRunPath.isElf(bytes), "the JVM's executable is not ELF");
        assumeTrue(!ElfRunPath.read(bytes).isEmpty(), "the JVM's executable has no run path");
        return bytes;
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /** What readelf -d says the file's run paths are, or null without readelf. */
    private static List<String> readelf(Path file) throws Exception {
        Path readelf = onPath("readelf");
        if (readelf == null) {
            return null;
        }
        Process p = new ProcessBuilder(readelf.toString(), "-d", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.contains("(RPATH)") || l.contains("(RUNPATH)"))
                .map(l -> l.substring(l.indexOf('[') + 1, l.lastIndexOf(']'))).toList();
    }

    @Test
    void readsTheRunPathsReadelfShows() throws Exception {
        byte[] bytes = java();
        Path copy = Files.write(tmp.resolve("java"), bytes);
        List<String> expected = readelf(copy);
        assumeTrue(expected != null, "no readelf on PATH");
        assertEquals(expected, ElfRunPath.read(bytes).stream().map(ElfRunPath.RunPath::value).toList());
    }

    @Test
    void aShorterRunPathIsWrittenInPlaceAndPaddedWithNuls() throws Exception {
        byte[] bytes = java();
        ElfRunPath.RunPath old = ElfRunPath.read(bytes).get(0);
        byte[] out = ElfRunPath.rewrite(bytes, p -> "$ORIGIN");
        assertEquals(bytes.length, out.length);
        ElfRunPath.RunPath now = ElfRunPath.read(out).get(0);
        assertEquals("$ORIGIN", now.value());
        assertEquals(old.offset(), now.offset());
        // Only the run path's bytes changed, the rest of its old text now NULs.
        for (int i = 0; i < bytes.length; i++) {
            if (i < old.offset() || i >= old.offset() + old.length()) {
                assertEquals(bytes[i], out[i], "byte " + i);
            }
        }
        byte[] tail = Arrays.copyOfRange(out, old.offset() + "$ORIGIN".length(), old.offset() + old.length());
        assertArrayEquals(new byte[tail.length], tail);
        List<String> seen = readelf(Files.write(tmp.resolve("java2"), out));
        if (seen != null) {
            assertEquals("$ORIGIN", seen.get(0));
        }
        // The original is not changed.
        assertEquals(old.value(), ElfRunPath.read(bytes).get(0).value());
    }

    @Test
    void nothingToChangeGivesTheSameBytesAndALongerPathIsRefused() throws Exception {
        byte[] bytes = java();
        assertSame(bytes, ElfRunPath.rewrite(bytes, p -> p));
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
                () -> ElfRunPath.rewrite(bytes, p -> p + ":/a/much/longer/path/than/before"));
        assertTrue(longer.getMessage().contains("longer"), longer.getMessage());
    }

    /**
     * The JVM's executable with its {@code DT_DEBUG} entry (0 in the file; the loader fills it in) made a second run
     * path ({@code DT_RUNPATH} beside its {@code DT_RPATH}, or the other way round) at {@code shift} bytes into the
     * first's string: the two then name the same string (0) or one starts inside the other.
     */
    private static byte[] withRpathInto(byte[] bytes, int shift) {
        assumeTrue(bytes[4] == 2 && bytes[5] == 1, "a 64-bit little-endian JVM executable");
        long runpath = -1;
        long other = 0;
        int debug = -1;
        for (int i = 0; i + 16 <= bytes.length && (runpath < 0 || debug < 0); i += 8) {
            long tag = le64(bytes, i);
            if ((tag == 15 || tag == 29) && le64(bytes, i + 8) < 1 << 20) {
                // DT_DEBUG is in the same dynamic section: look near the run path's entry only, and take a candidate
                // only with one there (the test checks that the result reads as two run paths).
                for (int j = Math.max(0, i - 512); j + 16 <= Math.min(bytes.length, i + 512); j += 16) {
                    if ((j - i) % 16 == 0 && le64(bytes, j) == 21 && le64(bytes, j + 8) == 0) {
                        debug = j;
                        runpath = le64(bytes, i + 8);
                        other = tag == 15 ? 29 : 15;
                        break;
                    }
                }
            }
        }
        assumeTrue(runpath >= 0 && debug >= 0, "the JVM's executable has no DT_DEBUG entry to turn into a run path");
        byte[] out = bytes.clone();
        long value = runpath + shift;
        for (int k = 0; k < 8; k++) {
            out[debug + k] = (byte) (k == 0 ? other : 0);
            out[debug + 8 + k] = (byte) (value >>> (8 * k));
        }
        return out;
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v |= (b[at + k] & 0xffL) << (8 * k);
        }
        return v;
    }

    @Test
    void aRunPathThatStartsInsideTheOtherIsNotRewritten() throws Exception {
        byte[] bytes = java();
        String runpath = ElfRunPath.read(bytes).get(0).value();
        assumeTrue(runpath.length() > 2, "a run path long enough to overlap");
        byte[] overlapping = withRpathInto(bytes, 1);
        List<ElfRunPath.RunPath> both = ElfRunPath.read(overlapping);
        assertEquals(List.of(runpath, runpath.substring(1)), both.stream().map(ElfRunPath.RunPath::value).sorted(
                (a, b) -> b.length() - a.length()).toList(), both.toString());
        List<String> seen = readelf(Files.write(tmp.resolve("overlapping"), overlapping));
        if (seen != null) {
            assertEquals(2, seen.size(), "readelf sees both: " + seen);
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ElfRunPath.rewrite(overlapping, p -> "$ORIGIN"));
        assertTrue(refused.getMessage().contains("share bytes"), refused.getMessage());

        // Both naming the very same string, as older linkers write them: both rewritten.
        byte[] same = withRpathInto(bytes, 0);
        byte[] out = ElfRunPath.rewrite(same, p -> "$ORIGIN");
        assertEquals(List.of("$ORIGIN", "$ORIGIN"), ElfRunPath.read(out).stream().map(ElfRunPath.RunPath::value)
                .toList());
    }

    @Test
    void notElfOrCutShortIsRefused() throws Exception {
        assertFalse(ElfRunPath.isElf("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> ElfRunPath.read(new byte[64]));
        byte[] bytes = java();
        assertThrows(IllegalArgumentException.class, () -> ElfRunPath.read(Arrays.copyOf(bytes, 200)));
    }
}
