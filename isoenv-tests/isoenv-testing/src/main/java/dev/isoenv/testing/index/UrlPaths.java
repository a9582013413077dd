package dev.isoenv.testing.index;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * URL path helpers: percent-encoding of one path segment (or user-info part) and the canonical form of an index's
 * base path.
 */
final class UrlPaths {
    private static final Pattern BASE_SEGMENT = Pattern.compile("[A-Za-z0-9._~+-]+");

    private UrlPaths() {
    }

    /**
     * Percent-encodes everything but the RFC 3986 unreserved characters, so {@code torch-2.5.1+cu126-...whl}
     * becomes {@code torch-2.5.1%2Bcu126-...whl}, as PyTorch's index writes it.
     *
     * @param text a path segment or user-info part
     * @return the encoded text
     */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    /**
     * Returns the canonical form of an index base path, with one leading and one trailing slash:
     * {@code whl/cu126}, {@code /whl/cu126} and {@code /whl/cu126/} all give {@code /whl/cu126/}.
     *
     * @param basePath the base path
     * @return the canonical base path
     * @throws IllegalArgumentException if it is the root or has an empty, {@code .}, {@code ..} or unusual segment
     */
    static String canonicalBase(String basePath) {
        String trimmed = basePath.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("an index needs a base path below the root, such as /simple/");
        }
        for (String segment : trimmed.split("/", -1)) {
            if (!BASE_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("bad segment '" + segment + "' in index base path " + basePath);
            }
        }
        return "/" + trimmed + "/";
    }
}
