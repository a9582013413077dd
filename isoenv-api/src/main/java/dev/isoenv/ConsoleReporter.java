package dev.isoenv;

import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A ready-made {@link EnsureListener} that tells a person at a console what {@code ensure()} is doing.
 *
 * <pre>{@code
 * IsoenvClient isoenv = IsoenvClient.builder().listener(ConsoleReporter.toStandardError()).build();
 * }</pre>
 *
 * <p>It writes one line per meaningful event: the backend chosen and why, the interpreter, the creation of the
 * environment, the plan when it made choices, each install step with what it installs and where from, each package
 * installed with its version, removals, checks, and "ready" with the time taken and the number of processes started,
 * or "failed" with the first line of the error. Every line starts with {@code isoenv [<directory name>]}, so the
 * lines of several environments can be told apart.
 *
 * <p>In live mode, meant for a terminal, it also draws a single status line under those lines and rewrites it with
 * {@code '\r'}: the step, what happens to which package and, while a package downloads, how many bytes of how many
 * with a bar, such as {@code isoenv [ml] 1/2 downloading torch 2.5.1 1.2 of 2.4 GB [########--------] 50%}. It redraws a
 * package at most every 100 ms, but always when its phase changes or its download completes. Without live mode,
 * byte-level progress is never printed and no {@code '\r'} is written, so logs and CI output stay readable.
 *
 * <p>A reporter may be shared by threads that ensure different environments: it handles one event at a time. It
 * never throws; an event it cannot render is skipped.
 */
public final class ConsoleReporter implements EnsureListener {
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BAR_WIDTH = 16;
    /** The longest status line; a longer one would wrap and could no longer be rewritten in place. */
    private static final int MAX_LIVE_WIDTH = 79;
    private static final int MAX_LISTED_REQUIREMENTS = 6;

    private final PrintStream out;
    private final boolean live;
    private final LongSupplier clock;
    /** The step each environment is in, such as {@code 1/2}. */
    private final Map<Path, String> steps = new HashMap<>();
    /** When each package's status was last drawn, and in which phase. */
    private final Map<List<Object>, Drawn> drawn = new HashMap<>();
    /** The length of the status line on screen; 0 when there is none. */
    private int statusLength;

    ConsoleReporter(PrintStream out, boolean live, LongSupplier clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.live = live;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Returns a reporter that writes to standard error, in live mode when this JVM runs at an interactive terminal
     * ({@link System#console()}, and on Java 22 or newer also {@code Console.isTerminal()}) and {@code TERM} is not
     * {@code dumb}.
     *
     * @return the reporter
     */
    public static ConsoleReporter toStandardError() {
        return to(System.err, isTerminal());
    }

    /**
     * Returns a reporter that writes to {@code out}.
     *
     * @param out where to write
     * @param live whether to draw a status line that rewrites itself with {@code '\r'}; only for a terminal
     * @return the reporter
     */
    public static ConsoleReporter to(PrintStream out, boolean live) {
        return new ConsoleReporter(out, live, System::nanoTime);
    }

    @Override
    public synchronized void onEvent(EnsureEvent event) {
        try {
            handle(event);
            out.flush();
        } catch (RuntimeException e) {
            // A progress display must never break the ensure() it reports on.
        }
    }

    private void handle(EnsureEvent event) {
        Path location = event.location();
        if (event instanceof EnsureEvent.BackendChosen) {
            EnsureEvent.BackendChosen e = (EnsureEvent.BackendChosen) event;
            line(location, "backend " + e.backend() + ": " + firstLine(e.reason()));
        } else if (event instanceof EnsureEvent.InterpreterFound) {
            EnsureEvent.InterpreterFound e = (EnsureEvent.InterpreterFound) event;
            line(location, "Python " + e.version() + " (" + e.interpreter() + ")");
        } else if (event instanceof EnsureEvent.Creating) {
            EnsureEvent.Creating e = (EnsureEvent.Creating) event;
            line(location, e.why().name().toLowerCase(java.util.Locale.ROOT) + " " + location + " (backend " + e.backend() + ", Python " + e.python() + ")");
        } else if (event instanceof EnsureEvent.PlanChosen) {
            EnsureEvent.PlanChosen e = (EnsureEvent.PlanChosen) event;
            if (!e.choices().isEmpty()) {
                line(location, "plan: " + firstLine(e.explanation()) + " " + new TreeMap<>(e.choices()));
            }
        } else if (event instanceof EnsureEvent.StepStarted) {
            EnsureEvent.StepStarted e = (EnsureEvent.StepStarted) event;
            steps.put(location, e.index() + "/" + e.count());
            line(location, "step " + e.index() + "/" + e.count() + ": " + e.description()
                    + requirements(e.requirements()) + " from " + e.source());
        } else if (event instanceof PackageProgress) {
            progress((PackageProgress) event);
        } else if (event instanceof EnsureEvent.Removing) {
            EnsureEvent.Removing e = (EnsureEvent.Removing) event;
            line(location, "removing " + String.join(", ", e.distributions()) + ": " + e.reason());
        } else if (event instanceof EnsureEvent.Verifying) {
            line(location, "verifying " + ((EnsureEvent.Verifying) event).check());
        } else if (event instanceof EnsureEvent.Ready) {
            EnsureEvent.Ready e = (EnsureEvent.Ready) event;
            forget(location);
            line(location, "ready in " + duration(e.duration()) + (e.changed() ? "" : ", nothing to change") + " ("
                    + e.processesStarted() + (e.processesStarted() == 1 ? " process" : " processes") + ")");
        } else if (event instanceof EnsureEvent.Failed) {
            RuntimeException error = ((EnsureEvent.Failed) event).error();
            forget(location);
            String message = error.getMessage() == null || error.getMessage().isBlank()
                    ? error.getClass().getSimpleName() : firstLine(error.getMessage());
            line(location, "failed: " + message);
        }
    }

    private void progress(PackageProgress p) {
        if (p.phase() == Phase.INSTALLED) {
            drawn.remove(key(p));
            line(p.location(), "installed " + p.name() + (p.version().isEmpty() ? "" : " " + p.version()));
            return;
        }
        if (!live) {
            return;
        }
        long now = clock.getAsLong();
        Drawn last = drawn.get(key(p));
        boolean complete = p.phase() == Phase.DOWNLOADING && p.bytesTotal() > 0 && p.bytesDone() >= p.bytesTotal();
        if (last != null && last.phase() == p.phase() && now - last.nanos() < REDRAW_NANOS && !complete) {
            return;
        }
        drawn.put(key(p), new Drawn(p.phase(), now));
        StringBuilder text = new StringBuilder(prefix(p.location()));
        String step = steps.get(p.location());
        if (step != null) {
            text.append(' ').append(step);
        }
        text.append(' ').append(p.phase().name().toLowerCase(Locale.ROOT)).append(' ').append(p.name());
        if (!p.version().isEmpty()) {
            text.append(' ').append(p.version());
        }
        status(text.toString(), p.phase() == Phase.DOWNLOADING ? bytes(p.bytesDone(), p.bytesTotal()) : "");
    }

    /** Writes a permanent line, above the status line in live mode. */
    private void line(Path location, String text) {
        clearStatus();
        out.println(prefix(location) + " " + text);
    }

    /** Draws the status line; when too long, the head is cut so that the byte counts stay visible. */
    private void status(String head, String tail) {
        int room = Math.max(MAX_LIVE_WIDTH - tail.length(), 12);
        String shown = (head.length() > room ? head.substring(0, room - 3) + "..." : head) + tail;
        if (shown.length() > MAX_LIVE_WIDTH) {
            shown = shown.substring(0, MAX_LIVE_WIDTH);
        }
        out.print("\r" + shown + " ".repeat(Math.max(0, statusLength - shown.length())));
        statusLength = shown.length();
    }

    private void clearStatus() {
        if (statusLength > 0) {
            out.print("\r" + " ".repeat(statusLength) + "\r");
            statusLength = 0;
        }
    }

    private void forget(Path location) {
        steps.remove(location);
        drawn.keySet().removeIf(k -> k.get(0).equals(location));
    }

    private static List<Object> key(PackageProgress p) {
        return List.of(p.location(), p.name());
    }

    private static String prefix(Path location) {
        Path name = location.getFileName();
        return "isoenv [" + (name == null ? location : name) + "]";
    }

    private static String requirements(List<String> requirements) {
        if (requirements.isEmpty()) {
            return "";
        }
        if (requirements.size() <= MAX_LISTED_REQUIREMENTS) {
            return " (" + String.join(", ", requirements) + ")";
        }
        return " (" + String.join(", ", requirements.subList(0, MAX_LISTED_REQUIREMENTS)) + " and "
                + (requirements.size() - MAX_LISTED_REQUIREMENTS) + " more)";
    }

    /** Such as {@code " 1.2 of 2.4 GB [########--------] 50%"}, {@code " 1.2 GB"}, or nothing. */
    static String bytes(long done, long total) {
        if (total > 0) {
            long shown = Math.max(0, Math.min(done, total));
            int filled = (int) (BAR_WIDTH * shown / total);
            return " " + amount(shown, total) + " of " + amount(total, total) + " " + unit(total) + " ["
                    + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                    + (100 * shown / total) + "%";
        }
        return done > 0 ? " " + amount(done, done) + " " + unit(done) : "";
    }

    private static double scale(long size) {
        return size >= 1_000_000_000L ? 1e9 : size >= 1_000_000L ? 1e6 : size >= 1_000L ? 1e3 : 1;
    }

    private static String unit(long size) {
        return size >= 1_000_000_000L ? "GB" : size >= 1_000_000L ? "MB" : size >= 1_000L ? "kB" : "bytes";
    }

    /** {@code bytes} in the unit that suits {@code size}. */
    private static String amount(long bytes, long size) {
        double unit = scale(size);
        return unit == 1 ? Long.toString(bytes) : String.format(Locale.ROOT, "%.1f", bytes / unit);
    }

    /** Such as {@code 850 ms}, {@code 12.3 s} or {@code 2 min 5 s}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return (millis / 60_000) + " min " + (millis % 60_000) / 1000 + " s";
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return (end < 0 ? stripped : stripped.substring(0, end)).strip();
    }

    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // Java 22+ returns a console even when the streams are redirected; isTerminal() tells the difference.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ConsoleReporter[" + (live ? "live" : "plain") + "]";
    }

    private record Drawn(Phase phase, long nanos) {
    }
}
