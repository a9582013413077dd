package dev.isoenv.testing.dist;

import java.util.regex.Pattern;

/**
 * The PEP 440 versions the builders accept: versions already in normalized form, such as {@code 1.0},
 * {@code 2.0rc1}, {@code 1.1.post2.dev3}, {@code 1!2.0} or {@code 2.5.1+cu126}. Requiring the normalized form keeps
 * file names and metadata in step, since pip rejects a wheel whose file-name version and metadata version differ.
 */
public final class Versions {
    private static final String NUMBER = "(0|[1-9][0-9]*)";
    private static final Pattern NORMALIZED = Pattern.compile("^(" + NUMBER + "!)?" + NUMBER + "(\\." + NUMBER + ")*"
            + "((a|b|rc)" + NUMBER + ")?(\\.post" + NUMBER + ")?(\\.dev" + NUMBER + ")?"
            + "(\\+[a-z0-9]+(\\.[a-z0-9]+)*)?$");

    private Versions() {
    }

    /**
     * Tells whether a string is a PEP 440 version in normalized form.
     *
     * @param version the candidate
     * @return true if it is one
     */
    public static boolean isNormalized(String version) {
        return version != null && NORMALIZED.matcher(version).matches();
    }

    /**
     * Returns the version unchanged, or throws when it is not a normalized PEP 440 version.
     *
     * @param version the candidate
     * @return the version
     * @throws IllegalArgumentException if it is not one
     */
    public static String requireNormalized(String version) {
        if (!isNormalized(version)) {
            throw new IllegalArgumentException("not a normalized PEP 440 version: '" + version
                    + "' (write e.g. 1.0, 2.0rc1, 1.0.post1, 2.5.1+cu126)");
        }
        return version;
    }

    /**
     * Returns the public part of a version, without its local label ({@code 2.5.1+cu126} gives {@code 2.5.1}).
     *
     * @param version a version
     * @return the version up to its {@code +}
     */
    public static String publicPart(String version) {
        int plus = version.indexOf('+');
        return plus < 0 ? version : version.substring(0, plus);
    }
}
