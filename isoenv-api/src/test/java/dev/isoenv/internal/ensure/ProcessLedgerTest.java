package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.internal.process.ProcessMarker;
import dev.isoenv.internal.process.ProcessRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of running processes beside an environment, and how the next ensure() ends what it names. */
class ProcessLedgerTest {
    private static final String PYTHON = PythonLocator.python3().toString();

    @TempDir
    Path dir;

    private Process sleeper;

    @AfterEach
    void endSleeper() {
        if (sleeper != null) {
            sleeper.destroyForcibly();
        }
    }

    private Process startSleeper(String token) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(PYTHON, "-c", "import time; time.sleep(120)");
        if (token != null) {
            builder.environment().put(ProcessMarker.VARIABLE, token);
        }
        sleeper = builder.start();
        return sleeper;
    }

    private void writeLedger(Path root, String... lines) throws IOException {
        Files.writeString(ProcessLedger.ledgerFile(root), "# header\n" + String.join("\n", lines) + "\n");
    }

    private static long start(Process p) {
        return ProcessMarker.startMillis(p.toHandle()).orElseThrow();
    }

    @Test
    void withNoRecordNothingIsEndedAndNothingIsWritten() {
        Path root = dir.resolve("env");
        assertEquals(List.of(), ProcessLedger.endOrphans(root));
        assertFalse(Files.exists(ProcessLedger.ledgerFile(root)));
    }

    @Test
    void aRecordedProcessThatStillRunsIsEndedWithItsPidAndStartTime() throws Exception {
        Path root = dir.resolve("env");
        Process p = startSleeper(null);
        writeLedger(root, ProcessMarker.newToken() + "\t" + p.pid() + "\t" + start(p) + "\tpython -m pip install x");
        List<String> ended = ProcessLedger.endOrphans(root);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the orphan was ended");
        assertEquals(List.of("pid " + p.pid() + " (python -m pip install x)"), ended);
        assertFalse(Files.exists(ProcessLedger.ledgerFile(root)), "the record is deleted");
    }

    @Test
    void aReusedPidIsNeverKilled() throws Exception {
        Path root = dir.resolve("env");
        Process p = startSleeper(null);
        // The same pid, but a process that started a minute earlier: the recorded one is gone, this one is not it.
        writeLedger(root, ProcessMarker.newToken() + "\t" + p.pid() + "\t" + (start(p) - 60_000) + "\tpip install x",
                ProcessMarker.newToken() + "\t" + p.pid() + "\t-\tpip install y");
        assertEquals(List.of(), ProcessLedger.endOrphans(root));
        assertTrue(p.isAlive(), "a process that merely has a recorded pid is left alone");
        assertFalse(Files.exists(ProcessLedger.ledgerFile(root)));
    }

    @Test
    void aProcessThatCarriesARecordedMarkerIsEndedEvenWithoutItsPid() throws Exception {
        assumeTrue(ProcessMarker.canFind(), "finding processes by their marker needs /proc (Linux)");
        Path root = dir.resolve("env");
        String token = ProcessMarker.newToken();
        Process p = startSleeper(token);
        // The JVM died between writing the marker and learning the pid.
        writeLedger(root, token + "\t-\t-\tpython -m venv env", "not a ledger line", "zz\t1\t2\t");
        List<String> ended = ProcessLedger.endOrphans(root);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the marked orphan was ended");
        assertEquals(1, ended.size(), ended.toString());
        assertTrue(ended.get(0).contains("python -m venv env"), ended.toString());
    }

    @Test
    void theLedgerRecordsEachProcessWhileItRunsAndIsDeletedWhenAllHaveEnded() throws Exception {
        Path root = dir.resolve("env");
        Path file = ProcessLedger.ledgerFile(root);
        Path seen = dir.resolve("seen");
        try (ProcessLedger ledger = ProcessLedger.open(root)) {
            ProcessRunner runner = ProcessRunner.create().tracking(ledger);
            // The child copies the ledger while it runs: its own line is there, with its pid.
            runner.run(ProcessRequest.command(PYTHON, "-c",
                    "import os, shutil, sys; shutil.copy(sys.argv[1], sys.argv[2]); print(os.getpid())",
                    file.toString(), seen.toString()).timeout(Duration.ofSeconds(60)).build());
            assertFalse(Files.exists(file), "an ended process leaves no record");
        }
        String copy = Files.readString(seen);
        String[] line = copy.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow().split("\t");
        assertEquals(4, line.length, copy);
        assertTrue(line[0].matches("[0-9a-f]{32}"), copy);
        // The pid is recorded on the launching thread just after the start; the child may copy before or after.
        assertTrue(line[1].equals("-") || line[1].matches("[0-9]+"), copy);
        assertTrue(line[3].contains("-c"), copy);
        assertFalse(Files.exists(file));
    }

    @Test
    void aProcessWithAnotherMarkerIsLeftAlone() throws Exception {
        assumeTrue(ProcessMarker.canFind(), "finding processes by their marker needs /proc (Linux)");
        Path root = dir.resolve("env");
        Process p = startSleeper(ProcessMarker.newToken());
        writeLedger(root, ProcessMarker.newToken() + "\t-\t-\tpip install x");
        assertEquals(List.of(), ProcessLedger.endOrphans(root));
        assertTrue(p.isAlive(), "another start's process, a concurrent ensure() of another environment say, runs on");
    }

    @Test
    void pidsRecordedInAnotherBootOrOnAnotherMachineAreNeverMatched() throws Exception {
        Path root = dir.resolve("env");
        Process p = startSleeper(null);
        Files.writeString(ProcessLedger.ledgerFile(root), "# header\n# boot another-machine-or-boot\n"
                + ProcessMarker.newToken() + "\t" + p.pid() + "\t" + start(p) + "\tpip install x\n");
        assertEquals(List.of(), ProcessLedger.endOrphans(root));
        assertTrue(p.isAlive(), "the same pid and start time on another machine (a shared disk) is not this one");
    }

    @Test
    void aZombieCountsAsEndedSoTheRepairIsNotRefused() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "zombies are read from /proc (Linux)");
        Path root = dir.resolve("env");
        // The parent never reaps its child, which stays a zombie, as in a container whose first process reaps nothing.
        sleeper = new ProcessBuilder(PYTHON, "-c", "import os, sys, time\npid = os.fork()\nif pid == 0:\n"
                + "    os._exit(0)\nprint(pid, flush=True)\ntime.sleep(120)").start();
        long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(
                sleeper.getInputStream())).readLine().strip());
        ProcessHandle handle = ProcessHandle.of(zombie).orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessMarker.isRunning(handle) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(handle.isAlive(), "the JDK still calls it alive");
        assertFalse(ProcessMarker.isRunning(handle), "but it is a zombie");
        writeLedger(root, ProcessMarker.newToken() + "\t" + zombie + "\t"
                + ProcessMarker.startMillis(handle).orElse(-1L) + "\tpip install x");
        long begin = System.nanoTime();
        ProcessLedger.endOrphans(root);
        assertTrue(Duration.ofNanos(System.nanoTime() - begin).toSeconds() < 5, "no wait on a process that cannot act");
        assertFalse(Files.exists(ProcessLedger.ledgerFile(root)));
    }
}
