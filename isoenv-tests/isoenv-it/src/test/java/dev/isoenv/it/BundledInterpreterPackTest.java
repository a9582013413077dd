package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.IsoenvClient;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The interpreter of a packed environment, where the archive is unpacked by another tool than isoenv (Spark's or Ray's
 * own tar): without a bundled interpreter, a worker that lacks the base Python gets one clear line from a console
 * script, naming that Python, and status 127.
 */
class BundledInterpreterPackTest extends VenvFixtureTest {
    static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");

    IsoenvClient client() {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString()).build();
    }

    /** Finds a tool on PATH, as a shell would. */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /** Extracts the archive with tar(1), as Hadoop's unTar (Spark's --archives on YARN) does on Linux. */
    static void untar(Path archive, Path into) throws IOException, InterruptedException {
        Path tar = onPath("tar");
        assumeTrue(tar != null, "no tar on PATH");
        Files.createDirectories(into);
        Process p = new ProcessBuilder(tar.toString(), "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /** What a process run directly (no shell, no isoenv) gave: its status, stdout and stderr. */
    record Ran(int status, String stdout, String stderr) {
    }

    static Ran runDirectly(Map<String, String> variables, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().putAll(variables);
        Path err = Files.createTempFile("isoenv-it-stderr", ".txt");
        try {
            Process p = b.redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            return new Ran(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aWorkerWithoutTheBaseInterpreterGetsOneLineNamingItAndStatus127() throws Exception {
        Environment env = client().ensure(spec("build/env").requirements(PINNED).build());
        EnvironmentArchive packed = env.pack(workDir.resolve("env.tar.gz"));
        Path worker = workDir.resolve("spark worker").resolve("env");
        untar(packed.file(), worker);
        Path script = worker.resolve("bin").resolve(TestPackages.GREETER_SCRIPT);
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), runDirectly(Map.of(), script.toString()).stdout()
                .strip(), "with the base interpreter there, the script runs");

        // This worker lacks the base Python: the venv's interpreter link leads nowhere.
        Path python = worker.resolve("bin").resolve("python");
        assertTrue(Files.isSymbolicLink(python));
        Files.delete(python);
        Files.createSymbolicLink(python, workDir.resolve("not installed").resolve("bin").resolve("python3"));
        Path cwd = Files.createDirectories(workDir.resolve("cwd"));
        Files.writeString(cwd.resolve("python"), "#!/bin/sh\necho ran the python of the current directory\n");
        assertTrue(cwd.resolve("python").toFile().setExecutable(true));

        List<String> command = new ArrayList<>(List.of(script.toString(), "--flag"));
        ProcessBuilder b = new ProcessBuilder(command).directory(cwd.toFile());
        b.environment().put("PATH", cwd + java.io.File.pathSeparator + System.getenv("PATH"));
        Path err = workDir.resolve("stderr.txt");
        Process p = b.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String line = Files.readString(err);
        assertEquals(127, p.exitValue(), line);
        assertEquals("", out);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("isoenv: cannot run " + script + ": it runs on the Python interpreter "
                + packed.baseInterpreter() + " (Python " + packed.pythonVersion() + "), which its environment does"
                + " not bundle and this machine does not have. Install Python " + packed.pythonVersion() + " at "
                + packed.baseInterpreter()), line);
        assertTrue(line.contains("PackOptions.bundleInterpreter(true)"), line);
    }
}
