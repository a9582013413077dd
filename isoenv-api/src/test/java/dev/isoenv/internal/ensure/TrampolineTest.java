package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relocatable console-script trampoline: both shebang forms pip writes; no realpath means no run; a missing
 * interpreter beside it gives one line naming it and status 127; never a {@code python} from the current directory.
 */
class TrampolineTest {
    private static final String BODY = "# -*- coding: utf-8 -*-\nimport sys\nsys.exit(0)\n";
    private static final String MISSING = "it needs Python 3.11.7 at /opt/py/bin/python3.11";

    @TempDir
    Path tmp;

    /** A build location, derived from the test's own folder (its text is all the trampoline looks at). */
    private String env() {
        return tmp.resolve("env").toString();
    }

    /** Finds a tool on PATH, as the shell would. */
    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    private static String relocatable(String python) {
        return ConsoleScriptTrampoline.header(python, MISSING) + BODY;
    }

    @Test
    void aPlainShebangBecomesTheTrampoline() {
        assertEquals(relocatable("python3.11"), ConsoleScriptTrampoline.rewrite("#!" + env()
                + "/bin/python3.11\n" + BODY, "bin", List.of(env()), MISSING));
    }

    @Test
    void pipsShellFormForALongOrSpacedPathBecomesTheTrampoline() {
        String spacedRoot = tmp.resolve("my env").toString();
        String spaced = "#!/bin/sh\n'''exec' \"" + spacedRoot + "/bin/python\" \"$0\" \"$@\"\n' '''\n" + BODY;
        assertEquals(relocatable("python"), ConsoleScriptTrampoline.rewrite(spaced, "bin", List.of(spacedRoot), MISSING));
        String root = tmp.resolve("deep/".repeat(30) + "env").toString();
        String long1 = "#!/bin/sh\n'''exec' " + root + "/bin/python3 \"$0\" \"$@\"\n' '''\n" + BODY;
        assertEquals(relocatable("python3"), ConsoleScriptTrampoline.rewrite(long1, "bin", List.of(root), MISSING));
    }

    @Test
    void otherScriptsAreLeftAlone() {
        for (String script : List.of("#!/bin/sh\necho hi\n", "#!" + tmp.resolve("other/bin/python3") + "\n" + BODY,
                "#!/bin/sh\n'''exec' " + tmp.resolve("elsewhere/bin/python") + " \"$0\" \"$@\"\n' '''\n" + BODY,
                "#!" + env() + "/bin/ruby\n", "no shebang\n")) {
            assertEquals(script, ConsoleScriptTrampoline.rewrite(script, "bin", List.of(env()), MISSING), script);
        }
    }

    @Test
    void withoutRealpathTheScriptFailsAndRunsNothingFromTheCurrentDirectory() throws Exception {
        Path dirname = onPath("dirname");
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && dirname != null, "POSIX tools (/bin/sh, dirname)");
        Path env = Files.createDirectories(tmp.resolve("env/bin"));
        Path marker = tmp.resolve("ran-from-cwd");
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        executable(cwd.resolve("python"), "#!/bin/sh\necho x > '" + marker + "'\n");
        executable(env.resolve("python"), "#!/bin/sh\necho beside\n");
        Path tool = executable(env.resolve("tool"), relocatable("python"));
        Path path = Files.createDirectories(tmp.resolve("path"));
        Files.createSymbolicLink(path.resolve("dirname"), dirname);

        ProcessBuilder without = new ProcessBuilder(tool.toString()).directory(cwd.toFile()).redirectErrorStream(true);
        without.environment().put("PATH", path.toString());
        Process p = without.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(127, p.waitFor(), out);
        assertFalse(Files.exists(marker), out);
        assertTrue(out.contains("no realpath command"), out);

        Path realpath = onPath("realpath");
        assumeTrue(realpath != null, "no realpath on PATH");
        Files.createSymbolicLink(path.resolve("realpath"), realpath);
        Process q = without.start();
        String ran = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, q.waitFor(), ran);
        assertEquals("beside", ran.strip());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aMissingInterpreterBesideTheScriptGivesOneLineAndStatus127() throws Exception {
        Path dirname = onPath("dirname");
        Path realpath = onPath("realpath");
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && dirname != null && realpath != null,
                "POSIX tools (/bin/sh, dirname, realpath)");
        // Where Spark unpacked the archive on a worker without the base Python: bin/python leads nowhere.
        Path bin = Files.createDirectories(tmp.resolve("spark worker/env/bin"));
        Files.createSymbolicLink(bin.resolve("python3"), tmp.resolve("not installed/bin/python3.11"));
        Path marker = tmp.resolve("ran-from-cwd");
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        executable(cwd.resolve("python3"), "#!/bin/sh\necho x > '" + marker + "'\n");
        // The building machine's interpreter, with a quote in its path; only the string matters here.
        String base = tmp.resolve("it's/bin/python3.11").toString();
        String shownBase = base.replace('\'', '?');
        String missing = ConsoleScriptTrampoline.missingBase(base, "3.11.7");
        Path tool = executable(bin.resolve("tool"), ConsoleScriptTrampoline.header("python3", missing) + BODY);

        ProcessBuilder run = new ProcessBuilder(tool.toString(), "arg").directory(cwd.toFile());
        run.environment().put("PATH", cwd + java.io.File.pathSeparator + System.getenv("PATH"));
        Process p = run.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(127, p.waitFor(), err);
        assertEquals("", out);
        assertFalse(Files.exists(marker), err);
        assertEquals(1, err.lines().count(), err);
        assertEquals("isoenv: cannot run " + tool + ": it runs on the Python interpreter " + shownBase
                + " (Python 3.11.7), which its environment does not bundle and this machine does not have. Install"
                + " Python 3.11.7 at " + shownBase + " (the same installation as on the machine that packed"
                + " the environment), or pack the environment with PackOptions.bundleInterpreter(true) so that it"
                + " carries its interpreter.", err.strip());

        // With the interpreter there, the script runs it, with its arguments.
        Files.delete(bin.resolve("python3"));
        executable(bin.resolve("python3"), "#!/bin/sh\necho \"beside $#\"\n");
        Process q = run.start();
        assertEquals("beside 2", new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertEquals(0, q.waitFor());
    }

    @Test
    void theTrampolineIsAPlainPythonString() {
        String header = ConsoleScriptTrampoline.header("python3.12", "a 'quoted' \\ path\nand more");
        String quoted = header.substring(header.indexOf("\n") + 1, header.length() - 1);
        assertTrue(quoted.startsWith("'''") && quoted.endsWith("'''"), quoted);
        String inside = quoted.substring(3, quoted.length() - 3);
        assertFalse(inside.contains("'''"), inside);
        assertFalse(inside.contains("\\"), "no backslash: no escape sequence Python would warn about");
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    @Test
    void theBuildPathIsMatchedOnlyWhereItEnds() {
        String e = env();
        assertTrue(PackedEntries.names("VIRTUAL_ENV=\"" + e + "\"\n", e));
        assertTrue(PackedEntries.names(e + "/bin:$PATH", e));
        assertTrue(PackedEntries.names("command = python -m venv " + e, e));
        assertFalse(PackedEntries.names("data in " + e + "2/x and " + e + ".bak", e));
        assertEquals("P/bin " + e + "2 'P'", PackedEntries.boundary(e)
                .matcher(e + "/bin " + e + "2 '" + e + "'").replaceAll("P"));
    }
}
