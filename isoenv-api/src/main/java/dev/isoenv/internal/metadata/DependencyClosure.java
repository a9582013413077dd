package dev.isoenv.internal.metadata;

import dev.isoenv.Requirement;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes which installed distributions a set of requirements needs, directly or through dependencies, in Java:
 * it follows each distribution's {@code Requires-Dist} metadata, with extras, and evaluates markers against the
 * interpreter's recorded PEP 508 marker environment. No Python process starts, so it works in any environment,
 * with or without pip. isoenv uses it to remove only what it installed and nothing needs any more; anything it
 * cannot decide (a marker it cannot parse, a variable it does not know) is counted as needed, so it is kept; and
 * when the metadata of a needed distribution cannot be read at all, everything installed counts as needed.
 */
public final class DependencyClosure {
    private static final Pattern NAME_AND_EXTRAS =
            Pattern.compile("\\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\\s*(?:\\[([^\\]]*)\\])?");

    /**
     * Stands for the requirements of a distribution whose metadata exists but could not be read; compared by
     * identity.
     */
    static final List<String> UNREADABLE = java.util.Collections.unmodifiableList(new ArrayList<>());

    private DependencyClosure() {
    }

    /**
     * Returns the normalized names of every installed distribution that {@code requirements} need.
     *
     * @param sitePackages the environment's site-packages directory
     * @param requirements the root requirements
     * @param markers the interpreter's marker environment; an empty map makes every marker count as true
     * @return the normalized names of the needed distributions that are installed, sorted
     */
    public static Set<String> of(Path sitePackages, Collection<Requirement> requirements, Map<String, String> markers) {
        Map<String, List<String>> requires = readRequires(sitePackages);
        Deque<Node> stack = new ArrayDeque<>();
        for (Requirement r : requirements) {
            if (r.marker().isEmpty() || wanted(r.marker().get(), Set.of(), markers)) {
                stack.push(new Node(r.normalizedName(), normalized(r.extras())));
            }
        }
        Set<Node> seen = new HashSet<>();
        Set<String> needed = new TreeSet<>();
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (!seen.add(node)) {
                continue;
            }
            List<String> dependencies = requires.get(node.name);
            if (dependencies == null) {
                continue;
            }
            needed.add(node.name);
            if (dependencies == UNREADABLE) {
                // What it needs is unknown, so anything installed may be needed: keep everything.
                return new TreeSet<>(requires.keySet());
            }
            for (String text : dependencies) {
                Optional<Dependency> d = Dependency.parse(text);
                if (d.isEmpty()) {
                    continue;
                }
                if (d.get().marker == null || wanted(d.get().marker, node.extras, markers)) {
                    stack.push(new Node(d.get().name, d.get().extras));
                }
            }
        }
        return needed;
    }

    /** Whether a marker holds for no extra or for any of the node's extras; an unparsable marker holds. */
    static boolean wanted(String marker, Set<String> extras, Map<String, String> environment) {
        Optional<MarkerExpression> parsed = MarkerExpression.parse(marker);
        if (parsed.isEmpty()) {
            return true;
        }
        if (parsed.get().evaluate(environment, "")) {
            return true;
        }
        for (String extra : extras) {
            if (parsed.get().evaluate(environment, extra)) {
                return true;
            }
        }
        return false;
    }

    /** Reads every distribution's {@code Requires-Dist} lines, by normalized name. */
    static Map<String, List<String>> readRequires(Path sitePackages) {
        return readRequires(sitePackages, null);
    }

    /**
     * Reads every distribution's {@code Requires-Dist} lines, by normalized name, and, when {@code versions} is
     * given, its {@code Version}.
     */
    static Map<String, List<String>> readRequires(Path sitePackages, Map<String, String> versions) {
        Map<String, List<String>> all = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sitePackages)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                Path metadata;
                if (file.startsWith("~")) {
                    continue;
                } else if (file.endsWith(".dist-info")) {
                    metadata = entry.resolve("METADATA");
                } else if (file.endsWith(".egg-info")) {
                    metadata = Files.isDirectory(entry) ? entry.resolve("PKG-INFO") : entry;
                } else {
                    continue;
                }
                readOne(metadata, file.endsWith(".egg-info") && Files.isDirectory(entry)
                        ? entry.resolve("requires.txt") : null, nameOf(file), all, versions);
            }
        } catch (NoSuchFileException e) {
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + sitePackages, e);
        }
        return all;
    }

    /**
     * Reads one distribution. Bytes that are not UTF-8 (old metadata in Latin-1) are replaced rather than make the
     * distribution vanish. A file that exists but cannot be read is recorded, under the name its directory gives,
     * as {@link #UNREADABLE}: what it needs is unknown.
     */
    private static void readOne(Path metadata, Path eggRequires, String directoryName,
                                Map<String, List<String>> all, Map<String, String> versions) {
        if (!Files.isRegularFile(metadata)) {
            return;
        }
        String name = null;
        String version = null;
        List<String> requires = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(metadata),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty()) {
                if (name == null && line.regionMatches(true, 0, "Name:", 0, 5)) {
                    name = line.substring(5).strip();
                } else if (version == null && line.regionMatches(true, 0, "Version:", 0, 8)) {
                    version = line.substring(8).strip();
                } else if (line.regionMatches(true, 0, "Requires-Dist:", 0, 14)) {
                    requires.add(line.substring(14).strip());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            if (!directoryName.isEmpty()) {
                all.put(Requirement.normalize(directoryName), UNREADABLE);
            }
            return;
        }
        if (eggRequires != null && requires.isEmpty()) {
            Optional<List<String>> fromEgg = EggRequires.read(eggRequires);
            if (fromEgg.isEmpty()) {
                requires = UNREADABLE;
            } else {
                requires.addAll(fromEgg.get());
            }
        }
        if (name != null && !name.isEmpty()) {
            if (versions != null && version != null) {
                // Two metadata directories of one name: the version is unknown, so nothing is taken as satisfied.
                versions.merge(Requirement.normalize(name), version, (a, b) -> a.equals(b) ? a : "");
            }
            all.merge(Requirement.normalize(name), requires, (a, b) -> {
                if (a == UNREADABLE || b == UNREADABLE) {
                    return UNREADABLE;
                }
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            });
        }
    }

    /** The distribution name in a metadata directory's name, such as {@code zope_interface-6.1.dist-info}. */
    private static String nameOf(String file) {
        String base = file.substring(0, file.lastIndexOf('.'));
        int dash = base.indexOf('-');
        return dash < 0 ? base : base.substring(0, dash);
    }

    static Set<String> normalized(Set<String> extras) {
        Set<String> out = new LinkedHashSet<>();
        for (String e : extras) {
            out.add(Requirement.normalize(e));
        }
        return out;
    }

    /** A distribution reached with a set of extras. */
    private static final class Node {
        final String name;
        final Set<String> extras;

        Node(String name, Set<String> extras) {
            this.name = name;
            this.extras = Set.copyOf(extras);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node && ((Node) o).name.equals(name) && ((Node) o).extras.equals(extras);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + extras.hashCode();
        }
    }

    /** One {@code Requires-Dist} value: a name, extras, and the marker, if any. */
    static final class Dependency {
        final String name;
        final Set<String> extras;
        final String marker;
        /** What follows the name and extras: a specifier set, possibly in parentheses, or a direct URL. */
        final String rest;

        private Dependency(String name, Set<String> extras, String marker, String rest) {
            this.name = name;
            this.extras = extras;
            this.marker = marker;
            this.rest = rest;
        }

        static Optional<Dependency> parse(String text) {
            int semicolon = text.indexOf(';');
            String head = semicolon < 0 ? text : text.substring(0, semicolon);
            String marker = semicolon < 0 ? null : text.substring(semicolon + 1).strip();
            Matcher m = NAME_AND_EXTRAS.matcher(head);
            if (!m.lookingAt()) {
                return Optional.empty();
            }
            Set<String> extras = new LinkedHashSet<>();
            if (m.group(2) != null) {
                for (String e : m.group(2).split(",")) {
                    if (!e.isBlank()) {
                        extras.add(Requirement.normalize(e.strip()));
                    }
                }
            }
            return Optional.of(new Dependency(Requirement.normalize(m.group(1)).toLowerCase(Locale.ROOT), extras,
                    marker == null || marker.isEmpty() ? null : marker, head.substring(m.end()).strip()));
        }
    }
}
