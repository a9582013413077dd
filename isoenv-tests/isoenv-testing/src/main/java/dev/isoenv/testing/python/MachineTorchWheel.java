package dev.isoenv.testing.python;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real CPU torch wheel that this machine's pip configuration offers, found by asking pip
 * ({@code python -m pip config list}: its find-links folders), never by a path written in a test, together with the
 * local ({@code file:}) indexes the same configuration names for torch's own dependencies. Tests and benchmarks that
 * need a real torch use it, and skip with {@link #absence()} where the machine has none.
 */
public final class MachineTorchWheel {
    private static final Pattern WHEEL = Pattern.compile(
            "torch-(\\d+\\.\\d+\\.\\d+)\\+cpu-cp(\\d)(\\d+)-cp\\d+-[^-]*linux[^-]*_x86_64\\.whl");

    private final Path wheel;
    private final String version;
    private final String python;
    private final List<String> indexes;

    private MachineTorchWheel(Path wheel, String version, String python, List<String> indexes) {
        this.wheel = wheel;
        this.version = version;
        this.python = python;
        this.indexes = List.copyOf(indexes);
    }

    /**
     * Looks for the wheel and the local indexes.
     *
     * @return the wheel, or empty (see {@link #absence()} for why)
     */
    public static Optional<MachineTorchWheel> find() {
        return Optional.ofNullable(search().wheel);
    }

    /**
     * Says why {@link #find()} finds nothing on this machine, for a test's skip message.
     *
     * @return the reason, or an empty string when a wheel was found
     */
    public static String absence() {
        return search().reason;
    }

    /** The wheel file. */
    public Path wheel() {
        return wheel;
    }

    /** The torch version, such as {@code 2.13.0} (the wheel's is that plus {@code +cpu}). */
    public String version() {
        return version;
    }

    /** The Python version the wheel is built for, such as {@code 3.12}. */
    public String python() {
        return python;
    }

    /** The local indexes ({@code file:} URLs) of pip's configuration, the first being its index-url. */
    public List<String> indexes() {
        return indexes;
    }

    private static final class Search {
        final MachineTorchWheel wheel;
        final String reason;

        Search(MachineTorchWheel wheel, String reason) {
            this.wheel = wheel;
            this.reason = reason;
        }
    }

    private static Search search() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (!os.contains("linux") || !List.of("amd64", "x86_64").contains(System.getProperty("os.arch"))) {
            return new Search(null, "the machine's torch wheel is looked for on Linux x86-64 only");
        }
        List<String> config = PipConfigList.read();
        List<Path> findLinks = PipConfigList.findLinksFolders(config);
        Path found = findLinks.stream().flatMap(f -> PipConfigList.wheelsIn(f, "torch-*+cpu-*.whl", WHEEL).stream())
                .findFirst().orElse(null);
        if (found == null) {
            return new Search(null, "pip's configuration names no find-links folder with a torch-X+cpu Linux x86-64"
                    + " wheel (find-links: " + findLinks + ")");
        }
        List<String> indexes = PipConfigList.localIndexes(config);
        if (indexes.isEmpty()) {
            return new Search(null, "pip's configuration names no local index for torch's dependencies, and this"
                    + " machine's network indexes are not waited on");
        }
        Matcher m = WHEEL.matcher(found.getFileName().toString());
        m.matches();
        return new Search(new MachineTorchWheel(found, m.group(1), m.group(2) + "." + m.group(3), indexes), "");
    }
}
