package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a person sees at a console and in a log, for the events of a cold ensure() and a failed one. */
class ConsoleReporterTest {
    private static final Path ENV = Path.of("envs", "ml").toAbsolutePath();
    private static final long GB = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    /** The reporter's clock, in nanoseconds; tests move it by hand. */
    private final AtomicLong now = new AtomicLong();

    private ConsoleReporter reporter(boolean live) {
        return new ConsoleReporter(out, live, now::get);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<EnsureEvent> coldEnsure() {
        return List.of(
                new EnsureEvent.BackendChosen(ENV, "venv", "named by the specification"),
                new EnsureEvent.Creating(ENV, "venv", "3.11", EnsureEvent.Creating.Reason.CREATING),
                new EnsureEvent.InterpreterFound(ENV, "/usr/bin/python3.11", "3.11.7"),
                new EnsureEvent.PlanChosen(ENV, "PyTorch from the cu126 index, the rest from PyPI.\nBecause of the GPU.",
                        Map.of("torch.variant", "cu126")),
                new EnsureEvent.StepStarted(ENV, 1, 2, "PyTorch from the cu126 index", List.of("torch==2.5.1"),
                        "https://download.pytorch.org/whl/cu126"),
                progress("torch", "", Phase.RESOLVING, -1, -1),
                progress("torch", "2.5.1+cu126", Phase.DOWNLOADING, 0, 2_400_000_000L),
                progress("torch", "2.5.1+cu126", Phase.DOWNLOADING, 1_200_000_000L, 2_400_000_000L),
                progress("torch", "2.5.1+cu126", Phase.DOWNLOADING, 2_400_000_000L, 2_400_000_000L),
                progress("torch", "2.5.1+cu126", Phase.INSTALLING, -1, -1),
                progress("torch", "2.5.1+cu126", Phase.INSTALLED, -1, -1),
                new EnsureEvent.StepStarted(ENV, 2, 2, "requirements", List.of("six"), "the default index"),
                progress("six", "1.17.0", Phase.INSTALLED, -1, -1),
                new EnsureEvent.Removing(ENV, List.of("idna"), "no requirement needs them any more"),
                new EnsureEvent.Verifying(ENV, "torch is the cu126 build and sees the GPU"),
                new EnsureEvent.Ready(ENV, Duration.ofMillis(12_345), 5, true));
    }

    private static PackageProgress progress(String name, String version, Phase phase, long done, long total) {
        return new PackageProgress(ENV, name, version, phase, done, total);
    }

    @Test
    void plainModeWritesOneLinePerMeaningfulEventAndNoByteProgress() {
        ConsoleReporter reporter = reporter(false);
        coldEnsure().forEach(reporter::onEvent);

        assertEquals(String.join("\n",
                "isoenv [ml] backend venv: named by the specification",
                "isoenv [ml] creating " + ENV + " (backend venv, Python 3.11)",
                "isoenv [ml] Python 3.11.7 (/usr/bin/python3.11)",
                "isoenv [ml] plan: PyTorch from the cu126 index, the rest from PyPI. {torch.variant=cu126}",
                "isoenv [ml] step 1/2: PyTorch from the cu126 index (torch==2.5.1) from"
                        + " https://download.pytorch.org/whl/cu126",
                "isoenv [ml] installed torch 2.5.1+cu126",
                "isoenv [ml] step 2/2: requirements (six) from the default index",
                "isoenv [ml] installed six 1.17.0",
                "isoenv [ml] removing idna: no requirement needs them any more",
                "isoenv [ml] verifying torch is the cu126 build and sees the GPU",
                "isoenv [ml] ready in 12.3 s (5 processes)",
                ""), output().replace(System.lineSeparator(), "\n"));
        assertFalse(output().contains("\r"));
        assertFalse(output().contains("downloading"));
    }

    @Test
    void liveModeDrawsAStatusLineThatRewritesItselfBelowThePermanentLines() {
        ConsoleReporter reporter = reporter(true);
        reporter.onEvent(new EnsureEvent.StepStarted(ENV, 1, 2, "PyTorch", List.of("torch"), "the cu126 index"));
        reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, 1_200_000_000L, 2_400_000_000L));

