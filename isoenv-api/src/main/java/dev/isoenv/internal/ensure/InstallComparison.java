package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.InstallPlan;

/**
 * Compares a specification, and the plan made for it, with the last complete install that a state record describes.
 *
 * <p>A record written by this version keeps the canonical text of the specification ({@link
 * SpecFingerprint#content}) and the plan's fingerprint, and is compared as text: equal texts are what equal
 * SHA-256 fingerprints stand for, and comparing them needs no message digest, whose first use costs a fresh JVM tens
 * of milliseconds. A record written before holds only the fingerprints; it is compared by hashing, as it always was,
 * and {@link #needsContent()} says so, so that the caller can add the text once the record is known to match.
 */
final class InstallComparison {
    private final StateRecord state;
    private final EnvironmentSpec spec;
    private final String content;

    private InstallComparison(StateRecord state, EnvironmentSpec spec) {
        this.state = state;
        this.spec = spec;
        this.content = SpecFingerprint.content(spec);
    }

    /**
     * Prepares the comparison of a record that has a complete install with a specification.
     *
     * @param state the record
     * @param spec the specification
     * @return the comparison
     */
    static InstallComparison of(StateRecord state, EnvironmentSpec spec) {
        return new InstallComparison(state, spec);
    }

    /** Whether the record holds only fingerprints, not the canonical text. */
    boolean needsContent() {
        return state.installedContent().isEmpty();
    }

    /** The specification's canonical text. */
    String content() {
        return content;
    }

    /** Whether the last complete install was of this specification with this plan. */
    boolean sameInstall(InstallPlan plan) {
        if (needsContent()) {
            return state.installedFingerprint().orElse("").equals(SpecFingerprint.of(spec, plan));
        }
        return state.installedContent().get().equals(content)
                && state.installedPlan().orElse("").equals(plan.fingerprint());
    }

    /** Whether the last complete install was of this specification, whatever the plan added. */
    boolean sameSpecification() {
        if (needsContent()) {
            return state.installedSpecFingerprint().orElse("").equals(SpecFingerprint.ofSpec(spec));
        }
        return state.installedContent().get().equals(content);
    }
}
