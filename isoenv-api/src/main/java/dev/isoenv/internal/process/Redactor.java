package dev.isoenv.internal.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Masks secrets in text before it is shown to anyone: in log lines, output listeners, exception messages and
 * {@code toString()}. It masks the user-info part of every URL ({@code https://user:token@host} becomes
 * {@code https://****@host}) and every literal secret it was given, such as a password that a tool might
 * print after decoding it.
 */
public final class Redactor {
    /** The text that replaces a secret. */
    public static final String MASK = "****";

    /** The most characters of untrusted input that an error message quotes. */
    public static final int EXCERPT_LENGTH = 80;
    private static final Redactor URLS_ONLY = new Redactor(List.of());

    private final List<String> secrets;
    private final List<UnaryOperator<String>> maskers;

    private Redactor(List<String> secrets) {
        this(secrets, List.of());
    }

    private Redactor(List<String> secrets, List<UnaryOperator<String>> maskers) {
        this.secrets = secrets;
        this.maskers = maskers;
    }

    /**
     * Returns a redactor that masks URL credentials and whatever {@code masker} masks, such as
     * {@link dev.isoenv.PackageIndexes#mask(String)}.
     *
     * @param masker a function that masks secrets in a text
     * @return a redactor
     */
    public static Redactor from(UnaryOperator<String> masker) {
        return new Redactor(List.of(), List.of(Objects.requireNonNull(masker, "masker")));
    }

    /**
     * Returns a redactor that masks URL credentials only.
     *
     * @return the shared redactor for URL credentials
     */
    public static Redactor urlCredentials() {
        return URLS_ONLY;
    }

    /**
     * Returns a redactor that masks URL credentials and each given literal secret. Secrets shorter than
     * three characters are ignored, since masking them would destroy unrelated text.
     *
     * @param secrets literal secrets, such as the passwords and tokens of index URLs
     * @return a redactor
     */
    public static Redactor of(Collection<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 3 && !kept.contains(secret)) {
                kept.add(secret);
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        kept.sort(Comparator.comparingInt(String::length).reversed());
        return kept.isEmpty() ? URLS_ONLY : new Redactor(List.copyOf(kept));
    }

    /**
     * Returns a redactor that masks what this one masks and what {@code other} masks.
     *
     * @param other another redactor
     * @return the combination
     */
    public Redactor and(Redactor other) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(other.secrets);
        Redactor combined = of(all);
        List<UnaryOperator<String>> allMaskers = new ArrayList<>(maskers);
        allMaskers.addAll(other.maskers);
        return allMaskers.isEmpty() ? combined : new Redactor(combined.secrets, List.copyOf(allMaskers));
    }

    /**
     * Masks the user-info of every URL in {@code text}, and Anaconda-style channel tokens ({@code /t/<token>/}).
     *
     * <p>The rule, applied in one linear pass: a URL starts with {@code scheme://} and, in free text, ends at the
     * first whitespace, control character, {@code "}, {@code <}, {@code >} or backquote. Its user-info runs from
     * {@code scheme://} to the later of (a) the last {@code @} before the first {@code /}, {@code ?} or
     * {@code #} (the RFC 3986 authority) and (b) the last {@code @} of the URL that is followed by something that
     * looks like a host name (a dotted name ending in a label that starts with a letter, {@code localhost}, an
     * IPv4 address or a bracketed IPv6 address, with an optional port) and then by {@code /}, {@code ?},
     * {@code #} or the end. Rule (b) catches passwords with an unencoded {@code /}, {@code ?}, {@code #} or
     * {@code @}, without swallowing {@code name@v1.0} references in a path or e-mail addresses after the URL.
     * A password with an unencoded space cannot be told apart from the text after it; callers that know their
     * own URLs (such as {@link dev.isoenv.PackageIndexes}) mask those secrets literally.
     *
     * @param text any text, may be {@code null}
     * @return the text with URL credentials masked
     */
    public static String maskUrlCredentials(String text) {
        if (text == null || text.indexOf("://") < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int tokenEnd = -1;
        int tokenLastHostAt = -1;
        int from = 0;
        while (true) {
            int sep = text.indexOf("://", from);
            if (sep < 0) {
                break;
            }
            int start = sep + 3;
            from = start;
            if (!hasScheme(text, sep)) {
                continue;
            }
            if (start > tokenEnd) {
                tokenEnd = tokenEnd(text, start);
                tokenLastHostAt = lastHostLikeAt(text, start, tokenEnd);
            }
            int authorityEnd = authorityEnd(text, start, tokenEnd);
            int userInfoEnd = authorityEnd - 1;
            while (userInfoEnd >= start && text.charAt(userInfoEnd) != '@') {
                userInfoEnd--;
            }
            if (userInfoEnd < start) {
                userInfoEnd = -1;
            }
            if (tokenLastHostAt >= start && tokenLastHostAt > userInfoEnd) {
                userInfoEnd = tokenLastHostAt;
            }
            if (userInfoEnd > start) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(MASK);
                copied = userInfoEnd;
                from = userInfoEnd + 1;
                authorityEnd = authorityEnd(text, from, tokenEnd);
            }
            // Anaconda-style channel tokens: https://conda.anaconda.org/t/<token>/channel
            if (text.startsWith("/t/", authorityEnd)) {
                int tokenStart = authorityEnd + 3;
                int tokenStop = tokenStart;
                while (tokenStop < tokenEnd && text.charAt(tokenStop) != '/') {
                    tokenStop++;
                }
                if (tokenStop > tokenStart && tokenStop < tokenEnd) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, tokenStart).append(MASK);
                    copied = tokenStop;
                    from = Math.max(from, tokenStop);
                }
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * Masks the user-info of one URL that is known to be a whole URL, such as a value a caller rejects: since
     * nothing but the URL can follow, the user-info is everything up to the last {@code @}, even when it holds
     * spaces, {@code /}, {@code ?} or {@code #}.
     *
     * @param url a URL, may be {@code null}
     * @return the URL with its user-info masked
     */
    public static String maskWholeUrl(String url) {
        if (url == null) {
            return null;
        }
        int end = userInfoEndOfWholeUrl(url);
        String masked = end < 0 ? url : url.substring(0, url.indexOf("://") + 3) + MASK + url.substring(end);
        return maskUrlCredentials(masked);
    }

    /**
     * Returns the user-info of one whole URL (see {@link #maskWholeUrl(String)}), raw as written.
     *
     * @param url a URL
     * @return the user-info, or empty if the URL has none
     */
    public static java.util.Optional<String> userInfoOfWholeUrl(String url) {
        int end = userInfoEndOfWholeUrl(url);
        return end < 0 ? java.util.Optional.empty() : java.util.Optional.of(url.substring(url.indexOf("://") + 3, end));
    }

    private static int userInfoEndOfWholeUrl(String url) {
        int sep = url.indexOf("://");
        if (sep <= 0 || !hasScheme(url, sep)) {
            return -1;
        }
        int at = url.lastIndexOf('@');
        return at > sep + 3 ? at : -1;
    }

    /** Tells whether {@code text} has a URL scheme (a letter, then letters, digits, '+', '.', '-') before {@code sep}. */
    private static boolean hasScheme(String text, int sep) {
        int k = sep;
        boolean letter = false;
        while (k > 0 && isSchemeChar(text.charAt(k - 1))) {
            k--;
            if (isAsciiLetter(text.charAt(k))) {
                letter = true;
            }
        }
        return letter;
    }

    private static boolean isSchemeChar(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int tokenEnd(String text, int from) {
        int k = from;
        while (k < text.length()) {
            char c = text.charAt(k);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '<' || c == '>'
                    || c == '`') {
                break;
            }
            k++;
        }
        return k;
    }

    private static int authorityEnd(String text, int from, int tokenEnd) {
        int k = from;
        while (k < tokenEnd) {
            char c = text.charAt(k);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            k++;
        }
        return k;
    }

    /** The last '@' in [from, to) followed by a host-like name and then '/', '?', '#' or {@code to}; or -1. */
    private static int lastHostLikeAt(String text, int from, int to) {
        int found = -1;
        int at = text.indexOf('@', from);
        while (at >= 0 && at < to) {
            int end = hostEnd(text, at + 1, to);
            if (end >= 0 && (end == to || "/?#".indexOf(text.charAt(end)) >= 0)) {
                found = at;
            }
            at = text.indexOf('@', at + 1);
        }
        return found;
    }

    /** Returns where a host-like name with an optional port starting at {@code from} ends, or -1 if there is none. */
    private static int hostEnd(String text, int from, int to) {
        int k = from;
        if (k < to && text.charAt(k) == '[') {
            while (k < to && text.charAt(k) != ']' && text.charAt(k) != '@') {
                k++;
            }
            if (k >= to || text.charAt(k) != ']') {
                return -1;
            }
            k++;
        } else {
            int labelStart = k;
            boolean dotted = false;
            boolean allDigitsAndDots = true;
            while (k < to) {
                char c = text.charAt(k);
                if (c == '.') {
                    dotted = true;
                    labelStart = k + 1;
                } else if (isAsciiLetter(c) || c == '-') {
                    allDigitsAndDots = false;
                } else if (!(c >= '0' && c <= '9')) {
                    break;
                }
                k++;
            }
            String name = text.substring(from, k);
            boolean host = name.equalsIgnoreCase("localhost")
                    || (dotted && labelStart < k && isAsciiLetter(text.charAt(labelStart)))
                    || (allDigitsAndDots && name.chars().filter(c -> c == '.').count() == 3);
            if (!host) {
                return -1;
            }
        }
        if (k < to && text.charAt(k) == ':') {
            k++;
            while (k < to && text.charAt(k) >= '0' && text.charAt(k) <= '9') {
                k++;
            }
        }
        return k;
    }

    /**
     * Returns a short, printable excerpt of untrusted text for an error message: URL credentials masked, at
     * most {@value #EXCERPT_LENGTH} characters (a window around {@code position} when the text is longer, with
     * {@code ...} where it was cut), and control, format and line-separator characters written as
     * a backslash, {@code u} and four hex digits, so that the message can never hold a raw line break or terminal escape.
     *
     * @param text untrusted text, may be {@code null}
     * @param position where the interesting part is, such as where parsing failed
     * @return the excerpt
     */
    public static String excerpt(String text, int position) {
        if (text == null) {
            return "null";
        }
        String masked = maskUrlCredentials(text);
        int from = 0;
        int to = masked.length();
        if (to > EXCERPT_LENGTH) {
            int p = Math.max(0, Math.min(position, masked.length()));
            from = Math.max(0, Math.min(p - EXCERPT_LENGTH / 2, masked.length() - EXCERPT_LENGTH));
            to = from + EXCERPT_LENGTH;
        }
        StringBuilder b = new StringBuilder(EXCERPT_LENGTH + 16);
        if (from > 0) {
            b.append("...");
        }
        for (int k = from; k < to; k++) {
            char c = masked.charAt(k);
            int type = Character.getType(c);
            boolean pairedHigh = Character.isHighSurrogate(c) && k + 1 < to && Character.isLowSurrogate(masked.charAt(k + 1));
            boolean pairedLow = Character.isLowSurrogate(c) && k > from && Character.isHighSurrogate(masked.charAt(k - 1));
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED
                    || (Character.isSurrogate(c) && !pairedHigh && !pairedLow)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        if (to < masked.length()) {
            b.append("...");
        }
        return b.toString();
    }

    /**
     * Returns {@link #excerpt(String, int)} from the start of the text.
     *
     * @param text untrusted text, may be {@code null}
     * @return the excerpt
     */
    public static String excerpt(String text) {
        return excerpt(text, 0);
    }

    /**
     * Masks URL credentials and this redactor's literal secrets in {@code text}.
     *
     * @param text any text, may be {@code null}
     * @return the masked text
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = maskUrlCredentials(text);
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        for (UnaryOperator<String> masker : maskers) {
            result = masker.apply(result);
        }
        return result;
    }

    /**
     * Masks every element of a command line.
     *
     * @param command the command and its arguments
     * @return the masked command, one element per argument
     */
    public List<String> redact(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        for (String argument : command) {
            out.add(redact(argument));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Redactor && ((Redactor) o).secrets.equals(secrets) && ((Redactor) o).maskers.equals(maskers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secrets, maskers);
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secrets]";
    }
}
