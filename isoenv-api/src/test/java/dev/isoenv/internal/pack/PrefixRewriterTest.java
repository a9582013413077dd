package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary prefix replacement, against the cases conda's own tests give for {@code binary_replace} (same bytes out),
 * and on files: size, permissions and modification time kept, nothing written when the new path does not fit.
 */
class PrefixRewriterTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void replacesInsideNulTerminatedStringsAndPadsWithNulsAsCondaDoes() throws Exception {
        // conda's tests: test_simple, test_shorter, test_too_long.
        assertArrayEquals(b("xxxbbbbbxyz\0zz"), PrefixRewriter.replace(b("xxxaaaaaxyz\0zz"), "aaaaa", "bbbbb"));
        assertArrayEquals(b("xxxbbbbxyz\0\0zz"), PrefixRewriter.replace(b("xxxaaaaaxyz\0zz"), "aaaaa", "bbbb"));
        assertThrows(PrefixRewriter.TooLong.class,
                () -> PrefixRewriter.replace(b("xxxaaaaaxyz\0zz"), "aaaaa", "bbbbbbbb"));
        // Two occurrences in one string: both replaced, padded by twice the difference after the string.
        assertArrayEquals(b("/n/lib:/n/x\0\0\0\0\0\0\0\0\0tail\0"),
                PrefixRewriter.replace(b("/build/lib:/build/x\0tail\0"), "/build", "/n"));
        // Two strings: each padded where it ends, so every later offset stays.
        assertArrayEquals(b("\1/n/a\0\0\0\0\0\2/n\0\0\0\0\0"),
                PrefixRewriter.replace(b("\1/build/a\0\2/build\0"), "/build", "/n"));
    }

    @Test
    void leavesAnOccurrenceWithoutATerminatingNulAndDataWithoutThePath() throws Exception {
        byte[] unterminated = b("\0/build/lib");
        assertSame(unterminated, PrefixRewriter.replace(unterminated, "/build", "/n"));
        byte[] none = b("nothing here\0");
        assertSame(none, PrefixRewriter.replace(none, "/build", "/n"));
        // A longer new path is refused only where there is something to replace.
        assertSame(unterminated, PrefixRewriter.replace(unterminated, "/build", "/a/much/longer/path"));
        assertTrue(PrefixRewriter.fits("/build", "/n"));
        assertTrue(PrefixRewriter.fits("/build", "/abcde"));
        assertFalse(PrefixRewriter.fits("/build", "/abcdef"));
        // UTF-8 bytes count, not characters.
        assertFalse(PrefixRewriter.fits("/build", "/büild"));
        assertTrue(PrefixRewriter.fits("/build", "/bül"));
    }

    @Test
    void rewritesAFileInPlaceKeepingItsSizeModeAndTime() throws Exception {
        Path file = dir.resolve("libdemo.so");
        String built = dir.resolve("a rather long build location").toString();
        String longer = built + "-and-more";
        byte[] original = b("\177ELF\0\1\2" + built + "/lib\0" + "\3" + built + "\0\4" + longer + "/x\0");
        Files.write(file, original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        FileTime time = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, time);

        // Longest first, so that the longer path is replaced as a whole.
        assertEquals(3, PrefixRewriter.rewrite(file, List.of(longer, built), "/opt/env"));

        byte[] now = Files.readAllBytes(file);
        assertEquals(original.length, now.length);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(b("\177ELF\0\1\2/opt/env/lib\0"));
        expected.writeBytes(new byte[built.length() - "/opt/env".length()]);
        expected.writeBytes(b("\3/opt/env\0"));
        expected.writeBytes(new byte[built.length() - "/opt/env".length()]);
        expected.writeBytes(b("\4/opt/env/x\0"));
        expected.writeBytes(new byte[longer.length() - "/opt/env".length()]);
        assertArrayEquals(expected.toByteArray(), now);
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(time, Files.getLastModifiedTime(file));
    }

    @Test
    void aPathThatDoesNotFitLeavesTheFileAsItWas() throws Exception {
        Path file = dir.resolve("bin");
        byte[] original = b("\0/short/lib\0");
        Files.write(file, original);
        PrefixRewriter.TooLong e = assertThrows(PrefixRewriter.TooLong.class,
                () -> PrefixRewriter.rewrite(file, List.of("/short"), "/much/longer"));
        assertEquals(6, e.oldLength());
        assertEquals(12, e.newLength());
        assertArrayEquals(original, Files.readAllBytes(file));
    }

    @Test
    void findsPathsInAFileOfAnySizeAcrossItsBlocks() throws Exception {
        Path file = dir.resolve("big.bin");
        String path = "/some/build/prefix";
        byte[] data = new byte[(1 << 20) + 100];
        // Cut by the first block's end: it starts 5 bytes before it.
        byte[] p = b(path);
        System.arraycopy(p, 0, data, (1 << 20) - 5, p.length);
        Files.write(file, data);
        assertEquals(List.of(path), PrefixRewriter.holds(file, List.of("/elsewhere", path)));
        assertEquals(List.of(), PrefixRewriter.holds(file, List.of("/some/build/prefix2")));
    }
}
