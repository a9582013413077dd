package dev.isoenv.internal.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A PEP 440 version specifier set, such as {@code >=2.4,<2.6} or {@code ==2.5.*}. An empty set matches every
 * version.
 */
public final class VersionSpecifiers {
    private final List<Clause> clauses;
    private final String text;

    private VersionSpecifiers(List<Clause> clauses, String text) {
        this.clauses = clauses;
        this.text = text;
    }

    /**
     * Parses a comma-separated specifier set.
     *
     * @param text the specifiers, such as {@code >=2.4,<2.6}; empty for "any version"
     * @return the parsed set
     * @throws IllegalArgumentException if a clause is not valid
     */
    public static VersionSpecifiers parse(String text) {
        String trimmed = Objects.requireNonNull(text, "text").strip();
        List<Clause> clauses = new ArrayList<>();
        if (!trimmed.isEmpty()) {
            for (String part : trimmed.split(",")) {
                clauses.add(Clause.parse(part.strip()));
            }
        }
        return new VersionSpecifiers(List.copyOf(clauses), trimmed.replace(" ", ""));
    }

    /**
     * Tells whether {@code version} satisfies every clause.
     *
     * @param version the candidate
     * @return true if it matches
     */
    public boolean contains(Version version) {
        for (Clause clause : clauses) {
            if (!clause.matches(version)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the exact version that a single {@code ==V} clause pins, if this set is such a pin.
     *
     * @return the pinned version, or empty when the set is not one exact pin
     */
    public java.util.Optional<Version> exactPin() {
        if (clauses.size() == 1 && clauses.get(0).op.equals("==") && !clauses.get(0).wildcard) {
            return java.util.Optional.of(clauses.get(0).version);
        }
        return java.util.Optional.empty();
    }

    /**
     * Tells whether the set has no clauses.
     *
     * @return true if every version matches
     */
    public boolean isEmpty() {
        return clauses.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Clause {
        final String op;
        final Version version;
        final boolean wildcard;
        final String raw;

        Clause(String op, Version version, boolean wildcard, String raw) {
            this.op = op;
            this.version = version;
            this.wildcard = wildcard;
            this.raw = raw;
        }

        static Clause parse(String clause) {
            for (String op : new String[] {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
                if (clause.startsWith(op)) {
                    String v = clause.substring(op.length()).strip();
                    if (op.equals("===")) {
                        return new Clause(op, null, false, v);
                    }
                    boolean wildcard = (op.equals("==") || op.equals("!=")) && v.endsWith(".*");
                    if (wildcard) {
                        v = v.substring(0, v.length() - 2);
                    }
                    return new Clause(op, Version.parse(v), wildcard, v);
                }
            }
            throw new IllegalArgumentException("'" + clause + "' is not a PEP 440 version specifier");
        }

        boolean matches(Version candidate) {
            switch (op) {
                case "===":
                    return candidate.toString().equalsIgnoreCase(raw);
                case "==":
                    return equal(candidate);
                case "!=":
                    return !equal(candidate);
                case "<=":
                    return candidate.publicVersion().compareTo(version) <= 0;
                case ">=":
                    return candidate.publicVersion().compareTo(version) >= 0;
                case "<":
                    return candidate.publicVersion().compareTo(version) < 0
                            && !(!version.isPreRelease() && candidate.isPreRelease()
                            && candidate.baseVersion().equals(version.baseVersion()));
                case ">":
                    return candidate.publicVersion().compareTo(version) > 0
                            && !(!version.isPostRelease() && candidate.isPostRelease()
                            && candidate.baseVersion().equals(version.baseVersion()))
                            && !(candidate.local().isPresent()
                            && candidate.baseVersion().equals(version.baseVersion()));
                case "~=": {
                    long[] r = version.release();
                    if (r.length < 2) {
                        throw new IllegalArgumentException("'~=" + raw + "' needs at least two release parts");
                    }
                    return candidate.publicVersion().compareTo(version) >= 0 && prefixMatch(candidate, r.length - 1);
                }
                default:
                    throw new IllegalStateException(op);
            }
        }

        private boolean equal(Version candidate) {
            if (wildcard) {
                return prefixMatch(candidate, version.release().length);
            }
            if (version.local().isPresent()) {
                return candidate.equals(version);
            }
            return candidate.publicVersion().equals(version);
        }

        private boolean prefixMatch(Version candidate, int parts) {
            for (int k = 0; k < parts; k++) {
                if (candidate.releasePart(k) != version.releasePart(k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
