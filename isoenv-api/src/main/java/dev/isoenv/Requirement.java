package dev.isoenv;

import dev.isoenv.internal.process.Redactor;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One PEP 508 requirement, such as {@code requests>=2.31}, {@code uvicorn[standard]} or
 * {@code torch==2.5.1; sys_platform == "linux"}.
 *
 * <p>The text is validated against the PEP 508 grammar when the requirement is created, so a requirement
 * can never carry installer options: {@code "--extra-index-url https://..."}, {@code "-e ."} and
 * {@code "torch --index-url x"} are all rejected with an {@link InvalidRequirementException}. Instances are
 * immutable; two requirements are equal when their texts are equal after trimming.
 */
public final class Requirement {
    private static final Pattern NORMALIZE = Pattern.compile("[-_.]+");
    private static final Set<String> MARKER_VARIABLES = Set.of(
            "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
            "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
            "implementation_name", "implementation_version", "extra", "os.name", "sys.platform",
            "platform.version", "platform.machine", "platform.python_implementation", "python_implementation",
            "dependency_groups", "extras");

    /** The longest requirement text accepted, in characters; longer texts are rejected before parsing. */
    public static final int MAX_LENGTH = 8192;
    /** The deepest nesting of parentheses accepted in a marker. */
    private static final int MAX_MARKER_DEPTH = 64;

