package dev.isoenv.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many callers in several JVMs ensure one environment at the same moment: exactly one of them creates it and
 * installs into it, every caller gets a working environment, and none fails.
 */
class ConcurrentJvmsTest {
    private static final int JVMS = 3;
    private static final int THREADS = 6;

    @TempDir
    Path dir;

    private PackageIndexServer server;
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void startIndex() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
    }

    @AfterEach
    void stop() {
        for (Process child : children) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        server.close();
    }

    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void eighteenCallersInThreeJvmsGetOneCreationOneInstallAndNoFailure() throws Exception {
        Path location = dir.resolve("shared");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < JVMS; i++) {
            Path log = dir.resolve("jvm-" + i + ".log");
            logs.add(log);
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath(),
                    ConcurrentEnsureInChildJvm.class.getName(), location.toString(), server.indexUrl(),
                    Integer.toString(THREADS), TestPackages.HELLO + "==1.1");
            builder.environment().remove("ISOENV_BACKEND");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            children.add(builder.start());
        }
        // Every JVM has its callers waiting before any is released.
        for (Path log : logs) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!(Files.exists(log) && Files.readString(log).contains("waiting"))) {
                assertTrue(System.nanoTime() < deadline, "a child JVM did not start: " + log);
                Thread.sleep(20);
            }
        }
        Files.writeString(Path.of(location + ".go"), "go");
        List<String> launches = new ArrayList<>();
        int ok = 0;
        for (int i = 0; i < JVMS; i++) {
            Process child = children.get(i);
            assertTrue(child.waitFor(5, TimeUnit.MINUTES), "JVM " + i + " finished");
            List<String> lines = Files.readAllLines(logs.get(i));
            assertEquals(0, child.exitValue(), String.join("\n", lines));
            launches.addAll(lines.stream().filter(l -> l.startsWith("launch ")).collect(Collectors.toList()));
            ok += lines.stream().filter(l -> l.startsWith("ok ")).mapToInt(l -> Integer.parseInt(l.substring(3)))
                    .sum();
        }
        long creations = launches.stream().filter(l -> l.contains(" -m venv ")).count();
        long installs = launches.stream().filter(l -> l.contains(" pip install ") && l.contains(TestPackages.HELLO))
                .count();
        assertEquals(JVMS * THREADS, ok, "every caller got a working environment");
        assertEquals(1, creations, "one creation: " + launches);
        assertEquals(1, installs, "one install: " + launches);
        FaultFigures.record(JVMS * THREADS + " callers in " + JVMS + " JVMs ensured one environment at once: "
                + creations + " creation, " + installs + " install, " + ok + " working environments, 0 failures");
    }
}
