package dev.isoenv.uv;

import dev.isoenv.internal.process.Executables;
import dev.isoenv.internal.version.Version;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the uv executable and reads its version. The order: the specification's {@code uv.path} option, the system
 * property {@value #PROPERTY}, {@code PATH}, then the places uv's installers use ({@code $XDG_BIN_HOME},
 * {@code ~/.local/bin}, and before uv 0.5.0 {@code ~/.cargo/bin}; on Windows also WinGet's links folder under
 * {@code %LOCALAPPDATA%}). An explicit path that is not an executable file is an error, never a reason to look
 * elsewhere. Versions are read once per executable file (path, size and modification time) with {@code uv --version}.
 */
final class UvLocator {
    /** The system property that names the uv executable. */
    static final String PROPERTY = "isoenv.uv";

    /**
     * The oldest uv this backend drives. Every flag and variable it uses exists since 0.4.23 ({@code UV_DEFAULT_INDEX}
     * and {@code UV_INDEX}); 0.5.17 made {@code UV_FIND_LINKS} a comma-separated list (#10477), and 0.5.29 made uv
     * print "Downloading NAME (SIZE)" and "Building" lines when its output is not a terminal (#11165), which the
     * progress events are read from. Hence 0.5.29, released 2025-02-05.
     */
    static final Version MINIMUM = Version.parse("0.5.29");

    /**
     * {@code uv --version}: "uv 0.12.5 (abc1234 2026-08-20 x86_64-unknown-linux-gnu)", "uv 0.5.29 (ca73c4754
     * 2025-02-05)", "uv 0.12.5+3 (...)" ahead of a tag, or "uv 0.6.0" when built without git information
     * (crates/uv-cli/src/version.rs; the filter of crates/uv/tests/it/version.rs).
     */
    private static final Pattern VERSION = Pattern.compile("uv (\\d+\\.\\d+\\.\\d+)(?:-[0-9A-Za-z.]+)?(?:\\+\\d+)?"
            + "(?: \\(.*\\))?");

    /** Where uv was found and how, or, with a null path, why it was not. */
    record Located(Path path, String source, String problem) {
    }

    /** A version read, and, when not null, the problem that keeps it from being used. */
    record Result(Version version, String problem) {
    }

    private record Cached(Object stamp, Result result) {
    }

    private final OperatingSystem os;
    private final UnaryOperator<String> properties;
    private final Map<Path, Cached> versions = new ConcurrentHashMap<>();

    UvLocator(OperatingSystem os, UnaryOperator<String> properties) {
        this.os = Objects.requireNonNull(os, "os");
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /** Finds uv: {@code explicit} (the {@code uv.path} option), else as the class says, in {@code environment}. */
    Located locate(Optional<Path> explicit, Map<String, String> environment) {
        if (explicit.isPresent()) {
            return checked(explicit.get(), "the backend option " + UvOptions.PATH);
        }
        String property = properties.apply(PROPERTY);
        if (property != null && !property.isBlank()) {
            try {
                return checked(Path.of(property.strip()).toAbsolutePath(), "the system property " + PROPERTY);
            } catch (InvalidPathException e) {
                return new Located(null, null, "the system property " + PROPERTY + " is '" + property
                        + "', which is not a path");
            }
        }
        List<Path> wellKnown = new ArrayList<>();
        String exe = os.executableName("uv");
        Executables.underVariable(os, environment, "XDG_BIN_HOME", exe).ifPresent(wellKnown::add);
        String home = os.isWindows() ? "USERPROFILE" : "HOME";
        Executables.underVariable(os, environment, home, ".local", "bin", exe).ifPresent(wellKnown::add);
        Executables.underVariable(os, environment, home, ".cargo", "bin", exe).ifPresent(wellKnown::add);
        if (os.isWindows()) {
            Executables.underVariable(os, environment, "LOCALAPPDATA", "Microsoft", "WinGet", "Links", exe)
                    .ifPresent(wellKnown::add);
        }
        Optional<Path> found = Executables.find(os, environment, "uv", wellKnown);
        if (found.isPresent()) {
            String dir = found.get().getParent() == null ? "" : found.get().getParent().toString();
            return new Located(found.get(), wellKnown.contains(found.get()) ? "found in " + dir : "found on PATH",
                    null);
        }
        List<String> dirs = new ArrayList<>();
        wellKnown.forEach(p -> dirs.add(String.valueOf(p.getParent())));
        return new Located(null, null, "no uv executable on PATH or in " + String.join(", ", dirs) + "; install uv "
                + MINIMUM + " or newer (https://docs.astral.sh/uv/), or point isoenv at one with -D" + PROPERTY
                + "=/path/to/uv or the backend option " + UvOptions.PATH);
    }

    private Located checked(Path path, String source) {
        if (Executables.isExecutable(os, path)) {
            return new Located(path, "named by " + source, null);
        }
        return new Located(null, null, source + " names " + path + ", which is not an executable file");
    }

    /** Returns uv's version, running {@code request} ({@code uv --version}) unless this file's was read before. */
    Result version(Path uv, Function<ProcessRequest.Builder, ProcessResult> run, ProcessRequest.Builder request) {
        Object stamp = stamp(uv);
        Cached cached = versions.get(uv);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.result();
        }
        ProcessResult result = run.apply(request);
        Optional<Version> version = result.isSuccess() ? parseVersion(result.stdout()) : Optional.empty();
        Result answer;
        if (version.isEmpty()) {
            answer = new Result(null, uv + " --version " + (result.isSuccess() ? "printed '"
                    + result.stdout().strip() + "', which is not uv's version line"
                    : "failed with exit code " + result.exitCode() + " " + result.tail()) + "; is it really uv?");
        } else if (version.get().compareTo(MINIMUM) < 0) {
            answer = new Result(version.get(), "uv " + version.get() + " at " + uv + " is older than " + MINIMUM
                    + ", the oldest uv this backend supports; upgrade it (uv self update, or your package manager)");
        } else {
            answer = new Result(version.get(), null);
        }
        if (answer.version() != null) {
            // Only a version that was read is kept: a failed run (a file locked for a moment) is tried again.
            versions.put(uv, new Cached(stamp, answer));
        }
        return answer;
    }

    private static Object stamp(Path uv) {
        try {
            FileTime modified = Files.getLastModifiedTime(uv);
            return List.of(modified, Files.size(uv));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Reads the version, without commit or build information, from the output of {@code uv --version}. */
    static Optional<Version> parseVersion(String output) {
        for (String line : output.strip().split("\\R")) {
            Matcher m = VERSION.matcher(line.strip());
            if (m.matches()) {
                return Optional.of(Version.parse(m.group(1)));
            }
        }
        return Optional.empty();
    }
}