    private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"([^\"']*)\"");

    private final String text;
    private final String installerText;
    private final String name;
    private final Set<String> extras;
    private final String specifier;
    private final String url;
    private final String marker;

    private Requirement(String text, String name, Set<String> extras, String specifier, String url,
                        String marker) {
        this.text = text;
        this.installerText = singleQuotedMarker(text, marker);
        this.name = name;
        this.extras = extras;
        this.specifier = specifier;
        this.url = url;
        this.marker = marker;
    }

    /**
     * Parses and validates one requirement.
     *
     * @param text a PEP 508 requirement
     * @return the requirement
     * @throws InvalidRequirementException if the text is not a single valid PEP 508 requirement
     */
    public static Requirement parse(String text) {
        if (text == null) {
            throw new InvalidRequirementException("null", 0, "a requirement cannot be null");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidRequirementException(text, MAX_LENGTH, "the text is " + text.length()
                    + " characters long, more than the limit of " + MAX_LENGTH + " characters for one requirement");
        }
        return new Parser(text).parse();
    }

    /**
     * Normalizes a distribution name as PEP 503 does: lower case, with runs of {@code -}, {@code _} and
     * {@code .} replaced by one {@code -}.
     *
     * @param name a distribution name
     * @return the normalized name
     */
    public static String normalize(String name) {
        return NORMALIZE.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the distribution name as written.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the PEP 503 normalized distribution name, which is how names are compared.
     *
     * @return the normalized name
     */
    public String normalizedName() {
        return normalize(name);
    }

    /**
     * Returns the requested extras, normalized and sorted.
     *
     * @return the extras, possibly empty
     */
    public Set<String> extras() {
        return extras;
    }

    /**
     * Returns the version specifier, such as {@code >=2.31,<3}, or an empty string when there is none.
     *
     * @return the version specifier, without spaces
     */
    public String specifier() {
        return specifier;
    }

    /**
     * Returns the direct URL of a {@code name @ url} requirement.
     *
     * @return the URL, if the requirement has one
     */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /**
     * Returns the environment marker, such as {@code sys_platform == "linux"}.
     *
     * @return the marker, if the requirement has one
     */
    public Optional<String> marker() {
        return Optional.ofNullable(marker);
    }

    /**
     * Returns a copy of this requirement with another version specifier, keeping name, extras and marker.
     *
     * @param newSpecifier a PEP 440 specifier set such as {@code ==2.5.1+cu126}, or empty for none
     * @return the new requirement
     * @throws InvalidRequirementException if the result is not valid
     */
    public Requirement withSpecifier(String newSpecifier) {
        StringBuilder b = new StringBuilder(name);
        if (!extras.isEmpty()) {
            b.append('[').append(String.join(",", extras)).append(']');
        }
        b.append(newSpecifier);
        if (marker != null) {
            b.append("; ").append(marker);
        }
        return parse(b.toString());
    }

    /**
     * Returns the exact text to hand to an installer. Unlike {@link #toString()}, it keeps any credentials
     * of a direct URL, so it must never be logged.
     *
     * @return the requirement text
     */
    public String installerArgument() {
        return installerText;
    }

    /**
     * Writes the marker's double-quoted strings with single quotes, which PEP 508 allows equally: Windows passes
     * command-line arguments through the C runtime's parser, which would strip unescaped double quotes and turn
     * {@code python_version < "3.10"} into an invalid marker.
     */
    private static String singleQuotedMarker(String text, String marker) {
        if (marker == null || marker.indexOf('"') < 0) {
            return text;
        }
        int at = text.lastIndexOf(marker);
        String quoted = DOUBLE_QUOTED.matcher(marker).replaceAll("'$1'");
        return text.substring(0, at) + quoted + text.substring(at + marker.length());
    }

    /** Returns the requirement text, with credentials in a direct URL masked. */
    @Override
    public String toString() {
        return Redactor.maskUrlCredentials(text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Requirement && ((Requirement) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** A recursive-descent parser of the PEP 508 grammar. */
    private static final class Parser {
        private final String raw;
        private final String s;
        private int i;
        private int depth;

        Parser(String raw) {
            this.raw = raw;
            this.s = raw.strip();
        }

        Requirement parse() {
            if (s.isEmpty()) {
                throw fail("a requirement cannot be empty");
            }
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c == '\n' || c == '\r' || c == '\0' || (Character.isISOControl(c) && c != '\t')) {
                    i = k;
                    throw fail("line breaks and control characters are not allowed; give each requirement"
                            + " as its own string");
                }
            }
            if (s.charAt(0) == '-') {
                throw fail("a requirement cannot start with '-'; installer options are not accepted");
            }
            String name = parseName();
            skipSpace();
            Set<String> extras = Collections.emptySet();
            if (peek('[')) {
                extras = parseExtras();
                skipSpace();
            }
            String url = null;
            String specifier = "";
            if (peek('@')) {
                i++;
                skipSpace();
                url = parseUrl();
                if (!atEnd() && !Character.isWhitespace(s.charAt(i))) {
                    throw fail("expected a space or the end after the URL");
                }
                skipSpace();
            } else if (peek('(')) {
                i++;
                skipSpace();
                specifier = parseVersionMany();
                skipSpace();
                expect(')');
                skipSpace();
            } else if (!atEnd() && "<>=!~".indexOf(s.charAt(i)) >= 0) {
                specifier = parseVersionMany();
                skipSpace();
            }
            String marker = null;
            if (peek(';')) {
                i++;
                skipSpace();
                int start = i;
                parseMarkerOr();
                marker = s.substring(start, i).strip();
                skipSpace();
            }
            if (!atEnd()) {
                if (s.charAt(i) == '-') {
                    int end = i;
                    while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                        end++;
                    }
                    throw fail("unexpected '" + Redactor.excerpt(s.substring(i, end))
                            + "': installer options are not accepted inside a requirement");
                }
                if (s.charAt(i) == '#') {
                    throw fail("comments are not accepted inside a requirement");
                }
                throw fail("unexpected text '" + Redactor.excerpt(s.substring(i)) + "'");
            }
            return new Requirement(s, name, extras, specifier, url, marker);
        }

        private String parseName() {
            int start = i;
            if (atEnd() || !isLetterOrDigit(s.charAt(i))) {
                throw fail("a requirement must start with a distribution name (letters, digits, '-', '_', '.')");
            }
            while (!atEnd() && (isLetterOrDigit(s.charAt(i)) || "-_.".indexOf(s.charAt(i)) >= 0)) {
                i++;
            }
            String name = s.substring(start, i);
            if (!isLetterOrDigit(name.charAt(name.length() - 1))) {
                i--;
                throw fail("a distribution name must end with a letter or digit");
            }
            return name;
        }

        private Set<String> parseExtras() {
            expect('[');
            skipSpace();
            Set<String> extras = new TreeSet<>();
            if (peek(']')) {
                i++;
                return Collections.emptySet();
            }
            while (true) {
                extras.add(normalize(parseName()));
                skipSpace();
                if (peek(',')) {
                    i++;
                    skipSpace();
                } else {
                    break;
                }
            }
            expect(']');
            return Collections.unmodifiableSet(extras);
        }

        private String parseUrl() {
            int start = i;
            while (!atEnd() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String url = s.substring(start, i);
            int colon = url.indexOf(':');
            if (url.isEmpty() || colon <= 0 || !url.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                i = start;
                throw fail("a direct reference needs a URL with a scheme, such as 'name @ https://host/x.whl'");
            }
            // A URL followed by ';' without a space would swallow the marker (PEP 508 requires a space).
            return url;
        }

        private String parseVersionMany() {
            StringBuilder spec = new StringBuilder();
            while (true) {
                skipSpace();
                String op = parseOperator();
                skipSpace();
                String version = parseVersion(op);
                if (spec.length() > 0) {
                    spec.append(',');
                }
                spec.append(op).append(version);
                skipSpace();
                if (peek(',')) {
                    i++;
                } else {
                    return spec.toString();
                }
            }
        }

        private String parseOperator() {
            for (String op : new String[] {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return op;
                }
            }
            throw fail("expected a version operator (==, !=, <=, >=, <, >, ~=, ===)");
        }

        private String parseVersion(String op) {
            int start = i;
            while (!atEnd() && (isLetterOrDigit(s.charAt(i)) || "-_.*+!".indexOf(s.charAt(i)) >= 0)) {
                i++;
            }
            String version = s.substring(start, i);
            if (version.isEmpty()) {
                throw fail("expected a version after '" + op + "'");
            }
            if (!op.equals("===")) {
                boolean wildcardAllowed = op.equals("==") || op.equals("!=");
                String check = version;
                if (wildcardAllowed && check.endsWith(".*")) {
                    check = check.substring(0, check.length() - 2);
                }
                if (!dev.isoenv.internal.version.Version.isValid(check)) {
                    i = start;
                    throw fail("'" + Redactor.excerpt(version) + "' is not a valid PEP 440 version");
                }
            }
            return version;
        }

        private void parseMarkerOr() {
            parseMarkerAnd();
            while (keyword("or")) {
                parseMarkerAnd();
            }
        }

        private void parseMarkerAnd() {
            parseMarkerExpr();
            while (keyword("and")) {
                parseMarkerExpr();
            }
        }

        private void parseMarkerExpr() {
            skipSpace();
            if (peek('(')) {
                if (++depth > MAX_MARKER_DEPTH) {
                    throw fail("markers may nest parentheses at most " + MAX_MARKER_DEPTH + " deep");
                }
                i++;
                parseMarkerOr();
                depth--;
                skipSpace();
                expect(')');
                skipSpace();
                return;
            }
            parseMarkerVar();
            skipSpace();
            parseMarkerOp();
            skipSpace();
            parseMarkerVar();
            skipSpace();
        }

        private void parseMarkerVar() {
            if (peek('\'') || peek('"')) {
                char quote = s.charAt(i++);
                int end = s.indexOf(quote, i);
                if (end < 0) {
                    throw fail("unterminated string in marker");
                }
                i = end + 1;
                return;
            }
            int start = i;
            while (!atEnd() && (isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.')) {
                i++;
            }
            String variable = s.substring(start, i);
            if (!MARKER_VARIABLES.contains(variable)) {
                i = start;
                throw fail(variable.isEmpty() ? "expected a marker variable or a quoted string"
                        : "'" + Redactor.excerpt(variable) + "' is not a PEP 508 marker variable");
            }
        }

        private void parseMarkerOp() {
            for (String op : new String[] {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return;
                }
            }
            if (keyword("in")) {
                return;
            }
            if (keyword("not")) {
                if (keyword("in")) {
                    return;
                }
            }
            throw fail("expected a marker operator");
        }

        private boolean keyword(String word) {
            int save = i;
            skipSpace();
            if (s.startsWith(word, i)) {
                int end = i + word.length();
                if (end == s.length() || !isLetterOrDigit(s.charAt(end)) && s.charAt(end) != '_') {
                    i = end;
                    return true;
                }
            }
            i = save;
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            i++;
        }

        private boolean peek(char c) {
            return !atEnd() && s.charAt(i) == c;
        }

        private boolean atEnd() {
            return i >= s.length();
        }

        private void skipSpace() {
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private static boolean isLetterOrDigit(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        private InvalidRequirementException fail(String reason) {
            return new InvalidRequirementException(raw.strip(), i, reason);
        }
    }
}
