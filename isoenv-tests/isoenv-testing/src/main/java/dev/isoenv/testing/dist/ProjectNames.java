package dev.isoenv.testing.dist;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Python project-name rules: validity (core metadata), PEP 503 normalization and the escaped form used in wheel and
 * sdist file names.
 */
public final class ProjectNames {
    private static final Pattern VALID =
            Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    private ProjectNames() {
    }

    /**
     * Tells whether a string is a valid distribution name.
     *
     * @param name the candidate
     * @return true if it is valid
     */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * Returns the name unchanged, or throws when it is not a valid distribution name.
     *
     * @param name the candidate
     * @return the name
     * @throws IllegalArgumentException if it is not valid
     */
    public static String requireValid(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("not a valid Python distribution name: '" + name + "'");
        }
        return name;
    }

    /**
     * Normalizes a name as PEP 503 does: runs of {@code -}, {@code _} and {@code .} become one {@code -}, and the
     * result is lower case ({@code Isoenv_Demo.Hello} becomes {@code isoenv-demo-hello}).
     *
     * @param name a project name
     * @return the normalized name
     */
    public static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the form of a name used in wheel and sdist file names and in {@code .dist-info} directories: the
     * normalized name with {@code -} escaped to {@code _} ({@code isoenv-demo-hello} becomes
     * {@code isoenv_demo_hello}).
     *
     * @param name a project name
     * @return the escaped name
     */
    public static String fileNameComponent(String name) {
        return normalize(name).replace('-', '_');
    }
}
