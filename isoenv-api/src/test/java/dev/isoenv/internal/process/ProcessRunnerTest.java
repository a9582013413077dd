package dev.isoenv.internal.process;

import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.OperationInterruptedException;
import dev.isoenv.OutputListener;
import dev.isoenv.ProcessOutputException;
import dev.isoenv.ProcessStartException;
import dev.isoenv.ProcessTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real child processes (the machine's python3) through the runner. */
class ProcessRunnerTest {
    private static final String PYTHON = dev.isoenv.testing.python.PythonLocator.python3().toString();

    private final ProcessRunner runner = ProcessRunner.create();

    private ProcessResult python(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
        command.addAll(List.of(args));
        return runner.run(ProcessRequest.command(command).timeout(Duration.ofSeconds(60)).build());
    }

    @Test
    void passesEveryArgumentVerbatimWithoutAShell() {
        List<String> args = List.of("two words", "\"double\"", "'single'", "$HOME", "${x}", "*", "a;b", "a && b",
                "`id`", "back\\slash", "--flag", "ünïcødé", "");
        ProcessResult result = python("import sys, json; sys.stdout.buffer.write(json.dumps(sys.argv[1:]).encode())",
                args.toArray(new String[0]));
        assertEquals(0, result.exitCode());
        assertEquals(jsonArray(args), result.stdout().strip());
    }

    @Test
    void aShellMetacharacterCannotRunASecondCommand(@TempDir Path dir) {
        Path marker = dir.resolve("marker");
        ProcessResult result = python("import sys; print(sys.argv[1])", "x; touch " + marker + " && echo pwned");
        assertEquals("x; touch " + marker + " && echo pwned", result.stdout().strip());
        assertFalse(Files.exists(marker));
    }

    @Test
    void streamsUtf8LinesFromBothStreamsToTheListener() {
        List<String> lines = new CopyOnWriteArrayList<>();
        ProcessResult result = runner.run(ProcessRequest.command(PYTHON, "-c", String.join("\n",
                        "import sys",
                        "sys.stdout.buffer.write('naïve café\\r\\nline2\\n'.encode('utf-8'))",
                        "sys.stdout.flush()",
                        "sys.stderr.buffer.write('日本語 error\\nno newline at end'.encode('utf-8'))"))
                .listener((stream, line) -> lines.add(stream + ":" + line)).build());
        assertTrue(lines.containsAll(List.of("STDOUT:naïve café", "STDOUT:line2", "STDERR:日本語 error",
                "STDERR:no newline at end")), lines.toString());
        assertEquals("naïve café\nline2\n", result.stdout());
        assertEquals(4, result.tail().size());
    }

    @Test
    void doesNotDeadlockWhenAChildFillsBothPipes() {
        // 4 MiB on each stream, interleaved; a runner that drained one stream after the other would hang here.
        java.util.concurrent.atomic.AtomicInteger stdoutLines = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger stderrLines = new java.util.concurrent.atomic.AtomicInteger();
        List<String> lastStdout = new CopyOnWriteArrayList<>();
        ProcessResult result = runner.run(ProcessRequest.command(PYTHON, "-c", String.join("\n",
                        "import sys",
                        "chunk = 'x' * 1023 + '\\n'",
                        "for i in range(4096):",
                        "    sys.stdout.write(chunk)",
                        "    sys.stderr.write(chunk)",
                        "sys.stdout.write('done\\n')"))
                .listener((stream, line) -> {
                    if (stream == OutputListener.Stream.STDOUT) {
                        stdoutLines.incrementAndGet();
                        lastStdout.add(0, line);
                    } else {
                        stderrLines.incrementAndGet();
                    }
                })
                .timeout(Duration.ofMinutes(2)).captureLimit(10_000).tailLines(3).build());
        assertEquals(0, result.exitCode());
        assertEquals(4097, stdoutLines.get());
        assertEquals(4096, stderrLines.get());
        assertEquals("done", lastStdout.get(0));
        assertTrue(result.stdout().length() <= 10_000 + 50, "capture stops at the limit");
        assertTrue(result.stdout().endsWith("done\n"), "the last lines are kept");
        assertEquals(3, result.tail().size());
    }

    @Test
    void twoHundredMegabytesOfOutputKeepABoundedCaptureAndTheRightTail() {
        AtomicLong seen = new AtomicLong();
        ProcessResult result = runner.run(ProcessRequest.command(PYTHON, "-c", String.join("\n",
                        "import sys",
                        "block = ''.join('line %d %s\\n' % (i, 'x' * 90) for i in range(1000))",
                        "for i in range(2000):",
                        "    sys.stdout.write(block)",
                        "sys.stdout.write('the very end\\n')"))
                .listener((stream, line) -> seen.incrementAndGet())
                .timeout(Duration.ofMinutes(3)).captureLimit(1 << 20).tailLines(2).build());
        assertEquals(0, result.exitCode());
        assertEquals(2_000_001, seen.get());
        assertTrue(result.stdout().length() <= (1 << 20) + 50, "bounded: " + result.stdout().length());
        assertTrue(result.stdout().startsWith("line 0 xxx"));
        assertTrue(result.stdout().endsWith("line 999 " + "x".repeat(90) + "\nthe very end\n"));
        assertEquals(List.of("line 999 " + "x".repeat(90), "the very end"), result.tail());
    }

    @Test
    void aListenerThatThrowsDoesNotHangTheCall() {
        String script = "import sys\nfor i in range(200000): sys.stdout.write('%d\\n' % i)";
        ProcessResult result = runner.run(ProcessRequest.command(PYTHON, "-c", script)
                .listener((stream, line) -> {
                    throw new IllegalStateException("listener bug");
                }).build());
        assertEquals(0, result.exitCode());
        assertTrue(result.stdout().endsWith("199999\n"));

        // An Error (here a simulated OutOfMemoryError) fails the call instead of leaving the child on a full pipe.
        String endless = "import sys\nwhile True: sys.stdout.write('x' * 100 + '\\n')";
        ProcessOutputException e = assertThrows(ProcessOutputException.class, () -> runner.run(
                ProcessRequest.command(PYTHON, "-c", endless).listener((stream, line) -> {
                    throw new OutOfMemoryError("simulated");
                }).build()));
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
    }

    @Test
    void aSmallHeapWithTheLargeDefaultCaptureStillCompletes() throws Exception {
        // A child JVM with -Xmx64m runs a 200 MB tool with the 16 Mi characters Environment.run allows.
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(javaExe, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                SmallHeapMain.class.getName(), PYTHON).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), output);
        assertEquals(0, jvm.exitValue(), output);
        assertTrue(output.contains("exit=0 lines=2000001 end=true"), output);
    }

    /** The child JVM of {@link #aSmallHeapWithTheLargeDefaultCaptureStillCompletes}. */
    public static final class SmallHeapMain {
        public static void main(String[] args) {
            AtomicLong lines = new AtomicLong();
            ProcessResult r = ProcessRunner.create().run(ProcessRequest.command(args[0], "-c", String.join("\n",
                            "import sys",
                            "block = ''.join('line %d %s\\n' % (i, 'y' * 90) for i in range(1000))",
                            "for i in range(2000):",
                            "    sys.stdout.write(block)",
                            "    sys.stderr.write(block)",
                            "sys.stdout.write('the very end\\n')"))
                    .listener((s, l) -> lines.incrementAndGet())
                    .captureLimit(16 * 1024 * 1024).timeout(Duration.ofMinutes(2)).build());
            System.out.println("exit=" + r.exitCode() + " lines=" + (lines.get() / 2 + 1)
                    + " end=" + r.stdout().endsWith("the very end\n"));
        }
    }

    @Test
    void returnsNonZeroExitCodes() {
        assertEquals(7, python("import sys; sys.exit(7)").exitCode());
    }

    @Test
    void closesStdinSoAQuestionGetsEndOfFile() {
        ProcessResult result = python("import sys\ntry:\n    input('proceed? ')\nexcept EOFError:\n    print('eof')");
        assertEquals("proceed? eof", result.stdout().strip());
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        String script = String.join("\n",
                "import subprocess, sys, time",
                "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])",
                "open(sys.argv[1], 'w').write(str(p.pid))",
                "time.sleep(300)");
        ProcessRequest request = ProcessRequest.command(PYTHON, "-c", script, pidFile.toString())
                .timeout(Duration.ofSeconds(3)).build();
        ProcessTimeoutException e = assertThrows(ProcessTimeoutException.class, () -> runner.run(request));
        assertEquals(Duration.ofSeconds(3), e.timeout());
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(isAliveAfterGrace(grandchild), "the grandchild was killed too");
    }

    /**
     * A Python script that double-forks: the grandchild calls setsid, so it leaves the process tree (re-parented to
     * init, in a new session), closes its pipes, writes its pid, and after a while writes {@code escaped}. The
     * child sleeps until killed.
     */
    private static final String ESCAPING_GRANDCHILD = String.join("\n",
            "import os, sys, time",
            "if os.fork() == 0:",
            "    os.setsid()",
            "    if os.fork() != 0:",
            "        os._exit(0)",
            "    devnull = os.open(os.devnull, os.O_RDWR)",
            "    for fd in (0, 1, 2):",
            "        os.dup2(devnull, fd)",
            "    open(sys.argv[1] + '.tmp', 'w').write(str(os.getpid()))",
            "    os.rename(sys.argv[1] + '.tmp', sys.argv[1])",
            "    time.sleep(float(sys.argv[3]))",
            "    open(sys.argv[2], 'w').write('escaped')",
            "    os._exit(0)",
            "os.wait()",
            "time.sleep(300)");

    @Test
    void aTimeoutEndsADescendantThatStartedANewSessionAndLeftTheTree(@TempDir Path dir) throws Exception {
        assumeTrue(ProcessMarker.canFind(), "finding a descendant that left the tree needs /proc (Linux)");
        Path pidFile = dir.resolve("escaper.pid");
        Path escaped = dir.resolve("escaped");
        ProcessRequest request = ProcessRequest.command(PYTHON, "-c", ESCAPING_GRANDCHILD, pidFile.toString(),
                escaped.toString(), "4").timeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        assertThrows(ProcessTimeoutException.class, () -> runner.run(request));
        long escaper = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(isAliveAfterGrace(escaper), "the setsid grandchild was ended with the tree");
        Thread.sleep(Math.max(0, Duration.ofSeconds(6).toMillis() - (System.nanoTime() - start) / 1_000_000));
        assertFalse(Files.exists(escaped), "it never got to write after the timeout");
    }

    @Test
    void anInterruptEndsADescendantThatStartedANewSession(@TempDir Path dir) throws Exception {
        assumeTrue(ProcessMarker.canFind(), "finding a descendant that left the tree needs /proc (Linux)");
        Path pidFile = dir.resolve("escaper.pid");
        Path escaped = dir.resolve("escaped");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run(ProcessRequest.command(PYTHON, "-c", ESCAPING_GRANDCHILD, pidFile.toString(),
                        escaped.toString(), "4").build());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        long start = System.nanoTime();
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long escaper = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(ProcessHandle.current().descendants().anyMatch(h -> h.pid() == escaper),
                "the escaper has left this JVM's tree, so only its marker can find it");
        worker.interrupt();
        worker.join(30_000);
        assertInstanceOf(OperationInterruptedException.class, thrown.get());
        assertFalse(isAliveAfterGrace(escaper));
        Thread.sleep(Math.max(0, Duration.ofSeconds(6).toMillis() - (System.nanoTime() - start) / 1_000_000));
        assertFalse(Files.exists(escaped), "it never got to write after the interrupt");
    }

    @Test
    void aProcessTheTrackerCannotRecordIsKilledAndTheCallFailsWithTheTrackersError() throws Exception {
        AtomicReference<ProcessHandle> started = new AtomicReference<>();
        ProcessRunner failing = runner.tracking(new ProcessTracker() {
            @Override
            public void started(String token, ProcessHandle process) {
                started.set(process);
                throw new IllegalStateException("disk full: the record could not be written");
            }
        });
        long begin = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.run(
                ProcessRequest.command(PYTHON, "-c", "import time; time.sleep(300)")
                        .timeout(Duration.ofSeconds(60)).build()));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertFalse(isAliveAfterGrace(started.get().pid()), "an unrecorded process does not run on");
        assertTrue(Duration.ofNanos(System.nanoTime() - begin).toSeconds() < 30, "and the call did not hang");
    }

    @Test
    void anInterruptThatComesWhileTheProcessIsBeingLaunchedStillEndsIt() throws Exception {
        AtomicReference<ProcessHandle> started = new AtomicReference<>();
        java.util.concurrent.CountDownLatch launching = new java.util.concurrent.CountDownLatch(1);
        ProcessRunner slow = ProcessRunner.withLaunchListener(command -> {
            launching.countDown();
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).tracking(new ProcessTracker() {
            @Override
            public void started(String token, ProcessHandle process) {
                started.set(process);
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                slow.run(ProcessRequest.command(PYTHON, "-c", "import time; time.sleep(300)").build());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        assertTrue(launching.await(30, java.util.concurrent.TimeUnit.SECONDS));
        worker.interrupt();
        worker.join(30_000);
        assertInstanceOf(OperationInterruptedException.class, thrown.get());
        Thread.sleep(1500);
        ProcessHandle late = started.get();
        assertTrue(late == null || !isAliveAfterGrace(late.pid()), "a process launched after the interrupt is ended");
    }

    @Test
    void everyProcessCarriesItsMarkerAndTheTrackerIsToldOfEachStart() {
        List<String> events = new CopyOnWriteArrayList<>();
        ProcessRunner tracked = runner.tracking(new ProcessTracker() {
            @Override
            public void starting(String token, String command) {
                events.add("starting " + token);
            }

            @Override
            public void started(String token, ProcessHandle process) {
                events.add("started " + token + " " + process.pid());
            }

            @Override
            public void ended(String token) {
                events.add("ended " + token);
            }
        });
        ProcessResult result = tracked.run(ProcessRequest.command(PYTHON, "-c",
                "import os; print(os.environ['" + ProcessMarker.VARIABLE + "'], os.getpid())").build());
        String[] printed = result.stdout().strip().split(" ");
        assertEquals(List.of("starting " + printed[0], "started " + printed[0] + " " + printed[1],
                "ended " + printed[0]), events);
    }

    @Test
    void anInterruptKillsTheChildAndKeepsTheInterruptFlag(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run(ProcessRequest.command(PYTHON, "-c",
                        "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(300)",
                        pidFile.toString()).build());
            } catch (Throwable t) {
                thrown.set(t);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        worker.interrupt();
        worker.join(30_000);
        assertInstanceOf(OperationInterruptedException.class, thrown.get());
        assertTrue(flag.get(), "the interrupt flag is set again");
        assertFalse(isAliveAfterGrace(Long.parseLong(Files.readString(pidFile).strip())));
    }

    @Test
    void aMissingExecutableIsATypedError(@TempDir Path dir) {
        ProcessStartException e = assertThrows(ProcessStartException.class,
                () -> runner.run(ProcessRequest.command(dir.resolve("no-such-tool").toString(), "--version").build()));
        assertTrue(e.getMessage().contains("no-such-tool"), e.getMessage());
    }

    @Test
    void aStartFailureReadsAsOneSentenceEach(@TempDir Path dir) {
        ProcessStartException e = assertThrows(ProcessStartException.class, () -> runner.run(
                ProcessRequest.command(PYTHON, "-c", "pass").directory(dir.resolve("no-such-dir")).build()));
        assertTrue(e.getMessage().contains("no-such-dir"), e.getMessage());
        assertFalse(e.getMessage().contains(".."), "no doubled period: " + e.getMessage());
    }

    @Test
    void masksSecretsInOutputCommandAndLaunchEvents() {
        List<List<String>> launched = Collections.synchronizedList(new ArrayList<>());
        List<String> heard = new CopyOnWriteArrayList<>();
        ProcessResult result = ProcessRunner.withLaunchListener(launched::add).run(ProcessRequest.command(PYTHON, "-c",
                        "import sys; print('fetching ' + sys.argv[1]); print('token s3cr3t-token rejected')",
                        "https://user:s3cr3t-token@pkgs.example/simple")
                .masking(Redactor.of(List.of("s3cr3t-token"))::redact)
                .listener((OutputListener.Stream s, String l) -> heard.add(l)).build());
        String everything = result.stdout() + result.command() + launched + heard + result.tail();
        assertFalse(everything.contains("s3cr3t"), everything);
        assertEquals(1, launched.size());
        assertTrue(heard.contains("fetching https://****@pkgs.example/simple"), heard.toString());
    }

    private static boolean isAliveAfterGrace(long pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return false;
            }
        }
        return true;
    }

    private static String jsonArray(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append('"');
            for (char c : values.get(i).toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c > 126) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    @SuppressWarnings("unused")
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
