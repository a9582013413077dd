package dev.isoenv;

import dev.isoenv.internal.process.Redactor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where packages come from: the index URL, extra index URLs and find-links locations.
 *
 * <p>Each kind of setting given here replaces the machine's setting of the same kind (from pip.conf or
 * {@code PIP_*} variables); kinds left unset keep the machine's value. URLs may carry credentials
 * ({@code https://user:token@host/simple}); they are passed to the installer, and masked everywhere isoenv
 * shows them: in {@link #toString()}, logs, output listeners and exception messages.
 */
public final class PackageIndexes {
    private volatile Redactor redactor;
    private static final PackageIndexes MACHINE_DEFAULTS = new PackageIndexes(null, List.of(), List.of(), false);

    private final String indexUrl;
    private final List<String> extraIndexUrls;
    private final List<String> findLinks;
    private final boolean exclusive;

    private PackageIndexes(String indexUrl, List<String> extraIndexUrls, List<String> findLinks, boolean exclusive) {
        this.indexUrl = indexUrl;
        this.extraIndexUrls = extraIndexUrls;
        this.findLinks = findLinks;
        this.exclusive = exclusive;
    }

    /**
     * Returns the setting that keeps whatever indexes the machine is configured with.
     *
     * @return the machine's indexes
     */
    public static PackageIndexes machineDefaults() {
        return MACHINE_DEFAULTS;
    }

    /**
     * Returns a setting that uses {@code indexUrl} and nothing else: no extra index, no find-links, and none
     * of the machine's. This is how PyTorch variant indexes are used.
     *
     * @param indexUrl the only index
     * @return the exclusive setting
     */
    public static PackageIndexes only(String indexUrl) {
        return builder().indexUrl(indexUrl).exclusive().build();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the primary index URL (pip's {@code --index-url}).
     *
     * @return the index URL, if set
     */
    public Optional<String> indexUrl() {
        return Optional.ofNullable(indexUrl);
    }

    /**
     * Returns the extra index URLs (pip's {@code --extra-index-url}).
     *
     * @return the extra index URLs, in order
     */
    public List<String> extraIndexUrls() {
        return extraIndexUrls;
    }

    /**
     * Returns the find-links locations (pip's {@code --find-links}): URLs or local directories.
     *
     * @return the find-links locations, in order
     */
    public List<String> findLinks() {
        return findLinks;
    }

    /**
     * Tells whether these indexes replace all of the machine's index settings, including the kinds not set
     * here.
     *
     * @return true if only these indexes may be used
     */
    public boolean isExclusive() {
        return exclusive;
    }

    /**
     * Tells whether nothing is set, so the machine's configuration applies unchanged.
     *
     * @return true for {@link #machineDefaults()}
     */
    public boolean isMachineDefault() {
        return indexUrl == null && extraIndexUrls.isEmpty() && findLinks.isEmpty() && !exclusive;
    }

    /**
     * Masks the credentials of these URLs in {@code text}, in whatever form a tool prints them (the whole user-info,
     * the password alone, percent-encoded or decoded), and the user-info of any other URL in it.
     *
     * @param text any text, may be {@code null}
     * @return the text with credentials replaced by {@code ****}
     */
    public String mask(String text) {
        Redactor r = redactor;
        if (r == null) {
            r = buildRedactor();
            redactor = r;
        }
        return r.redact(text);
    }

    private Redactor buildRedactor() {
        Set<String> secrets = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(extraIndexUrls);
        all.addAll(findLinks);
        if (indexUrl != null) {
            all.add(indexUrl);
        }
        for (String url : all) {
            secrets.addAll(credentialsOf(url));
        }
        return Redactor.of(secrets);
    }

    /**
     * Returns every form in which a tool may print the secrets of {@code url}: the whole user-info, the password
     * (or the user alone when there is no password, since that is then a token), each raw as written,
     * percent-decoded (with and without {@code +} read as a space) and percent-encoded (upper- and lower-case
     * hex, space as {@code %20} and as {@code +}). The user-info is everything up to the URL's last {@code @}
     * ({@link Redactor#userInfoOfWholeUrl(String)}), so no reserved character in a password can split it.
     */
    static List<String> credentialsOf(String url) {
        Optional<String> info = Redactor.userInfoOfWholeUrl(url);
        if (info.isEmpty()) {
            return List.of();
        }
        String userInfo = info.get();
        Set<String> raw = new LinkedHashSet<>();
        raw.add(userInfo);
        int colon = userInfo.indexOf(':');
        raw.add(colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
        Set<String> secrets = new LinkedHashSet<>();
        for (String r : raw) {
            secrets.add(r);
            String decoded = percentDecode(r);
            secrets.add(decoded);
            secrets.add(percentDecode(r.replace('+', ' ')));
            for (String form : List.of(r, decoded)) {
                String encoded = URLEncoder.encode(form, StandardCharsets.UTF_8);
                secrets.add(encoded);
                secrets.add(encoded.replace("+", "%20"));
                secrets.add(lowerHex(encoded));
                secrets.add(lowerHex(encoded.replace("+", "%20")));
            }
        }
        return List.copyOf(secrets);
    }

    /** Decodes %XX escapes as UTF-8, leaving malformed escapes and '+' as they are. */
    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '%' && k + 2 < text.length()
                    && Character.digit(text.charAt(k + 1), 16) >= 0 && Character.digit(text.charAt(k + 2), 16) >= 0) {
                bytes.write(Character.digit(text.charAt(k + 1), 16) * 16 + Character.digit(text.charAt(k + 2), 16));
                k += 2;
            } else {
                if (bytes.size() > 0) {
                    out.append(bytes.toString(StandardCharsets.UTF_8));
                    bytes.reset();
                }
                out.append(c);
            }
        }
        if (bytes.size() > 0) {
            out.append(bytes.toString(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static String lowerHex(String encoded) {
        StringBuilder b = new StringBuilder(encoded);
        for (int k = 0; k < b.length(); k++) {
            if (b.charAt(k) == '%' && k + 2 < b.length()) {
                b.setCharAt(k + 1, Character.toLowerCase(b.charAt(k + 1)));
                b.setCharAt(k + 2, Character.toLowerCase(b.charAt(k + 2)));
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PackageIndexes)) {
            return false;
        }
        PackageIndexes p = (PackageIndexes) o;
        return Objects.equals(indexUrl, p.indexUrl) && extraIndexUrls.equals(p.extraIndexUrls)
                && findLinks.equals(p.findLinks) && exclusive == p.exclusive;
    }

    @Override
    public int hashCode() {
        return Objects.hash(indexUrl, extraIndexUrls, findLinks, exclusive);
    }

    /** Describes the indexes with credentials masked. */
    @Override
    public String toString() {
        if (isMachineDefault()) {
            return "PackageIndexes[machine defaults]";
        }
        return mask("PackageIndexes[index-url=" + indexUrl + ", extra-index-urls="
                + extraIndexUrls + ", find-links=" + findLinks + (exclusive ? ", exclusive" : "") + "]");
    }

    /** Builds {@link PackageIndexes}; every URL is checked when it is added. */
    public static final class Builder {
        private String indexUrl;
        private final List<String> extraIndexUrls = new ArrayList<>();
        private final List<String> findLinks = new ArrayList<>();
        private boolean exclusive;

        private Builder() {
        }

        /**
         * Sets the primary index, which replaces the default index (PyPI or the machine's).
         *
         * @param url an http, https or file URL of a PEP 503 simple index
         * @return this builder
         */
        public Builder indexUrl(String url) {
            this.indexUrl = checkUrl(url, "index URL");
            return this;
        }

        /**
         * Adds an index that is searched as well as the primary one.
         *
         * @param url an http, https or file URL of a PEP 503 simple index
         * @return this builder
         */
        public Builder extraIndexUrl(String url) {
            extraIndexUrls.add(checkUrl(url, "extra index URL"));
            return this;
        }

        /**
         * Adds a find-links location: a URL of an HTML page of links, or a local directory of archives.
         *
         * @param location a URL or a directory path
         * @return this builder
         */
        public Builder findLinks(String location) {
            String value = Objects.requireNonNull(location, "location").strip();
            if (!value.contains("://")) {
                checkNoSpaceOrDash(value, "find-links location");
                findLinks.add(value);
            } else {
                findLinks.add(checkUrl(value, "find-links URL"));
            }
            return this;
        }

        /**
         * Makes these settings the only ones: the machine's index URL, extra index URLs and find-links are
         * all ignored.
         *
         * @return this builder
         */
        public Builder exclusive() {
            this.exclusive = true;
            return this;
        }

        /**
         * Builds the immutable settings.
         *
         * @return the settings
         */
        public PackageIndexes build() {
            if (exclusive && indexUrl == null && extraIndexUrls.isEmpty() && findLinks.isEmpty()) {
                throw new InvalidSpecException("Exclusive package indexes need at least one index URL or find-links"
                        + " location; otherwise nothing could be installed.");
            }
            return new PackageIndexes(indexUrl, List.copyOf(extraIndexUrls), List.copyOf(findLinks), exclusive);
        }

        private static String checkUrl(String url, String what) {
            String value = Objects.requireNonNull(url, what).strip();
            checkNoSpaceOrDash(value, what);
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme();
                if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")
                        || scheme.equalsIgnoreCase("file"))) {
                    throw new InvalidSpecException("The " + what + " '" + shown(value)
                            + "' needs an http, https or file scheme, such as https://download.pytorch.org/whl/cu126.");
                }
            } catch (URISyntaxException e) {
                throw new InvalidSpecException("The " + what + " '" + shown(value)
                        + "' is not a valid URL: " + Redactor.excerpt(Redactor.of(credentialsOf(value))
                                .redact(e.getReason()))
                        + ". Percent-encode special characters in credentials (for example '@' as %40).");
            }
            return value;
        }

        /** A rejected value as an error message may show it: credentials masked, bounded and escaped. */
        private static String shown(String value) {
            return Redactor.excerpt(Redactor.of(credentialsOf(value)).redact(Redactor.maskWholeUrl(value)));
        }

        private static void checkNoSpaceOrDash(String value, String what) {
            if (value.isEmpty() || value.startsWith("-") || value.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidSpecException("The " + what + " '" + shown(value)
                        + "' must be non-empty, must not start with '-' and must not contain whitespace;"
                        + " percent-encode spaces as %20.");
            }
        }
    }
}
