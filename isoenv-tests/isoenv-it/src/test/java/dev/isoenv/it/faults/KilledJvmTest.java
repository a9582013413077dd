package dev.isoenv.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.SdistBuilder;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with SIGKILL in the middle of {@code ensure()} leaves its children running: the file lock dies with
 * the JVM, but a {@code pip install} stalled on the index, or a build backend that keeps working, would go on
 * writing into the environment while the next {@code ensure()} repairs it. Each test starts {@link EnsureInChildJvm}
 * in a child JVM, waits until its install reaches a chosen point, kills the JVM with SIGKILL, checks that the orphans
 * really are running, then ensures the same environment in this JVM and checks that they were ended before the
 * repair and never wrote anything afterwards.
 */
class KilledJvmTest {
    /** How long the build backend sleeps before it would write into the environment. */
    private static final int SLEEP_SECONDS = 25;
    private static final String STALLED = "isoenv-demo-stalled";
    private static final String SLEEPER = "isoenv-demo-sleeper";

    @TempDir
    Path dir;

    private PackageIndexServer server;
    private final List<Process> children = new ArrayList<>();
    private final Set<ProcessHandle> orphans = new LinkedHashSet<>();

    @BeforeEach
    void startIndex() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
        server.publish(WheelBuilder.wheel(STALLED, "1.0").file("isoenv_demo_stalled/__init__.py", "").build());
    }

    @AfterEach
    void stopEverything() {
        // Whatever a failed assertion left behind is ended here, so the suite never leaks processes.
        for (Process child : children) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        // Handles, not pids: a handle never reaches a process that reused the pid.
        orphans.forEach(ProcessHandle::destroyForcibly);
        server.releaseStalledRequests();
        server.close();
    }

    private EnvironmentSpec spec(Path location, String requirement) {
        return EnvironmentSpec.builder(location)
                .python(PythonRequest.defaultPython())
                .backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirement(requirement)
                .build();
    }

    /** Starts {@link EnsureInChildJvm} in a child JVM with this JVM's class path. */
    private Process startChild(Path location, String requirement) throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, entries),
                EnsureInChildJvm.class.getName(), location.toString(), server.indexUrl(), requirement);
        builder.environment().remove("ISOENV_BACKEND");
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("child-" + children.size() + ".log").toFile());
        Process child = builder.start();
        children.add(child);
        return child;
    }

    /** SIGKILLs the child JVM (destroyForcibly is SIGKILL on Linux and macOS) and waits for it to be gone. */
    private static void killWithSigkill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the child JVM died");
    }


    private static void awaitFile(Path file, Duration timeout, Process child) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline || !child.isAlive()) {
                throw new AssertionError(file + " did not appear; the child JVM " + (child.isAlive() ? "is still"
                        + " running" : "exited with " + child.exitValue()));
            }
            Thread.sleep(50);
        }
    }

    private Environment ensureHere(EnvironmentSpec spec) {
        return IsoenvClient.builder().build().ensure(spec);
    }

    private static void assertEnded(long pid, String what) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), what + " was ended");
    }

    private static Path ledger(Path location) {
        return location.resolveSibling("." + location.getFileName() + ".isoenv-processes");
    }

    @Test
    void aPipInstallStalledOnTheIndexIsEndedBeforeTheRepairAndNeverInstallsAfterIt() throws Exception {
        Path location = dir.resolve("stalled");
        String page = server.projectPath(PackageIndexServer.DEFAULT_INDEX, STALLED);
        server.stall(page);
        Process child = startChild(location, STALLED);
        assertTrue(server.awaitRequest(page, Duration.ofMinutes(3)).isPresent(), "the child's pip reached the index");
        killWithSigkill(child);

        List<ProcessHandle> pip = Processes.installing(location, STALLED);
        orphans.addAll(pip);
        assertFalse(pip.isEmpty(), "the killed JVM's pip is still running: the fault is real");
        assertTrue(Files.exists(ledger(location)), "the processes were recorded beside the environment");

        Environment env = ensureHere(spec(location, TestPackages.GREETER));
        for (ProcessHandle h : pip) {
            assertEnded(h.pid(), "the orphaned " + h.info().commandLine().orElse("pip"));
        }
        assertFalse(Files.exists(ledger(location)), "the record is gone once nothing recorded runs");

        // Were the orphan alive, the released request would let it install the stalled package now.
        server.releaseStalledRequests();
        Thread.sleep(3000);
        assertTrue(env.installedDistribution(STALLED).isEmpty(), "the orphan never installed after the repair");
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                env.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        FaultFigures.record("SIGKILL of the JVM while its pip waited on a stalled index: " + pip.size()
                + " orphaned process(es) ended by the next ensure() before it repaired; the stalled package never"
                + " installed after");
    }

    @Test
    void aBuildBackendAndASetsidGrandchildAreEndedBeforeTheRepairAndNeverWriteAfterIt() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/environ")),
                "a grandchild that left the tree is found by its marker in /proc (Linux); the backend forks (POSIX)");
        Path location = dir.resolve("sleeper");
        Path started = dir.resolve("backend.pid");
        Path escaper = dir.resolve("escaper.pid");
        Path wrote = dir.resolve("backend-wrote");
        Path escaped = dir.resolve("escaper-wrote");
        server.publish(sleeperSdist(started, escaper, wrote, escaped));
        Process child = startChild(location, SLEEPER);
        awaitFile(started, Duration.ofMinutes(3), child);
        awaitFile(escaper, Duration.ofSeconds(30), child);
        long killedAt = System.nanoTime();
        killWithSigkill(child);

        long backend = Long.parseLong(Files.readString(started).strip());
        long grandchild = Long.parseLong(Files.readString(escaper).strip());
        ProcessHandle.of(backend).ifPresent(orphans::add);
        ProcessHandle.of(grandchild).ifPresent(orphans::add);
        orphans.addAll(Processes.installing(location, SLEEPER));
        assertTrue(ProcessHandle.of(backend).map(ProcessHandle::isAlive).orElse(false),
                "the killed JVM's build backend is still running: the fault is real");
        assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false),
                "so is the grandchild that left the tree with setsid");

        Environment env = ensureHere(spec(location, TestPackages.GREETER));
        assertEnded(backend, "the build backend");
        assertEnded(grandchild, "the setsid grandchild");
        for (ProcessHandle orphan : orphans) {
            assertEnded(orphan.pid(), "pid " + orphan.pid());
        }
        assertTrue(env.installedDistribution(TestPackages.GREETER).isPresent());

        long waited = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
        Thread.sleep(Math.max(0, Duration.ofSeconds(SLEEP_SECONDS + 2).toMillis() - waited));
        assertFalse(Files.exists(wrote), "the build backend never wrote after the repair");
        assertFalse(Files.exists(escaped), "the setsid grandchild never wrote after the repair");
        assertTrue(env.installedDistribution(SLEEPER).isEmpty());
        FaultFigures.record("SIGKILL of the JVM while a build backend ran: " + orphans.size() + " orphaned processes,"
                + " a setsid grandchild among them, ended by the next ensure() before it repaired; nothing written"
                + " after");
    }

    /**
     * An sdist whose in-tree build backend, asked for its build requirements, starts a grandchild that leaves the
     * tree (double fork and setsid), writes its own pid, then sleeps and would write a file; so would the grandchild.
     */
    private static DistributionFile sleeperSdist(Path started, Path escaper, Path wrote, Path escaped) {
        String backend = String.join("\n",
                "import os, time",
                "SLEEP = " + SLEEP_SECONDS,
                "def _write(path, text):",
                "    with open(path + '.tmp', 'w') as f:",
                "        f.write(text)",
                "    os.rename(path + '.tmp', path)",
                "def get_requires_for_build_wheel(config_settings=None):",
                "    if os.fork() == 0:",
                "        os.setsid()",
                "        if os.fork() != 0:",
                "            os._exit(0)",
                "        devnull = os.open(os.devnull, os.O_RDWR)",
                "        for fd in (0, 1, 2):",
                "            os.dup2(devnull, fd)",
                "        _write(" + pyString(escaper) + ", str(os.getpid()))",
                "        time.sleep(SLEEP)",
                "        _write(" + pyString(escaped) + ", 'escaped')",
                "        os._exit(0)",
                "    os.wait()",
                "    _write(" + pyString(started) + ", str(os.getpid()))",
                "    time.sleep(SLEEP)",
                "    _write(" + pyString(wrote) + ", 'wrote')",
                "    return []",
                "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):",
                "    raise RuntimeError('never built')",
                "");
        return SdistBuilder.sdist(SLEEPER, "1.0")
                .file("pyproject.toml", "[build-system]\nrequires = []\nbuild-backend = \"isoenv_sleeper_backend\"\n"
                        + "backend-path = [\".\"]\n")
                .file("isoenv_sleeper_backend.py", backend)
                .build();
    }

    private static String pyString(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
