package dev.isoenv.testing.index;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults injected into a {@link PackageIndexServer}: rules that match request paths by prefix and either stall
 * the request or answer it with a status. The earliest added rule that matches and has uses left applies. Thread-safe.
 */
final class FaultRules {
    /** What a matching rule does to a request. */
    enum Action {
        /** Send nothing until released or the server closes. */
        STALL,
        /** Answer with the rule's status. */
        STATUS
    }

    /**
     * One rule.
     *
     * @param pathPrefix the decoded path prefix it matches
     * @param action what it does
     * @param status the status for {@link Action#STATUS}
     * @param usesLeft how many more requests it applies to; negative for unlimited
     */
    record Rule(String pathPrefix, Action action, int status, AtomicInteger usesLeft) {
        /**
         * Checks the path prefix.
         *
         * @param pathPrefix the decoded path prefix, starting with {@code /}
         * @param action what it does
         * @param status the status for {@link Action#STATUS}
         * @param usesLeft how many more requests it applies to; negative for unlimited
         */
        Rule {
            Objects.requireNonNull(pathPrefix, "pathPrefix");
            if (!pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("a fault's path prefix starts with '/': " + pathPrefix);
            }
        }

        private boolean claim(String path) {
            if (!path.startsWith(pathPrefix)) {
                return false;
            }
            while (true) {
                int left = usesLeft.get();
                if (left < 0) {
                    return true;
                }
                if (left == 0) {
                    return false;
                }
                if (usesLeft.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /**
     * Adds a rule.
     *
     * @param pathPrefix the decoded path prefix, starting with {@code /}
     * @param action what to do
     * @param status the status for {@link Action#STATUS}
     * @param times how many requests it applies to; negative for all
     */
    void add(String pathPrefix, Action action, int status, int times) {
        rules.add(new Rule(pathPrefix, action, status, new AtomicInteger(times < 0 ? -1 : times)));
    }

    /**
     * Finds the rule for a request and uses it up once.
     *
     * @param path the decoded request path
     * @return the rule that applies, if any
     */
    Optional<Rule> claim(String path) {
        for (Rule rule : rules) {
            if (rule.claim(path)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** Removes every rule. */
    void clear() {
        rules.clear();
    }
}
