package dev.isoenv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the class-loading trace of one {@link FirstCallProbe} run ({@code -Xlog:class+load:stdout:uptimenanos}),
 * keeps the classes loaded between its start and end lines, and groups them by package, each group with the time
 * that passed before its classes loaded. That time is an attribution, not a profile: the gap before a class's load
 * is charged to the class, which is what the call was doing up to the moment it needed it.
 */
final class ClassLoadTrace {
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private int classes;
    private long spanNanos;

    private ClassLoadTrace() {
    }

    /** One package's share of the trace. */
    static final class Group {
        final String name;
        int classes;
        long nanos;

        Group(String name) {
            this.name = name;
        }
    }

    /**
     * Parses the output of a traced child.
     *
     * @param lines its standard output
     * @return the trace of the call
     */
    static ClassLoadTrace parse(List<String> lines) {
        ClassLoadTrace trace = new ClassLoadTrace();
        boolean inside = false;
        long previous = -1;
        long first = -1;
        for (String line : lines) {
            if (line.equals(FirstCallProbe.START)) {
                inside = true;
                continue;
            }
            if (line.equals(FirstCallProbe.END)) {
                break;
            }
            if (!inside || !line.startsWith("[")) {
                continue;
            }
            int close = line.indexOf("ns] ");
            if (close < 0) {
                continue;
            }
            long at;
            try {
                at = Long.parseLong(line.substring(1, close));
            } catch (NumberFormatException e) {
                continue;
            }
            String rest = line.substring(close + 4);
            int space = rest.indexOf(' ');
            String className = space < 0 ? rest : rest.substring(0, space);
            if (first < 0) {
                first = at;
                previous = at;
            }
            Group g = trace.groups.computeIfAbsent(group(className), Group::new);
            g.classes++;
            g.nanos += at - previous;
            previous = at;
            trace.classes++;
            trace.spanNanos = at - first;
        }
        return trace;
    }

    /** A class's group: its package, cut to three names ({@code com.google.common.hash}, {@code java.util.regex}). */
    static String group(String className) {
        int lastDot = className.lastIndexOf('.');
        String pkg = lastDot < 0 ? "(default package)" : className.substring(0, lastDot);
        String[] parts = pkg.split("\\.");
        int keep = Math.min(parts.length, pkg.startsWith("dev.isoenv.") ? 4 : 3);
        return String.join(".", java.util.Arrays.copyOf(parts, keep));
    }

    /**
     * Returns the number of classes loaded during the call.
     *
     * @return the count
     */
    int classes() {
        return classes;
    }

    /**
     * Returns the groups, the most expensive first.
     *
     * @return the groups
     */
    List<Group> groups() {
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> a.nanos != b.nanos ? Long.compare(b.nanos, a.nanos) : Integer.compare(b.classes,
                a.classes));
        return sorted;
    }

    /**
     * Formats the most expensive groups, one a line.
     *
     * @param limit how many groups to show
     * @return the lines
     */
    List<String> describe(int limit) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d classes loaded in %.1f ms between the first and the last load",
                classes, spanNanos / 1e6));
        int shown = 0;
        for (Group g : groups()) {
            if (shown++ == limit) {
                break;
            }
            lines.add(String.format(Locale.ROOT, "%-42s %4d classes  %7.1f ms", g.name, g.classes, g.nanos / 1e6));
        }
        return lines;
    }
}
