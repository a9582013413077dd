package dev.isoenv.testing.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A wheel's compatibility tag as it appears in its file name, {@code python-abi-platform}, possibly compressed
 * ({@code py2.py3-none-any}). {@link #PURE} is the tag of a pure-Python wheel for Python 3.
 */
public final class WheelTag {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");

    /** The tag of a pure-Python wheel for any Python 3: {@code py3-none-any}. */
    public static final WheelTag PURE = parse("py3-none-any");

    private final String python;
    private final String abi;
    private final String platform;

    private WheelTag(String python, String abi, String platform) {
        this.python = python;
        this.abi = abi;
        this.platform = platform;
    }

    /**
     * Parses a tag such as {@code py3-none-any} or {@code cp311-cp311-win_amd64}.
     *
     * @param tag the tag, three parts joined by {@code -}
     * @return the tag
     * @throws IllegalArgumentException if it does not have three well-formed parts
     */
    public static WheelTag parse(String tag) {
        Objects.requireNonNull(tag, "tag");
        String[] parts = tag.split("-", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a wheel tag has three parts, python-abi-platform: '" + tag + "'");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("malformed wheel tag part '" + part + "' in '" + tag + "'");
            }
        }
        return new WheelTag(parts[0], parts[1], parts[2]);
    }

    /**
     * Returns the tag as written in a file name, e.g. {@code py3-none-any}.
     *
     * @return the compressed tag
     */
    @Override
    public String toString() {
        return python + "-" + abi + "-" + platform;
    }

    /**
     * Expands a compressed tag into the single tags that a WHEEL file lists, one {@code Tag:} line each
     * ({@code py2.py3-none-any} gives {@code py2-none-any} and {@code py3-none-any}).
     *
     * @return the expanded tags, in order
     */
    public List<String> expand() {
        List<String> tags = new ArrayList<>();
        for (String p : python.split("\\.")) {
            for (String a : abi.split("\\.")) {
                for (String f : platform.split("\\.")) {
                    tags.add(p + "-" + a + "-" + f);
                }
            }
        }
        return tags;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WheelTag && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
