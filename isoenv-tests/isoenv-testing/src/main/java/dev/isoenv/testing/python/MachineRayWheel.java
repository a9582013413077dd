package dev.isoenv.testing.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Ray wheel for Linux x86-64 that this machine's pip configuration offers, found by asking pip ({@code python
 * -m pip config list}) for its local ({@code file:}) indexes and find-links folders and reading their {@code ray}
 * pages, never by a path written in a test. Ray's dependencies are expected in the same local indexes. Tests that need
 * a real Ray use it, and skip with {@link #absence()} where the machine has none.
 */
public final class MachineRayWheel {
    private static final Pattern WHEEL = Pattern.compile(
            "ray-(\\d+\\.\\d+\\.\\d+)-cp(\\d)(\\d+)-cp\\d+-[^-]*linux[^-]*_x86_64\\.whl");
    private static final Pattern HREF = Pattern.compile("href=\"([^\"#]+)");

    private final String version;
    private final List<String> pythons;
    private final List<Path> wheels;
    private final List<String> indexes;

    private MachineRayWheel(String version, List<String> pythons, List<Path> wheels, List<String> indexes) {
        this.version = version;
        this.pythons = List.copyOf(pythons);
        this.wheels = List.copyOf(wheels);
        this.indexes = List.copyOf(indexes);
    }

    /**
     * Looks for the wheels of the newest Ray release that the local indexes and find-links folders offer.
     *
     * @return the release's wheels, or empty (see {@link #absence()} for why)
     */
    public static Optional<MachineRayWheel> find() {
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

    /** The Ray version, such as {@code 2.58.0}. */
    public String version() {
        return version;
    }

    /** The Python versions this release has a wheel for here, such as {@code [3.11]}, in the order found. */
    public List<String> pythons() {
        return pythons;
    }

    /** The wheel files, one per Python version, in the order of {@link #pythons()}. */
    public List<Path> wheels() {
        return wheels;
    }

    /**
     * The local indexes ({@code file:} URLs) of pip's configuration, the first being its index-url where that is
     * local, then its extra-index-urls: where the wheel and Ray's dependencies are found.
     */
    public List<String> indexes() {
        return indexes;
    }

    private static final class Search {
        final MachineRayWheel wheel;
        final String reason;

        Search(MachineRayWheel wheel, String reason) {
            this.wheel = wheel;
            this.reason = reason;
        }
    }

    private static Search search() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !List.of("amd64", "x86_64").contains(System.getProperty("os.arch"))) {
            return new Search(null, "the machine's Ray wheel is looked for on Linux x86-64 only");
        }
        List<String> config = PipConfigList.read();
        List<String> indexes = PipConfigList.localIndexes(config);
        if (indexes.isEmpty()) {
            return new Search(null, "pip's configuration names no local (file:) index, where Ray and its dependencies"
                    + " would be found; this machine's network indexes are not waited on");
        }
        List<Path> found = new ArrayList<>();
        for (String index : indexes) {
            found.addAll(wheelsOnPage(Path.of(URI.create(index).getPath()).resolve("ray")));
        }
        for (Path folder : PipConfigList.findLinksFolders(config)) {
            found.addAll(PipConfigList.wheelsIn(folder, "ray-*.whl", WHEEL));
        }
        if (found.isEmpty()) {
            return new Search(null, "pip's local indexes " + indexes + " and find-links folders offer no Ray wheel"
                    + " for Linux x86-64 (ray-X-cpXY-cpXY-...linux..._x86_64.whl)");
        }
        // The newest release; its wheels by Python version, the first found for each.
        TreeMap<List<Integer>, List<Path>> byVersion = new TreeMap<>(MachineRayWheel::compareVersions);
        for (Path wheel : found) {
            byVersion.computeIfAbsent(numbers(match(wheel).group(1)), v -> new ArrayList<>()).add(wheel);
        }
        List<String> pythons = new ArrayList<>();
        List<Path> wheels = new ArrayList<>();
        for (Path wheel : byVersion.lastEntry().getValue()) {
            Matcher m = match(wheel);
            String python = m.group(2) + "." + m.group(3);
            if (!pythons.contains(python)) {
                pythons.add(python);
                wheels.add(wheel);
            }
        }
        return new Search(new MachineRayWheel(match(wheels.get(0)).group(1), pythons, wheels, indexes), "");
    }

    private static Matcher match(Path wheel) {
        Matcher m = WHEEL.matcher(wheel.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException(wheel.toString());
        }
        return m;
    }

    private static List<Integer> numbers(String version) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : version.split("\\.")) {
            numbers.add(Integer.parseInt(part));
        }
        return numbers;
    }

    private static int compareVersions(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The Ray wheels that a local index's project page links to and that exist on disk. */
    private static List<Path> wheelsOnPage(Path project) {
        Path page = project.resolve("index.html");
        List<Path> wheels = new ArrayList<>();
        if (!Files.isRegularFile(page)) {
            return wheels;
        }
        try {
            Matcher href = HREF.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (href.find()) {
                URI link = project.toUri().resolve(href.group(1));
                if (!"file".equals(link.getScheme())) {
                    continue;
                }
                Path wheel = Path.of(link).normalize();
                if (WHEEL.matcher(wheel.getFileName().toString()).matches() && Files.isRegularFile(wheel)) {
                    wheels.add(wheel);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        wheels.sort(Comparator.naturalOrder());
        return wheels;
    }
}
