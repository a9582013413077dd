package dev.isoenv.internal.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text before it is shown to anyone: in log lines, output listeners, exception messages and
 * {@code toString()}. It masks the user-info part of every URL ({@code https://user:token@host} becomes
 * {@code https://****@host}) and every literal secret it was given, such as a password that a tool might
 * print after decoding it.
 */
public final class Redactor {
    /** The text that replaces a secret. */
    public static final String MASK = "****";

    private static final Pattern CHANNEL_TOKEN = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s]+/t/)[^/\\s]+/");
    private static final Pattern URL_USER_INFO =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/@\\s:]*(?::[^/@\\s]*)?)@");
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
     * @param text any text, may be {@code null}
     * @return the text with URL credentials masked
     */
    public static String maskUrlCredentials(String text) {
        if (text == null) {
            return null;
        }
        if (text.contains("/t/")) {
            // Anaconda-style channel tokens: https://conda.anaconda.org/t/<token>/channel
            text = CHANNEL_TOKEN.matcher(text).replaceAll("$1" + MASK + "/");
        }
        if (text.indexOf('@') < 0) {
            return text;
        }
        Matcher matcher = URL_USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + MASK + "@"));
        }
        matcher.appendTail(out);
        return out.toString();
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
