package dev.isoenv.uv;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.internal.process.ProgressLineParser;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * are ignored, as is everything else; nothing here throws. It also reads the interpreter line of {@code uv venv}, and
 * what {@code uv pip install --dry-run} says it would install ({@link #dryRun}).
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
    /**
     * A distribution a dry run would install: {@code  + name==version}, {@code  + name==version (from URL)} for one in
     * uv's cache, {@code  + name @ URL} for one it would download from a URL, and {@code  ~ name==version} where uv
     * 0.9.18 and newer print a reinstall ({@code on_complete} in crates/uv/src/commands/pip/loggers.rs; before, the
     * dry run printed it as a {@code -} and a {@code +} line).
     */
    private static final Pattern WOULD_ADD = Pattern.compile(
            " [+~] ([A-Za-z0-9][A-Za-z0-9._-]*)(?:==(\\S+)(?: \\(from .*\\))?| @ (\\S+))");
    /** {@code Would install 3 packages}: how many {@code +} and {@code ~} lines follow. */
    private static final Pattern WOULD_INSTALL = Pattern.compile("Would install (\\d+) packages?");
    /** Printed when the environment already satisfies the step, after {@code Checked N packages in ...} (before uv
     *  0.10.10, {@code Audited N packages in ...}). */
    private static final String NO_CHANGES = "Would make no changes";

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

    /**
     * Reads what {@code uv pip install --dry-run} would install, from its standard error (formats in
     * {@code report_dry_run} of crates/uv/src/commands/pip/operations.rs and {@code DefaultInstallLogger} of
     * crates/uv/src/commands/pip/loggers.rs; these lines are the same from uv 0.5.29 on; fixtures in this module's
     * tests).
     *
     * <p>{@code Would make no changes} gives an empty list. Otherwise the {@code + } and {@code ~ } lines must number
     * what {@code Would install N packages} says, or the output is not understood and the answer is empty, as it is
     * for output with neither line: routing then reports that it could not resolve, rather than route nothing
     * silently. A distribution that would come from a wheel's URL gets the version of the wheel's file name; one from
     * any other URL (a source archive, a folder, a Git repository) is left out, as its version is known only once it is
     * built, and its URL fixes where it comes from, so there is nothing to route.
     *
     * @param output the standard error of a dry run that succeeded
     * @return the distributions with their versions, or empty when the output is not a dry run's
     */
    static Optional<List<InstalledDistribution>> dryRun(String output) {
        List<InstalledDistribution> found = new ArrayList<>();
        int lines = 0;
        int expected = -1;
        boolean noChanges = false;
        for (String line : output.split("\\R")) {
            String text = line.stripTrailing();
            Matcher m;
            if ((m = WOULD_ADD.matcher(text)).matches()) {
                lines++;
                String version = m.group(2) != null ? m.group(2) : wheelVersion(m.group(3)).orElse(null);
                if (version != null) {
                    found.add(InstalledDistribution.of(m.group(1), version));
                }
            } else if ((m = WOULD_INSTALL.matcher(text.strip())).matches()) {
                expected = Integer.parseInt(m.group(1));
            } else if (text.strip().equals(NO_CHANGES)) {
                noChanges = true;
            }
        }
        if (noChanges && expected < 0 && lines == 0) {
            return Optional.of(List.of());
        }
        return expected >= 0 && expected == lines ? Optional.of(List.copyOf(found)) : Optional.empty();
    }

    /**
     * The version in a wheel's file name, the last segment of {@code url}'s path ({@code name-version(-build)?-python-
     * abi-platform.whl}, percent-decoded, so {@code torch-2.5.1%2Bcu124-...} is {@code 2.5.1+cu124}); empty for
     * anything else.
     */
    static Optional<String> wheelVersion(String url) {
        String file;
        try {
            String path = URI.create(url).getRawPath();
            if (path == null || !path.endsWith(".whl")) {
                return Optional.empty();
            }
            // URLDecoder reads + as a space; in a path it is a + (a local version's separator).
            file = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String[] parts = file.substring(0, file.length() - ".whl".length()).split("-");
        return parts.length == 5 || parts.length == 6 ? Optional.of(parts[1]) : Optional.empty();
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
