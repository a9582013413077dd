package dev.isoenv.cuda.data;

import dev.isoenv.internal.version.Version;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An inclusive range of release series compared by major and minor version only, such as {@code 2.0-2.7} (torch
 * 2.0.0 up to every 2.7.x) or {@code 3.9-3.13} (Python 3.9 up to 3.13.x). A single series such as {@code 2.7}
 * is a range of one.
 */
public final class SeriesRange {
    private static final Pattern FORMAT = Pattern.compile("(\\d+\\.\\d+)(?:-(\\d+\\.\\d+))?");

    private final Version low;
    private final Version high;

    private SeriesRange(Version low, Version high) {
        this.low = low;
        this.high = high;
    }

    /**
     * Parses a range.
     *
     * @param text {@code X.Y} or {@code X.Y-A.B}
     * @return the range
     * @throws IllegalArgumentException if the text is not a range or its ends are in the wrong order
     */
    public static SeriesRange parse(String text) {
        Matcher m = FORMAT.matcher(Objects.requireNonNull(text, "text").strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a series range; write X.Y or X.Y-A.B, such as 2.6-2.14");
        }
        Version low = Version.parse(m.group(1));
        Version high = m.group(2) == null ? low : Version.parse(m.group(2));
        if (low.compareTo(high) > 0) {
            throw new IllegalArgumentException("the series range '" + text + "' ends before it starts");
        }
        return new SeriesRange(low, high);
    }

    /**
     * Tells whether a version's series lies in this range.
     *
     * @param version any version, such as {@code 2.5.1} or {@code 3.11.7}; only major and minor count
     * @return true if it is in the range
     */
    public boolean contains(Version version) {
        return compareSeries(version, low) >= 0 && compareSeries(version, high) <= 0;
    }

    private static int compareSeries(Version a, Version b) {
        int c = Long.compare(a.releasePart(0), b.releasePart(0));
        return c != 0 ? c : Long.compare(a.releasePart(1), b.releasePart(1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesRange && ((SeriesRange) o).low.equals(low) && ((SeriesRange) o).high.equals(high);
    }

    @Override
    public int hashCode() {
        return Objects.hash(low, high);
    }

    /** Returns {@code X.Y} or {@code X.Y-A.B}. */
    @Override
    public String toString() {
        return low.equals(high) ? low.toString() : low + "-" + high;
    }
}
