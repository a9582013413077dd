package dev.isoenv.testing.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A user name and token for HTTP Basic authentication, and the parsing of an {@code Authorization} header.
 *
 * @param user the user name, without {@code :}
 * @param token the password or token
 */
record BasicCredentials(String user, String token) {
    /**
     * Checks the parts.
     *
     * @param user the user name, without {@code :}
     * @param token the password or token
     */
    BasicCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(token, "token");
        if (user.contains(":")) {
            throw new IllegalArgumentException("a Basic-auth user name cannot contain ':'");
        }
    }

    /**
     * Parses an {@code Authorization: Basic ...} header value.
     *
     * @param header the header value, or null
     * @return the credentials, or empty if the header is absent or not well-formed Basic credentials
     */
    static Optional<BasicCredentials> parse(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Compares with other credentials in constant time.
     *
     * @param other the credentials presented
     * @return true if user and token are both equal
     */
    boolean matches(BasicCredentials other) {
        return MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), other.user.getBytes(StandardCharsets.UTF_8))
                & MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                other.token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + ", token=***]";
    }
}
