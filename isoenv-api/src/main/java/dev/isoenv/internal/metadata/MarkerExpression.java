package dev.isoenv.internal.metadata;

import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A PEP 508 environment marker, such as {@code python_version < "3.11" and sys_platform == "linux"} or
 * {@code extra == "cuda"}, parsed once and evaluated against a marker environment. Version comparisons use PEP 440
 * where both sides are versions, and plain string comparison otherwise, as PEP 508 says. Extras are compared after
 * PEP 503 normalization.
 */
final class MarkerExpression {
    private final Node root;

    private MarkerExpression(Node root) {
        this.root = root;
    }

    /**
     * Parses a marker.
     *
     * @param text the marker text, without the leading {@code ;}
     * @return the marker, or empty when the text is not a marker this parser understands
     */
    static Optional<MarkerExpression> parse(String text) {
        try {
            Parser p = new Parser(text);
            Node node = p.or();
            p.skipSpaces();
            return p.pos == text.length() ? Optional.of(new MarkerExpression(node)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Evaluates the marker.
     *
     * @param environment the marker variables; an unknown variable makes the comparison that uses it true
     * @param extra the extra being evaluated, or "" for none
     * @return the result
     */
    boolean evaluate(Map<String, String> environment, String extra) {
        return root.evaluate(environment, extra);
    }

    private interface Node {
        boolean evaluate(Map<String, String> env, String extra);
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Node or() {
            Node left = and();
            while (keyword("or")) {
                Node l = left;
                Node r = and();
                left = (env, extra) -> l.evaluate(env, extra) || r.evaluate(env, extra);
            }
            return left;
        }

        Node and() {
            Node left = atom();
            while (keyword("and")) {
                Node l = left;
                Node r = atom();
                left = (env, extra) -> l.evaluate(env, extra) && r.evaluate(env, extra);
            }
            return left;
        }

        Node atom() {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                Node inner = or();
                skipSpaces();
                expect(')');
                return inner;
            }
            Value left = value();
            String op = operator();
            Value right = value();
            return (env, extra) -> compare(left, op, right, env, extra);
        }

        Value value() {
            skipSpaces();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("a value is missing");
            }
            char c = s.charAt(pos);
            if (c == '"' || c == '\'') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("an unterminated string");
                }
                String literal = s.substring(pos + 1, end);
                pos = end + 1;
                return new Value(null, literal);
            }
            int start = pos;
            while (pos < s.length() && isNameCharacter(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("a variable or string is expected");
            }
            return new Value(s.substring(start, pos).replace('.', '_'), null);
        }

        String operator() {
            skipSpaces();
            for (String op : new String[] {"===", "==", "!=", "<=", ">=", "~=", "<", ">"}) {
                if (s.startsWith(op, pos)) {
                    pos += op.length();
                    return op;
                }
            }
            if (keyword("not")) {
                if (!keyword("in")) {
                    throw new IllegalArgumentException("'not' without 'in'");
                }
                return "not in";
            }
            if (keyword("in")) {
                return "in";
            }
            throw new IllegalArgumentException("an operator is expected");
        }

        boolean keyword(String word) {
            skipSpaces();
            if (s.regionMatches(pos, word, 0, word.length())) {
                int after = pos + word.length();
                if (after == s.length() || !isNameCharacter(s.charAt(after))) {
                    pos = after;
                    return true;
                }
            }
            return false;
        }

        /** A character of a variable name; dotted legacy names such as {@code os.name} included. */
        static boolean isNameCharacter(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '.';
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalArgumentException("'" + c + "' is expected");
            }
            pos++;
        }

        void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }

    /** A variable (name set) or a literal (literal set). */
    private static final class Value {
        final String variable;
        final String literal;

        Value(String variable, String literal) {
            this.variable = variable;
            this.literal = literal;
        }
    }

    private static boolean compare(Value left, String op, Value right, Map<String, String> env, String extra) {
        boolean isExtra = "extra".equalsIgnoreCase(left.variable) || "extra".equalsIgnoreCase(right.variable);
        String l = resolve(left, env, extra);
        String r = resolve(right, env, extra);
        if (l == null || r == null) {
            // An unknown variable: isoenv cannot decide, so the dependency counts as needed.
            return true;
        }
        if (isExtra) {
            l = dev.isoenv.Requirement.normalize(l);
            r = dev.isoenv.Requirement.normalize(r);
        }
        if ((op.equals("in") || op.equals("not in")) && right.variable != null && isSet(right.variable)) {
            // PEP 751's extras and dependency_groups are sets of names, given here as one comma-separated value.
            boolean member = java.util.Arrays.stream(r.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                    .map(dev.isoenv.Requirement::normalize).anyMatch(dev.isoenv.Requirement.normalize(l)::equals);
            return op.equals("in") == member;
        }
        switch (op) {
            case "in":
                return r.contains(l);
            case "not in":
                return !r.contains(l);
            case "===":
                return l.equals(r);
            default:
                break;
        }
        if (!isExtra && Version.isValid(l) && isVersionOperand(op, r)) {
            try {
                return VersionSpecifiers.parse(op + r).contains(Version.parse(l));
            } catch (RuntimeException e) {
                // Fall back to a string comparison below.
            }
        }
        int c = l.compareTo(r);
        switch (op) {
            case "==":
                return c == 0;
            case "!=":
                return c != 0;
            case "<":
                return c < 0;
            case "<=":
                return c <= 0;
            case ">":
                return c > 0;
            case ">=":
                return c >= 0;
            default:
                // ~= on non-versions is undefined; count the dependency as needed.
                return true;
        }
    }

    /**
     * Whether the right side is a version for {@code op}, as PEP 440 specifiers allow it: a version, or for
     * {@code ==} and {@code !=} a prefix such as {@code 3.*}. A comma would make it several clauses, so never.
     */
    private static boolean isVersionOperand(String op, String r) {
        if (r.indexOf(',') >= 0) {
            return false;
        }
        if ((op.equals("==") || op.equals("!=")) && r.endsWith(".*")) {
            return Version.isValid(r.substring(0, r.length() - 2));
        }
        return Version.isValid(r);
    }

    private static boolean isSet(String variable) {
        String name = variable.toLowerCase(Locale.ROOT);
        return name.equals("extras") || name.equals("dependency_groups");
    }

    private static String resolve(Value v, Map<String, String> env, String extra) {
        if (v.literal != null) {
            return v.literal;
        }
        String name = v.variable.toLowerCase(Locale.ROOT);
        if (name.equals("extra")) {
            return extra;
        }
        if (name.equals("python_implementation")) {
            name = "platform_python_implementation";
        }
        return env.get(name);
    }
}
