package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.testing.python.ScratchVenv;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Windows console-script launcher (distlib's program, a shebang, a zip with {@code __main__.py}) gets a shebang
 * relative to its own folder when it names the environment's interpreter, and keeps its program and its zip byte for
 * byte; any other {@code .exe} is left alone.
 */
class ScriptLauncherTest {
    private static final byte[] PROGRAM = program();
    private static final byte[] MAIN = "import sys\nfrom tool import main\nsys.exit(main())\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void theEnvironmentsInterpreterBecomesTheOneBesideTheLauncher() throws Exception {
        byte[] zip = zip();
        byte[] exe = launcher("#!C:\\envs\\tool\\Scripts\\python.exe\r\n", zip);
        byte[] relocated = ScriptLauncher.relocate(exe, List.of("C:\\envs\\tool"), "Scripts").orElseThrow();
        assertArrayEquals(concat(PROGRAM, "#!<launcher_dir>\\python.exe\r\n".getBytes(StandardCharsets.US_ASCII), zip),
                relocated);
        assertEquals(new String(MAIN, StandardCharsets.UTF_8), mainOf(relocated), "the zip still opens");
    }

    @Test
    void aQuotedPathWithSpacesAndAnotherCaseOrSlashIsRecognised() throws Exception {
        byte[] zip = zip();
        byte[] exe = launcher("#!\"C:\\Users\\Me\\my env\\Scripts\\pythonw.exe\" -E\n", zip);
        byte[] relocated = ScriptLauncher.relocate(exe, List.of("c:/users/me/my env"), "Scripts").orElseThrow();
        assertArrayEquals(concat(PROGRAM, "#!<launcher_dir>\\pythonw.exe -E\n".getBytes(StandardCharsets.US_ASCII),
                zip), relocated);
        assertEquals(new String(MAIN, StandardCharsets.UTF_8), mainOf(relocated));
    }

    @Test
    void otherExecutablesAreLeftAlone() throws Exception {
        byte[] zip = zip();
        // An interpreter outside the environment, or in another folder of it.
        assertTrue(ScriptLauncher.relocate(launcher("#!C:\\Python311\\python.exe\r\n", zip),
                List.of("C:\\envs\\tool"), "Scripts").isEmpty());
        assertTrue(ScriptLauncher.relocate(launcher("#!C:\\envs\\tool\\python.exe\r\n", zip),
                List.of("C:\\envs\\tool"), "Scripts").isEmpty());
        assertTrue(ScriptLauncher.relocate(launcher("#!C:\\envs\\tool2\\Scripts\\python.exe\r\n", zip),
                List.of("C:\\envs\\tool"), "Scripts").isEmpty());
        // No appended zip: an ordinary program.
        assertTrue(ScriptLauncher.relocate(PROGRAM, List.of("C:\\envs\\tool"), "Scripts").isEmpty());
        // A zip whose offsets count the shebang (zipapp's way): its length must not change.
        byte[] shebang = "#!C:\\envs\\tool\\Scripts\\python.exe\n".getBytes(StandardCharsets.US_ASCII);
        byte[] zipapp = concat(PROGRAM, shebangCountedZip(shebang));
        assertEquals(new String(MAIN, StandardCharsets.UTF_8), mainOf(zipapp), "a valid zip");
        assertTrue(ScriptLauncher.relocate(zipapp, List.of("C:\\envs\\tool"), "Scripts").isEmpty());
    }

    /**
     * The real thing: a launcher written by the distlib inside a real pip (its {@code t64.exe} program, the shebang,
     * the zip), as pip writes one into {@code Scripts} on Windows. The launcher cannot run here (a Windows program);
     * what it reads is checked with Python's zipfile.
     */
    @Test
    void pipsOwnLauncherGetsTheRelativeShebangAndKeepsItsProgramAndScript() throws Exception {
        ScratchVenv venv = ScratchVenv.create(dir.resolve("venv"));
        Path out = Files.createDirectories(dir.resolve("Scripts"));
        String make = String.join("\n",
                "import os, sys",
                "from pip._vendor.distlib import scripts",
                "from pip._vendor.distlib.scripts import ScriptMaker",
                "folder = os.path.dirname(scripts.__file__)",
                "ScriptMaker._get_launcher = lambda self, kind: open(os.path.join(folder, kind + '64.exe'), 'rb').read()",
                "m = ScriptMaker(None, sys.argv[1])",
                "m._is_nt = True",
                "m.executable = r'C:\\envs\\tool\\Scripts\\python.exe'",
                "m.variants = {''}",
                "m.make('isoenv-greet = isoenv_demo_greeter:main')",
                "print(os.path.join(folder, 't64.exe'))");
        Path program = Path.of(venv.runPython("-c", make, out.toString()).requireSuccess().stdout().strip());
        Path launcher = out.resolve("isoenv-greet.exe");
        byte[] relocated = ScriptLauncher.relocate(Files.readAllBytes(launcher), List.of("C:\\envs\\tool"),
                "Scripts").orElseThrow();
        Path moved = Files.write(dir.resolve("moved.exe"), relocated);
        String check = String.join("\n",
                "import sys, zipfile",
                "exe, program = (open(p, 'rb').read() for p in sys.argv[1:3])",
                "start = exe.rfind(b'#!')",
                "line = exe[start:exe.index(b'\\n', start) + 1]",
                "same = zipfile.ZipFile(sys.argv[1]).read('__main__.py') == zipfile.ZipFile(sys.argv[3]).read('__main__.py')",
                "print(exe.startswith(program), line, same, b'envs' in exe)");
        assertEquals("True b'#!<launcher_dir>\\\\python.exe\\n' True False", venv.runPython("-c", check,
                moved.toString(), program.toString(), launcher.toString()).requireSuccess().stdout().strip());
    }

    private String mainOf(byte[] exe) throws IOException {
        Path file = Files.write(dir.resolve("tool.exe"), exe);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry main = zip.getEntry("__main__.py");
            return new String(zip.getInputStream(main).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] launcher(String shebang, byte[] zip) {
        return concat(PROGRAM, shebang.getBytes(StandardCharsets.UTF_8), zip);
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("__main__.py"));
            z.write(MAIN);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /**
     * A zip written after the shebang with offsets from the shebang's start, as zipapp writes one: the zip's one
     * central record and its end record count the shebang's bytes.
     */
    private static byte[] shebangCountedZip(byte[] shebang) throws IOException {
        byte[] zip = zip();
        int end = zip.length - 22;
        int central = (int) le32(zip, end + 16);
        put32(zip, central + 42, le32(zip, central + 42) + shebang.length);
        put32(zip, end + 16, central + shebang.length);
        return concat(shebang, zip);
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >> (8 * i));
        }
    }

    private static byte[] program() {
        byte[] b = new byte[4096];
        new Random(7).nextBytes(b);
        b[0] = 'M';
        b[1] = 'Z';
        // Nothing in the program may look like a zip's end record.
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K') {
                b[i + 1] = 'J';
            }
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
