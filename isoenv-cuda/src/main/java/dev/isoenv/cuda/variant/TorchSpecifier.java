package dev.isoenv.cuda.variant;

import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a torch version specifier set strictly, as PEP 440 writes it: every clause must be one that pip accepts
 * ({@code ~=} needs two release parts; {@code .*} only after {@code ==} and {@code !=} and never with a local
 * label; a local label such as {@code +cu126} only after {@code ==}, {@code !=} and {@code ===}), and a set
 * whose clauses exclude each other ({@code >=2.5,<2.3}) is named as unsatisfiable. Both are errors a user must
 * see: neither may be read as "any version".
 */
public final class TorchSpecifier {
    private static final String[] OPERATORS = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};

    private TorchSpecifier() {
    }

    /**
     * Tells what is wrong with a specifier set, clause by clause.
     *
     * @param specifiers a comma-separated set such as {@code >=2.4,<2.6}; empty for any version
     * @return why the set is not a valid PEP 440 specifier set, or empty when it is
     */
    public static Optional<String> problem(String specifiers) {
        String text = specifiers.strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (String raw : text.split(",", -1)) {
            Optional<String> p = clauseProblem(raw.strip());
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> clauseProblem(String clause) {
        if (clause.isEmpty()) {
            return Optional.of("a specifier set has an empty clause (two commas, or a comma at an end)");
        }
        String op = operator(clause);
        if (op == null) {
            return Optional.of("'" + clause + "' does not start with a version operator (==, !=, <=, >=, <, >, ~=,"
                    + " ===)");
        }
        String v = clause.substring(op.length()).strip();
        if (v.isEmpty()) {
            return Optional.of("'" + clause + "' has no version after " + op);
        }
        if (op.equals("===")) {
            return Optional.empty();
        }
        boolean wildcard = v.endsWith(".*");
        String version = wildcard ? v.substring(0, v.length() - 2) : v;
        if (!Version.isValid(version)) {
            return Optional.of("'" + clause + "': '" + v + "' is not a PEP 440 version");
        }
        Version parsed = Version.parse(version);
        boolean equality = op.equals("==") || op.equals("!=");
        if (wildcard && !equality) {
            return Optional.of("'" + clause + "': a trailing .* is allowed only after == and !=");
        }
        if (wildcard && parsed.local().isPresent()) {
            return Optional.of("'" + clause + "': a trailing .* cannot follow a local version label");
        }
        if (parsed.local().isPresent() && !equality) {
            return Optional.of("'" + clause + "': a local version label such as +" + parsed.local().get()
                    + " is allowed only after ==, != and ===");
        }
        if (op.equals("~=") && parsed.release().length < 2) {
            return Optional.of("'" + clause + "': ~= needs at least two release parts, such as ~=2.5");
        }
        return Optional.empty();
    }

    /**
     * Tells whether a valid specifier set admits no version at all, and why. Only contradictions of the version
     * order are found ({@code >=2.5,<2.3}, {@code ==2.5.1,!=2.5.1}, {@code ~=2.5,<2.4}); {@code ===} clauses are
     * and versions with an epoch are not reasoned about. When this answers empty the set may still match nothing that exists.
     *
     * @param specifiers a valid comma-separated set
     * @return such as {@code "no version is both >=2.5 and <2.3"}, or empty when the set is not seen to be empty
     */
    public static Optional<String> contradiction(String specifiers) {
        Bound lower = null;
        Bound upper = null;
        List<String> excluded = new ArrayList<>();
        for (String raw : specifiers.strip().isEmpty() ? new String[0] : specifiers.split(",")) {
            String clause = raw.strip();
            String op = operator(clause);
            String v = clause.substring(op.length()).strip();
            if (v.contains("!")) {
                continue; // an epoch: torch has none, and the order reasoning below ignores them
            }
            boolean wildcard = v.endsWith(".*");
            Version version = op.equals("===") ? null : Version.parse(wildcard ? v.substring(0, v.length() - 2) : v)
                    .publicVersion();
            Bound lo = null;
            Bound hi = null;
            switch (op) {
                case ">=":
                    lo = new Bound(version, true, clause);
                    break;
                case ">":
                    lo = new Bound(version, false, clause);
                    break;
                case "<=":
                    hi = new Bound(version, true, clause);
                    break;
                case "<":
                    hi = new Bound(version, false, clause);
                    break;
                case "==":
                    lo = new Bound(wildcard ? devOf(version) : version, true, clause);
                    hi = wildcard ? new Bound(devOf(bump(version, version.release().length)), false, clause)
                            : new Bound(version, true, clause);
                    break;
                case "~=":
                    lo = new Bound(version, true, clause);
                    hi = new Bound(devOf(bump(version, version.release().length - 1)), false, clause);
                    break;
                case "!=":
                    if (!wildcard) {
                        excluded.add(clause);
                    }
                    break;
                default:
                    break;
            }
            if (lo != null && (lower == null || lo.tighterLowerThan(lower))) {
                lower = lo;
            }
            if (hi != null && (upper == null || hi.tighterUpperThan(upper))) {
                upper = hi;
            }
        }
        if (lower == null || upper == null) {
            return Optional.empty();
        }
        int c = lower.version.compareTo(upper.version);
        if (c > 0 || (c == 0 && !(lower.inclusive && upper.inclusive))) {
            return Optional.of(lower.clause.equals(upper.clause) ? "'" + lower.clause + "' admits no version"
                    : "no version is both " + lower.clause + " and " + upper.clause);
        }
        if (c == 0) {
            for (String clause : excluded) {
                Version v = Version.parse(clause.substring(2).strip()).publicVersion();
                if (v.equals(lower.version)) {
                    return Optional.of("only " + lower.version + " satisfies " + lower.clause
                            + (lower.clause.equals(upper.clause) ? "" : " and " + upper.clause) + ", and " + clause
                            + " excludes it");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the lowest version the set admits, as far as the version order tells.
     *
     * @param specifiers a valid comma-separated set
     * @return the version of the tightest lower bound, or empty when there is none
     */
    static Optional<Version> lowerBound(String specifiers) {
        return bound(specifiers, true);
    }

    /**
     * Returns the highest version the set admits, as far as the version order tells.
     *
     * @param specifiers a valid comma-separated set
     * @return the version of the tightest upper bound (which may itself be excluded), or empty when there is none
     */
    static Optional<Version> upperBound(String specifiers) {
        return bound(specifiers, false);
    }

    private static Optional<Version> bound(String specifiers, boolean lowerWanted) {
        Version best = null;
        for (String raw : specifiers.strip().isEmpty() ? new String[0] : specifiers.split(",")) {
            String clause = raw.strip();
            String op = operator(clause);
            if (op.equals("===") || op.equals("!=")) {
                continue;
            }
            String v = clause.substring(op.length()).strip();
            if (v.contains("!")) {
                continue;
            }
            boolean wildcard = v.endsWith(".*");
            Version version = Version.parse(wildcard ? v.substring(0, v.length() - 2) : v).publicVersion();
            Version candidate;
            if (lowerWanted) {
                candidate = op.startsWith(">") || op.equals("~=") ? version
                        : op.equals("==") ? (wildcard ? devOf(version) : version) : null;
            } else {
                candidate = op.startsWith("<") ? version
                        : op.equals("==") ? (wildcard ? devOf(bump(version, version.release().length)) : version)
                        : op.equals("~=") ? devOf(bump(version, version.release().length - 1)) : null;
            }
            if (candidate != null && (best == null
                    || (lowerWanted ? candidate.compareTo(best) > 0 : candidate.compareTo(best) < 0))) {
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String operator(String clause) {
        for (String op : OPERATORS) {
            if (clause.startsWith(op)) {
                return op;
            }
        }
        return null;
    }

    /** The release prefix of {@code parts} parts with its last part increased: 2.5.1 and 2 parts give 2.6. */
    private static Version bump(Version v, int parts) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < parts; k++) {
            long part = v.releasePart(k) + (k == parts - 1 ? 1 : 0);
            b.append(k == 0 ? "" : ".").append(part);
        }
        return Version.parse(b.toString());
    }

    /** The lowest version of a release: 2.5 gives 2.5.dev0, below 2.5a1 and 2.5.0. */
    private static Version devOf(Version v) {
        StringBuilder b = new StringBuilder();
        long[] release = v.release();
        for (int k = 0; k < release.length; k++) {
            b.append(k == 0 ? "" : ".").append(release[k]);
        }
        return Version.parse(b + ".dev0");
    }

    private static final class Bound {
        final Version version;
        final boolean inclusive;
        final String clause;

        Bound(Version version, boolean inclusive, String clause) {
            this.version = version;
            this.inclusive = inclusive;
            this.clause = clause;
        }

        boolean tighterLowerThan(Bound other) {
            int c = version.compareTo(other.version);
            return c > 0 || (c == 0 && !inclusive && other.inclusive);
        }

        boolean tighterUpperThan(Bound other) {
            int c = version.compareTo(other.version);
            return c < 0 || (c == 0 && !inclusive && other.inclusive);
        }
    }
}
