package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.CommandNotFoundException;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentLock;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.ProcessOutputException;
import dev.isoenv.ProcessStartException;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.demo.InteractiveRun;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's operations and the ways of running a tool, with the venv backend, real pip and the fixture index:
 * status, delete and the caller's lock; standard input as bytes, a file or inherited; binary standard output;
 * inherited output; and {@link Environment#processBuilder}.
 */
class ToolboxTest extends VenvFixtureTest {
    @Test
    void statusTellsRequestedFromDependenciesAndDeleteRemovesOnlyIsoenvsEnvironment() throws IOException {
        EnvironmentSpec spec = spec("tool").requirement(TestPackages.GREETER).build();
        Environment env = isoenv.ensure(spec);

        EnvironmentStatus status = isoenv.status(spec.location());
        assertEquals(EnvironmentStatus.State.READY, status.state());
        assertEquals("venv", status.backend().orElseThrow());
        assertEquals(env.run("python", "-c", "import platform; print(platform.python_version())").requireSuccess()
                .stdout().strip(), status.pythonVersion().orElseThrow());
        assertTrue(status.satisfies(spec));
        assertFalse(status.satisfies(spec.toBuilder().installerArguments("--pre").build()));
        assertTrue(status.isRequested(TestPackages.GREETER));
        assertFalse(status.isRequested(TestPackages.HELLO), "a dependency");
        assertEquals("1.1", status.installed().stream().filter(d -> d.normalizedName().equals(TestPackages.HELLO))
                .findFirst().orElseThrow().version(), "greeter needs hello<2: 1.1");

        Path mine = Files.createDirectories(workDir.resolve("mine"));
        Files.writeString(mine.resolve("data.csv"), "1,2,3");
        assertEquals(EnvironmentStatus.State.NOT_ISOENV, isoenv.status(mine).state());
        EnvironmentConflictException refused = assertThrows(EnvironmentConflictException.class,
                () -> isoenv.delete(mine));
        assertTrue(refused.getMessage().contains("Delete it yourself if you mean to"), refused.getMessage());
        assertEquals("1,2,3", Files.readString(mine.resolve("data.csv")));

        assertTrue(isoenv.delete(spec.location()));
        assertFalse(Files.exists(spec.location()));
        assertEquals(EnvironmentStatus.State.ABSENT, isoenv.status(spec.location()).state());
        assertFalse(isoenv.delete(spec.location()), "nothing left to delete");
    }

    @Test
    void underTheCallersLockEnsureAndRunGoAheadOnThisThread() {
        EnvironmentSpec spec = spec("locked").pip(false).build();
        try (EnvironmentLock lock = isoenv.lock(spec.location(), Duration.ofMinutes(1))) {
            Environment env = isoenv.ensure(spec);
            assertEquals(0, env.run("python", "-c", "pass").exitCode());
            assertEquals(spec.location(), lock.location());
        }
        assertEquals(EnvironmentStatus.State.READY, isoenv.status(spec.location()).state());
    }

    @Test
    void stdinComesAsBytesOrFromAFile() throws IOException {
        Environment env = isoenv.ensure(spec("stdin").pip(false).build());
        String echo = "import sys; data = sys.stdin.buffer.read(); print(len(data), data.decode('utf-8'))";
        RunResult bytes = env.run(List.of("python", "-c", echo), RunOptions.builder()
                .stdin("naïve\nline two".getBytes(StandardCharsets.UTF_8)).build()).requireSuccess();
        assertEquals("15 naïve\nline two", bytes.stdout().strip(), "6 + 1 + 8 bytes: ï is two in UTF-8");

        Path file = Files.writeString(workDir.resolve("input.txt"), "from a file");
        assertEquals("11 from a file", env.run(List.of("python", "-c", echo), RunOptions.builder().stdin(file)
                .build()).requireSuccess().stdout().strip());
        assertEquals("0", env.run(List.of("python", "-c", echo), RunOptions.defaults()).requireSuccess().stdout()
                .strip(), "by default stdin is closed: end-of-file at once");
    }

    @Test
    void aMissingStdinFileOrDirectoryIsNamedBeforeTheProcessStarts() throws IOException {
        Environment env = isoenv.ensure(spec("options").pip(false).build());
        List<String> command = List.of("python", "-c", "print('ran')");
        Path missing = workDir.resolve("missing.txt");

        ProcessStartException stdin = assertThrows(ProcessStartException.class, () -> env.run(command,
                RunOptions.builder().stdin(missing).build()));
        assertTrue(stdin.getMessage().contains("RunOptions.stdin names " + missing.toAbsolutePath()
                + ", which does not exist."), stdin.getMessage());
        assertFalse(stdin.getMessage().contains("Check that the executable exists"), stdin.getMessage());

        ProcessStartException directoryAsStdin = assertThrows(ProcessStartException.class, () -> env.run(command,
                RunOptions.builder().stdin(workDir).build()));
        assertTrue(directoryAsStdin.getMessage().contains("RunOptions.stdin names " + workDir.toAbsolutePath()
                + ", which is a directory"), directoryAsStdin.getMessage());

        Path nowhere = workDir.resolve("no-such-dir");
        ProcessStartException directory = assertThrows(ProcessStartException.class, () -> env.run(command,
                RunOptions.builder().directory(nowhere).build()));
        assertTrue(directory.getMessage().contains("RunOptions.directory names " + nowhere.toAbsolutePath()
                + ", which does not exist."), directory.getMessage());
        assertFalse(directory.getMessage().contains(".."), directory.getMessage());

        Path file = Files.writeString(workDir.resolve("a-file"), "x");
        ProcessStartException fileAsDirectory = assertThrows(ProcessStartException.class, () -> env.run(command,
                RunOptions.builder().directory(file).build()));
        assertTrue(fileAsDirectory.getMessage().contains("RunOptions.directory names " + file.toAbsolutePath()
                + ", which is a file"), fileAsDirectory.getMessage());

        // With both in place, the same command runs.
        assertEquals("ran", env.run(command, RunOptions.builder().stdin(file).directory(workDir).build())
                .requireSuccess().stdout().strip());
    }

    @Test
    void binaryStdoutReachesTheStreamByteForByte() {
        Environment env = isoenv.ensure(spec("binary").pip(false).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunResult result = env.run(List.of("python", "-c", "import sys; sys.stdout.buffer.write(bytes(range(256)) * 3);"
                + " sys.stderr.write('done')"), RunOptions.builder().stdout(out).build()).requireSuccess();
        byte[] expected = new byte[256 * 3];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i % 256);
        }
        assertArrayEquals(expected, out.toByteArray());
        assertEquals("", result.stdout(), "sent to the stream, not captured");
        assertEquals("done", result.stderr().strip(), "stderr is still captured");

        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        ProcessOutputException e = assertThrows(ProcessOutputException.class, () -> env.run(List.of("python", "-c",
                "import sys, time\nfor i in range(600):\n    sys.stdout.buffer.write(b'x' * 65536); sys.stdout.flush()"),
                RunOptions.builder().stdout(broken).build()));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    }

    @Test
    void inheritIoConnectsTheToolToThisJvmsStreams() throws Exception {
        Path input = Files.writeString(workDir.resolve("typed.txt"), "typed-line\n");
        Path env = workDir.resolve("interactive");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildJvm.classPath(), InteractiveRun.class.getName(), env.toString())
                .redirectInput(input.toFile()).redirectErrorStream(true);
        Process process = child.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), out);
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.contains("python at " + env + " read typed-line"), out);
        assertTrue(out.contains("exit 0, captured 0+0"), out);
    }

    @Test
    void processBuilderResolvesTheExecutableInsideTheEnvironment() throws Exception {
        Environment env = isoenv.ensure(spec("builder").requirement(TestPackages.HELLO + "==1.0").build());
        ProcessBuilder builder = env.processBuilder("python", "-c", "import sys; print(sys.prefix)");
        assertEquals(env.findExecutable("python").orElseThrow().toString(), builder.command().get(0));
        assertEquals(env.environmentVariables(), Map.copyOf(builder.environment()));
        assertEquals(env.root().toString(), output(builder.redirectErrorStream(true).start()));

        assertEquals(TestPackages.helloGreeting("1.0"), output(env.processBuilder(TestPackages.HELLO_SCRIPT).start()),
                "a console script by its bare name");

        // The trap the method avoids: a bare name is looked up on the JVM's PATH, not the child's.
        ProcessBuilder bare = new ProcessBuilder("python3", "-c", "import sys; print(sys.prefix)");
        bare.environment().putAll(env.environmentVariables());
        String host = output(bare.start());
        assertNotEquals(env.root().toString(), host, "new ProcessBuilder(\"python3\") ran " + host);

        assertThrows(CommandNotFoundException.class, () -> env.processBuilder("isoenv-no-such-tool"));
        assertThrows(IllegalArgumentException.class, env::processBuilder);
    }

    private static String output(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(1, TimeUnit.MINUTES));
        return out;
    }
}
