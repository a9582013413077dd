package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PythonRequest;
import dev.isoenv.RunResult;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new venv environment's pip has bytecode whatever the caller's {@code PYTHONDONTWRITEBYTECODE}: pip is compiled
 * once into the user's cache (one process, the first time) and copied into every new environment, whose Python then
 * loads pip from that bytecode. Without a usable cache, an environment still gets a working pip.
 */
class CompiledPipTest {
    @TempDir
    Path dir;

    private final List<List<String>> launches = new CopyOnWriteArrayList<>();

    private Map<String, String> environment(Path cache) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("ISOENV_CACHE_DIR", cache.toString());
        return env;
    }

    private Environment create(String name, Path cache) {
        return IsoenvClient.builder().processEnvironment(environment(cache)).launchListener(launches::add).build()
                .ensure(EnvironmentSpec.builder(dir.resolve(name)).backend("venv")
                        .python(PythonRequest.interpreter(PythonLocator.python3())).build());
    }

    /** Whether python -v shows pip's command-line module loaded from bytecode, not compiled from source. */
    private static boolean pipLoadsFromBytecode(Environment env) {
        RunResult verbose = env.run("python", "-v", "-c", "import pip._internal.cli.main").requireSuccess();
        return verbose.stderr().lines().anyMatch(l -> l.startsWith("# code object from ")
                && l.contains("cli" + java.io.File.separator + "__pycache__" + java.io.File.separator + "main."));
    }

    @Test
    void pipIsCompiledInEveryNewEnvironmentEvenWithPythonDontWriteBytecode() throws IOException {
        Path cache = dir.resolve("cache");
        Environment first = create("first", cache);
        assertEquals(1, launches.stream().filter(c -> c.contains("compileall")).count(), "compiled once: " + launches);
        assertTrue(pipLoadsFromBytecode(first));
        assertTrue(first.run("python", "-m", "pip", "--version").requireSuccess().stdout()
                .contains(first.root().toString()));

        launches.clear();
        Environment second = create("second", cache);
        assertEquals(0, launches.stream().filter(c -> c.contains("compileall")).count(), "copied: " + launches);
        assertTrue(pipLoadsFromBytecode(second));
        second.run("python", "-m", "pip", "--version").requireSuccess();
        try (Stream<Path> entries = Files.list(cache.resolve("pip"))) {
            List<Path> folders = entries.collect(Collectors.toList());
            assertEquals(1, folders.size(), "one compiled pip per pip and Python: " + folders);
        }

        // The copies are the environment's own: pip can uninstall itself from one without touching the cache.
        second.run("python", "-m", "pip", "uninstall", "--yes", "pip").requireSuccess();
        assertFalse(second.installedDistribution("pip").isPresent());
        assertTrue(pipLoadsFromBytecode(first));
        Environment third = create("third", cache);
        third.run("python", "-m", "pip", "--version").requireSuccess();
    }

    @Test
    void withoutAUsableCacheAnEnvironmentStillGetsAWorkingPip() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "not a folder");
        Environment env = create("uncached", notAFolder);
        RunResult pip = env.run("python", "-m", "pip", "--version").requireSuccess();
        assertTrue(pip.stdout().contains(env.root().toString()), pip.stdout());
    }
}
