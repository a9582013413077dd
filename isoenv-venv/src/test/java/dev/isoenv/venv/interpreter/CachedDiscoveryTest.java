package dev.isoenv.venv.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interpreter discovery across JVMs, each played by a finder with an empty memory over one cache folder: the second
 * finds the interpreter with no process, a shim is resolved once and again when its version setting changes, and a
 * candidate that fails is run every time.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the shims are shell scripts")
class CachedDiscoveryTest {
    @TempDir
    Path dir;

    private final List<List<String>> launches = new CopyOnWriteArrayList<>();

    /** A finder as a new JVM has one: nothing in memory, the cache folder on disk. */
    private InterpreterFinder newJvm(Map<String, String> env) {
        return new InterpreterFinder(CommandRunner.standard(launches::add), env, OperatingSystem.LINUX,
                Duration.ofSeconds(30), new InterpreterFactsCache(dir.resolve("cache"),
                InterpreterFactsCache.currentSystem(), "test-script"), new ConcurrentHashMap<>());
    }

    private Map<String, String> path(Path... dirs) {
        Map<String, String> env = new HashMap<>();
        StringBuilder p = new StringBuilder();
        for (Path d : dirs) {
            p.append(p.length() == 0 ? "" : ":").append(d);
        }
        env.put("PATH", p.toString());
        env.put("HOME", dir.resolve("home").toString());
        return env;
    }

    private Path script(Path folder, String name, String body) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void aSecondJvmFindsTheInterpreterWithoutRunningIt() throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("python3"), PythonLocator.python3());
        Map<String, String> env = path(bin);

        PythonInterpreter first = newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(1, launches.size(), launches.toString());
        launches.clear();
        PythonInterpreter second = newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(List.of(), launches, "facts from the cache");
        assertEquals(first.toString(), second.toString());
        assertEquals(first.markers(), second.markers());
        assertEquals(first.pipWheel(), second.pipWheel());
        assertEquals(first.venvPurelib(), second.venvPurelib());
    }

    @Test
    void aShimIsResolvedOnceAndAgainWhenItsVersionSettingChanges() throws IOException {
        Path shims = dir.resolve("pyenv").resolve("shims");
        Path shim = script(shims, "python3", "exec '" + PythonLocator.python3() + "' \"$@\"");
        Map<String, String> env = path(shims);
        env.put("PYENV_VERSION", "3.11.7");

        PythonInterpreter first = newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(PythonLocator.python3().toRealPath(), first.executable(), "the interpreter the shim ran");
        assertEquals(shim.toString(), launches.get(0).get(0));
        launches.clear();

        PythonInterpreter second = newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(List.of(), launches, "the shim's resolution from the cache");
        assertEquals(first.executable(), second.executable());

        env.put("PYENV_VERSION", "system");
        newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(1, launches.size(), "another version setting: the shim is run again");
        launches.clear();

        Files.writeString(dir.resolve("pyenv").resolve("version"), "3.12.1\n");
        newJvm(env).find(PythonRequest.defaultPython());
        assertEquals(1, launches.size(), "a changed global version file: the shim is run again");
    }

    @Test
    void aShimThatFailsIsRunInEveryJvm() throws IOException {
        Path shims = dir.resolve("shims");
        script(shims, "python3", "echo 'pyenv: python3: command not found' >&2; exit 127");
        Map<String, String> env = path(shims);

        for (int jvm = 0; jvm < 2; jvm++) {
            launches.clear();
            assertThrows(PythonNotFoundException.class, () -> newJvm(env).find(PythonRequest.defaultPython()));
            assertEquals(1, launches.size(), "a failure is never cached");
        }
    }

    @Test
    void aLauncherThatIsNotAShimIsRunInEveryJvm() throws IOException {
        Path bin = dir.resolve("bin");
        script(bin, "python3", "exec '" + PythonLocator.python3() + "' \"$@\"");
        Map<String, String> env = path(bin);

        for (int jvm = 0; jvm < 2; jvm++) {
            launches.clear();
            newJvm(env).find(PythonRequest.defaultPython());
            assertEquals(1, launches.size(), "nothing says when such a launcher changes its mind");
        }
    }
}
