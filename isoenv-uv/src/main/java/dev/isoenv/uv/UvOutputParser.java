package dev.isoenv.uv;

import dev.isoenv.internal.process.ProgressLineParser;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads uv's output. As a listener on {@code uv pip install}, it turns status lines into {@link PackageProgress}
 * events (formats from crates/uv/src/commands/reporters.rs and the snapshots of crates/uv/tests; fixtures in this
 * module's tests):
 *
 * <ul>
 *   <li>{@code Downloading torch (2.4GiB)}, printed without a terminal for downloads over 1 MiB:
 *       {@link Phase#DOWNLOADING} with 0 bytes of the size; {@code Downloading name} without a size when it is
 *       unknown. {@code  Downloaded torch}: the download is complete.</li>
 *   <li>{@code    Building foo @ file:///src/foo} or {@code    Building foo==1.0}: {@link Phase#DOWNLOADING} with
 *       unknown bytes, as the distribution is being prepared.</li>
 *   <li>{@code  + anyio==4.0.0}, also with {@code (from URL)}, and {@code  ~ name==version} (reinstalled):
 *       {@link Phase#INSTALLED}.</li>
 * </ul>
 *
 * <p>Summary lines ({@code Resolved 3 packages in 1.2s}, {@code Installed 3 packages in 5ms}) name no package and
 * are ignored, as is everything else; nothing here throws. It also reads the interpreter line of {@code uv venv}.
 */
final class UvOutputParser extends ProgressLineParser {
    private static final Pattern DOWNLOADING = Pattern.compile("Downloading (\\S+)(?: \\(([0-9.]+)([KMGTPE]i)?B\\))?");
    private static final Pattern DOWNLOADED = Pattern.compile("Downloaded (\\S+)");
    private static final Pattern BUILDING = Pattern.compile("Building ([A-Za-z0-9][A-Za-z0-9._-]*)(?:==(\\S+))?.*");
    private static final Pattern CHANGED = Pattern.compile("([+~]) ([A-Za-z0-9][A-Za-z0-9._-]*)==(\\S+)(?: \\(from .*\\))?");
    /**
     * {@code Using CPython 3.12.4 interpreter at: /usr/bin/python3.12}, or {@code Using CPython 3.13.1+freethreaded}
     * for a uv-managed Python (report_interpreter in crates/uv/src/commands/pip/operations.rs).
     */
    private static final Pattern INTERPRETER = Pattern.compile(
            "Using (\\S+) (\\d+\\.\\d+\\.\\d+[0-9a-z]*)(\\+[a-z]+)?(?: interpreter at: (.+))?");
    private static final String UNITS = "KMGTPE";

    /** The base interpreter {@code uv venv} reported: implementation, full version, and path unless uv-managed. */
    record Interpreter(String implementation, String version, Optional<Path> path) {
        String describe() {
            return path.map(Path::toString).orElse("uv-managed " + implementation + " " + version);
        }
    }

    private final Map<String, Long> sizes = new HashMap<>();

    UvOutputParser(Path location, Consumer<? super PackageProgress> events) {
        super(location, events);
    }

    @Override
    protected void parse(String line) {
        Matcher m;
        if ((m = DOWNLOADING.matcher(line)).matches()) {
            long size = m.group(2) == null ? -1 : bytes(m.group(2), m.group(3));
            sizes.put(m.group(1), size);
            emit(m.group(1), "", Phase.DOWNLOADING, 0, size);
        } else if ((m = DOWNLOADED.matcher(line)).matches()) {
            long size = sizes.getOrDefault(m.group(1), -1L);
            emit(m.group(1), "", Phase.DOWNLOADING, size, size);
        } else if ((m = BUILDING.matcher(line)).matches()) {
            emit(m.group(1), m.group(2) == null ? "" : m.group(2), Phase.DOWNLOADING, -1, -1);
        } else if ((m = CHANGED.matcher(line)).matches()) {
            emit(m.group(2), m.group(3), Phase.INSTALLED, -1, -1);
        }
    }

    /** Reads uv's binary size, such as {@code 2.4} and {@code Gi} for 2.4 GiB. */
    static long bytes(String quantity, String unit) {
        double value = Double.parseDouble(quantity);
        int power = unit == null ? 0 : UNITS.indexOf(unit.charAt(0)) + 1;
        return Math.round(value * Math.pow(1024, power));
    }

    /** Finds the interpreter line in the output (standard error) of {@code uv venv}. */
    static Optional<Interpreter> interpreter(String output) {
        for (String line : output.split("\\R")) {
            Matcher m = INTERPRETER.matcher(line.strip());
            if (m.matches()) {
                Optional<Path> path;
                try {
                    path = Optional.ofNullable(m.group(4)).map(p -> Path.of(p.strip()));
                } catch (InvalidPathException e) {
                    path = Optional.empty();
                }
                return Optional.of(new Interpreter(m.group(1), m.group(2), path));
            }
        }
        return Optional.empty();
    }
}
