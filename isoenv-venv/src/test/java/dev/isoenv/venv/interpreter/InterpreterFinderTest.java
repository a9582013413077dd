package dev.isoenv.venv.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.internal.metadata.MarkerEnvironment;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interpreter discovery against real interpreters, wrapped in a PATH the test controls: the real Python 3 this
 * machine has, a pyenv-style shim that fails when run, and a script that is not Python at all.
 */
class InterpreterFinderTest {
    private static Path realPython;
    private static String realVersion;

    @TempDir
    Path dir;

    @BeforeAll
    static void findRealPython() throws Exception {
        Process p = new ProcessBuilder(dev.isoenv.testing.python.PythonLocator.python3().toString(), "-c",
                "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])")
                .redirectErrorStream(true).start();
        String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
        p.waitFor();
        realPython = Path.of(lines[0].strip());
        realVersion = lines[1].strip();
    }

    private Path script(Path bin, String name, String body) throws IOException {
        Files.createDirectories(bin);
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private InterpreterFinder finder(Path... pathDirs) {
        Map<String, String> env = new HashMap<>();
        StringBuilder path = new StringBuilder();
        for (Path d : pathDirs) {
            path.append(path.length() == 0 ? "" : ":").append(d);
        }
        env.put("PATH", path.toString());
        env.put("HOME", dir.resolve("home").toString());
        return new InterpreterFinder(CommandRunner.standard(), env, OperatingSystem.LINUX, Duration.ofSeconds(30));
    }

    @Test
    void skipsAShimThatFailsAndFindsTheRealInterpreter() throws IOException {
        String minor = realVersion.substring(0, realVersion.lastIndexOf('.'));
        Path shims = dir.resolve("shims");
        script(shims, "python" + minor, "echo \"pyenv: python" + minor + ": command not found\" >&2; exit 127");
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("python3"), realPython);
        PythonInterpreter found = finder(shims, bin).find(PythonRequest.version(minor));
        assertEquals(realVersion, found.version());
        assertEquals(realPython.toRealPath(), found.executable().toRealPath());
        assertTrue(found.venvPurelib().endsWith("site-packages"), found.venvPurelib());
    }

    @Test
    void reportsEveryRefusedCandidateWhenNothingFits() throws IOException {
        Path shims = dir.resolve("shims");
        script(shims, "python3.99", "echo 'pyenv: python3.99: command not found' >&2; exit 127");
        script(shims, "python3", "echo 'not python'");
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("python"), realPython);
        PythonNotFoundException e = assertThrows(PythonNotFoundException.class,
                () -> finder(shims, bin).find(PythonRequest.version("3.99")));
        String message = e.getMessage();
        assertTrue(message.contains("python3.99 (PATH): exited with code 127: pyenv: python3.99: command not found"), message);
        assertTrue(message.contains("did not report its version"), message);
        assertTrue(message.contains("(" + realVersion + "): version " + realVersion + " does not match 3.99"), message);
        assertTrue(message.contains("PythonRequest.interpreter(path)"), "says what to do: " + message);
    }

    @Test
    void findsVersionsInPyenvsVersionsFolderNewestFirst() throws IOException {
        String minor = realVersion.substring(0, realVersion.lastIndexOf('.'));
        Path versions = dir.resolve("pyenv/versions");
        Files.createDirectories(versions.resolve(minor + ".0/bin"));
        Files.createDirectories(versions.resolve(realVersion + "/bin"));
        // An older patch release whose interpreter is broken, and the real one, linked where pyenv puts them.
        script(versions.resolve(minor + ".0/bin"), "python" + minor, "exit 3");
        Files.createSymbolicLink(versions.resolve(realVersion + "/bin/python" + minor), realPython);
        Map<String, String> env = Map.of("PATH", dir.resolve("empty").toString(), "PYENV_ROOT", dir.resolve("pyenv").toString(),
                "HOME", dir.resolve("home").toString());
        PythonInterpreter found = new InterpreterFinder(CommandRunner.standard(), env, OperatingSystem.LINUX,
                Duration.ofSeconds(30)).find(PythonRequest.version(minor));
        assertEquals(realVersion, found.version());
    }

    @Test
    void readsTheMarkerEnvironmentInTheSameRun() throws Exception {
        PythonInterpreter found = finder().find(PythonRequest.interpreter(realPython));
        Map<String, String> markers = found.markers();
        assertEquals(Set.of("implementation_name", "implementation_version", "os_name", "platform_machine",
                "platform_python_implementation", "platform_release", "platform_system", "platform_version",
                "python_full_version", "python_version", "sys_platform"), markers.keySet());
        assertEquals(found.minorVersion(), markers.get("python_version"));
        assertEquals(realVersion.substring(0, realVersion.lastIndexOf('.')), markers.get("python_version"));
        assertTrue(markers.get("python_full_version").startsWith(realVersion), markers.toString());
        assertEquals(found.implementation(), markers.get("implementation_name"));
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertEquals("linux", markers.get("sys_platform"));
            assertEquals("posix", markers.get("os_name"));
            assertEquals("Linux", markers.get("platform_system"));
        }
        // Exactly what the engine would otherwise start the environment's Python to read.
        Process p = new ProcessBuilder(realPython.toString(), "-I", "-c", MarkerEnvironment.SCRIPT)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertEquals(MarkerEnvironment.parse(output), markers);
    }

    @Test
    void anExplicitInterpreterIsCheckedByRunningIt() throws IOException {
        assertEquals(realVersion, finder().find(PythonRequest.interpreter(realPython)).version());
        Path fake = script(dir.resolve("x"), "python", "exit 1");
        PythonNotFoundException e = assertThrows(PythonNotFoundException.class,
                () -> finder().find(PythonRequest.interpreter(fake)));
        assertTrue(e.getMessage().contains("exited with code 1"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