        String status = "isoenv [ml] 1/2 downloading torch 2.5.1 1.2 of 2.4 GB [########--------] 50%";
        assertTrue(output().endsWith("\r" + status), output());

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
        reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, 1_800_000_000L, 2_400_000_000L));
        assertTrue(output().endsWith("\risoenv [ml] 1/2 downloading torch 2.5.1 1.8 of 2.4 GB [############----]"
                + " 75%"), output());

        reporter.onEvent(progress("torch", "2.5.1", Phase.INSTALLING, -1, -1));
        String installing = "isoenv [ml] 1/2 installing torch 2.5.1";
        assertTrue(output().endsWith("\r" + installing + " ".repeat(status.length() - installing.length())),
                "a shorter status line blanks the rest of the longer one: " + output());

        reporter.onEvent(progress("torch", "2.5.1", Phase.INSTALLED, -1, -1));
        assertTrue(output().endsWith("\r" + " ".repeat(installing.length()) + "\risoenv [ml] installed torch 2.5.1"
                + System.lineSeparator()), "a permanent line first clears the status line: " + output());

        reporter.onEvent(new EnsureEvent.Ready(ENV, Duration.ofMillis(850), 3, true));
        assertTrue(output().endsWith("isoenv [ml] installed torch 2.5.1" + System.lineSeparator()
                + "isoenv [ml] ready in 850 ms (3 processes)" + System.lineSeparator()), output());
    }

    @Test
    void liveModeRedrawsAPackageAtMostEvery100MillisecondsButAlwaysOnAPhaseChange() {
        ConsoleReporter reporter = reporter(true);
        reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, 0, 2 * GB));
        for (int i = 1; i <= 9; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, i * GB / 10, 2 * GB));
        }
        assertEquals(1, count(output(), "downloading torch"), "90 ms of progress draws once: " + output());

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, GB, 2 * GB));
        assertEquals(2, count(output(), "downloading torch"), output());
        assertTrue(output().endsWith("1.0 of 2.0 GB [########--------] 50%"), output());

        reporter.onEvent(progress("torch", "2.5.1", Phase.DOWNLOADING, 2 * GB, 2 * GB));
        assertTrue(output().endsWith("2.0 of 2.0 GB [################] 100%"), "completion is always drawn");
        reporter.onEvent(progress("torch", "2.5.1", Phase.INSTALLING, -1, -1));
        assertTrue(output().contains("installing torch"), "a phase change is always drawn");
        reporter.onEvent(progress("six", "1.17.0", Phase.DOWNLOADING, 5_500, 11_000));
        assertTrue(output().endsWith("downloading six 1.17.0 5.5 of 11.0 kB [########--------] 50%"),
                "another package is drawn at once: " + output());
    }

    @Test
    void sizesUseTheUnitOfTheTotalAndUnknownTotalsHaveNoBar() {
        assertEquals(" 1.2 of 2.4 GB [########--------] 50%", ConsoleReporter.bytes(1_200_000_000L, 2_400_000_000L));
        assertEquals(" 0.5 of 5.0 MB [#---------------] 10%", ConsoleReporter.bytes(500_000, 5_000_000));
        assertEquals(" 0 of 485 bytes [----------------] 0%", ConsoleReporter.bytes(0, 485));
        assertEquals(" 12.6 MB", ConsoleReporter.bytes(12_582_912, -1));
        assertEquals("", ConsoleReporter.bytes(-1, -1));
        assertEquals(" 4.9 of 4.9 MB [################] 100%", ConsoleReporter.bytes(5_000_000, 4_884_812),
                "more than the total is shown as done");
        assertEquals("850 ms", ConsoleReporter.duration(Duration.ofMillis(850)));
        assertEquals("2 min 5 s", ConsoleReporter.duration(Duration.ofSeconds(125)));
    }

    @Test
    void aFailureShowsTheFirstLineOfItsMessageAndAWarmEnsureSaysNothingChanged() {
        ConsoleReporter reporter = reporter(false);
        reporter.onEvent(new EnsureEvent.Failed(ENV, new InvalidSpecException(
                "No version of torch matches ==9.9.\nLast output:\n  ERROR: ...")));
        reporter.onEvent(new EnsureEvent.Failed(ENV, new IllegalStateException()));
        reporter.onEvent(new EnsureEvent.Ready(ENV, Duration.ofMillis(4), 0, false));
        reporter.onEvent(new EnsureEvent.Ready(Path.of("/"), Duration.ofSeconds(1), 1, true));
        assertEquals(String.join("\n",
                "isoenv [ml] failed: No version of torch matches ==9.9.",
                "isoenv [ml] failed: IllegalStateException",
                "isoenv [ml] ready in 4 ms, nothing to change (0 processes)",
                "isoenv [/] ready in 1.0 s (1 process)",
                ""), output().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void nothingItIsGivenMakesItThrow() {
        ConsoleReporter reporter = reporter(true);
        reporter.onEvent(null);
        reporter.onEvent(progress("x".repeat(200), "1", Phase.DOWNLOADING, Long.MAX_VALUE, 10));
        assertTrue(output().endsWith("xxx... 10 of 10 bytes [################] 100%"),
                "a long status line loses the end of its name, not its byte counts: " + output());
        reporter.onEvent(progress("", "", Phase.RESOLVING, -5, -7));
        out.close();
        reporter.onEvent(new EnsureEvent.Verifying(ENV, "after the stream was closed"));
        String drawn = output().substring(output().lastIndexOf('\r') + 1);
        assertTrue(output().contains("xxx..."), "a long status line is cut so it does not wrap: " + output());
        assertTrue(output().lines().allMatch(l -> l.length() < 400), output());
        assertTrue(drawn.length() <= 79, drawn);
    }

    @Test
    void factoriesChooseTheMode() {
        assertEquals("ConsoleReporter[live]", ConsoleReporter.to(out, true).toString());
        assertEquals("ConsoleReporter[plain]", ConsoleReporter.to(out, false).toString());
        assertEquals("ConsoleReporter[plain]", ConsoleReporter.toStandardError().toString(),
                "tests run with redirected streams, which are no terminal");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
