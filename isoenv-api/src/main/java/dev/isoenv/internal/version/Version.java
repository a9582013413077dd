package dev.isoenv.internal.version;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version, such as {@code 2.5.1+cu126}, {@code 20231117} or {@code 1.0rc1.post2.dev3}. Versions
 * are never treated as semantic versions: {@code openai-whisper==20231117} is an ordinary version here.
 * Ordering follows PEP 440, including pre-, post- and development releases and local version labels.
 */
public final class Version implements Comparable<Version> {
    private static final Pattern PATTERN = Pattern.compile(
            "v?(?:(?:(?<epoch>[0-9]++)!)?(?<release>[0-9]++(?:\\.[0-9]++)*+)"
                    + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
                    + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
                    + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
                    + "(?:\\+(?<local>[a-z0-9]++(?:[-_.][a-z0-9]++)*+))?",
            Pattern.CASE_INSENSITIVE);

    private final int epoch;
    private final long[] release;
    private final String preLabel;
    private final long preNumber;
    private final long post;
    private final long dev;
    private final String local;

    private Version(int epoch, long[] release, String preLabel, long preNumber, long post, long dev,
                    String local) {
        this.epoch = epoch;
        this.release = release;
        this.preLabel = preLabel;
        this.preNumber = preNumber;
        this.post = post;
        this.dev = dev;
        this.local = local;
    }

    /**
     * Tells whether {@code text} is a valid PEP 440 version.
     *
     * @param text the text to check
     * @return true if {@link #parse(String)} would accept it
     */
    public static boolean isValid(String text) {
        return text != null && PATTERN.matcher(text.strip()).matches();
    }

    /**
     * Parses a PEP 440 version.
     *
     * @param text the version
     * @return the parsed version
     * @throws IllegalArgumentException if the text is not a PEP 440 version
     */
    public static Version parse(String text) {
        Matcher m = PATTERN.matcher(Objects.requireNonNull(text, "text").strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version");
        }
        int epoch = m.group("epoch") == null ? 0 : Integer.parseInt(m.group("epoch"));
        long[] release = Arrays.stream(m.group("release").split("\\.")).mapToLong(Long::parseLong).toArray();
        String preLabel = null;
        long preNumber = 0;
        if (m.group("pre") != null) {
            String l = m.group("prel").toLowerCase(Locale.ROOT);
            preLabel = switch (l) {
                case "alpha", "a" -> "a";
                case "beta", "b" -> "b";
                default -> "rc";
            };
            preNumber = m.group("pren") == null ? 0 : Long.parseLong(m.group("pren"));
        }
        long post = -1;
        if (m.group("post") != null) {
            String n = m.group("postn1") != null ? m.group("postn1") : m.group("postn2");
            post = n == null ? 0 : Long.parseLong(n);
        }
        long dev = -1;
        if (m.group("dev") != null) {
            dev = m.group("devn") == null ? 0 : Long.parseLong(m.group("devn"));
        }
        String local = m.group("local") == null ? null
                : m.group("local").toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
        return new Version(epoch, release, preLabel, preNumber, post, dev, local);
    }

    /**
     * Returns the release segment, such as {@code [2, 5, 1]} for {@code 2.5.1+cu126}.
     *
     * @return a copy of the release numbers
     */
    public long[] release() {
        return release.clone();
    }

    /**
     * Returns the release number at {@code index}, or 0 if the release has fewer parts.
     *
     * @param index zero-based index into the release segment
     * @return the number
     */
    public long releasePart(int index) {
        return index < release.length ? release[index] : 0;
    }

    /**
     * Returns the local version label, such as {@code cu126}.
     *
     * @return the normalized local label, if there is one
     */
    public Optional<String> local() {
        return Optional.ofNullable(local);
    }

    /**
     * Returns this version without its local label.
     *
     * @return the public version
     */
    public Version publicVersion() {
        return local == null ? this : new Version(epoch, release, preLabel, preNumber, post, dev, null);
    }

    /**
     * Returns this version with another local label.
     *
     * @param label the new local label, or {@code null} for none
     * @return the new version
     */
    public Version withLocal(String label) {
        return new Version(epoch, release, preLabel, preNumber, post, dev,
                label == null ? null : label.toLowerCase(Locale.ROOT));
    }

    /**
     * Returns the base version: epoch and release only.
     *
     * @return the base version
     */
    public Version baseVersion() {
        return new Version(epoch, release, null, 0, -1, -1, null);
    }

    /**
     * Tells whether this is a pre-release or a development release.
     *
     * @return true for versions such as {@code 2.6.0rc1} or {@code 2.6.0.dev20250101}
     */
    public boolean isPreRelease() {
        return preLabel != null || dev >= 0;
    }

    /**
     * Tells whether this is a post-release.
     *
     * @return true for versions such as {@code 1.0.post1}
     */
    public boolean isPostRelease() {
        return post >= 0;
    }

    @Override
    public int compareTo(Version o) {
        int c = Integer.compare(epoch, o.epoch);
        if (c != 0) {
            return c;
        }
        int n = Math.max(release.length, o.release.length);
        for (int k = 0; k < n; k++) {
            c = Long.compare(releasePart(k), o.releasePart(k));
            if (c != 0) {
                return c;
            }
        }
        c = Long.compare(preKey(), o.preKey());
        if (c != 0) {
            return c;
        }
        if (preLabel != null && o.preLabel != null) {
            c = Long.compare(preNumber, o.preNumber);
            if (c != 0) {
                return c;
            }
        }
        c = Long.compare(post, o.post);
        if (c != 0) {
            return c;
        }
        c = Long.compare(dev < 0 ? Long.MAX_VALUE : dev, o.dev < 0 ? Long.MAX_VALUE : o.dev);
        if (c != 0) {
            return c;
        }
        return compareLocal(local, o.local);
    }

    /** Orders pre-release kinds: dev-only releases first, then a, b, rc, then final releases. */
    private long preKey() {
        if (preLabel == null) {
            // A development release of a final version sorts before its alphas.
            return (dev >= 0 && post < 0) ? -1 : 10;
        }
        return switch (preLabel) {
            case "a" -> 1;
            case "b" -> 2;
            default -> 3;
        };
    }

    private static int compareLocal(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        for (int k = 0; k < Math.min(pa.length, pb.length); k++) {
            boolean na = pa[k].matches("[0-9]+");
            boolean nb = pb[k].matches("[0-9]+");
            int c;
            if (na && nb) {
                c = new java.math.BigInteger(pa[k]).compareTo(new java.math.BigInteger(pb[k]));
            } else if (na != nb) {
                c = na ? 1 : -1;
            } else {
                c = pa[k].compareTo(pb[k]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version && compareTo((Version) o) == 0;
    }

    @Override
    public int hashCode() {
        int n = release.length;
        while (n > 1 && release[n - 1] == 0) {
            n--;
        }
        return Objects.hash(epoch, Arrays.hashCode(Arrays.copyOf(release, n)), preLabel, preNumber, post, dev,
                local);
    }

    /** Returns the normalized form, such as {@code 1!2.0rc1.post2.dev3+cu126}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (epoch != 0) {
            b.append(epoch).append('!');
        }
        List<String> parts = new ArrayList<>();
        for (long r : release) {
            parts.add(Long.toString(r));
        }
        b.append(String.join(".", parts));
        if (preLabel != null) {
            b.append(preLabel).append(preNumber);
        }
        if (post >= 0) {
            b.append(".post").append(post);
        }
        if (dev >= 0) {
            b.append(".dev").append(dev);
        }
        if (local != null) {
            b.append('+').append(local);
        }
        return b.toString();
    }
}
