package dev.isoenv.cuda;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidRequirementException;
import dev.isoenv.Requirement;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchRelease;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.cuda.variant.TorchSpecifier;
import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a specification asks of torch: the specifier set of its {@code torch} requirements and constraints
 * together, how that reads in explanations, and the variant a pin such as {@code torch==2.5.1+cu121} names.
 * When the specification does not name torch but pins a companion ({@code torchvision==0.20.1}), the
 * companion's torch series stands in ({@code ==2.5.*}).
 */
final class TorchRequest {
    private final String specifier;
    private final String requestedAs;
    private final Version exactPin;
    private final TorchVariant pinnedVariant;

    private TorchRequest(String specifier, String requestedAs, Version exactPin, TorchVariant pinnedVariant) {
        this.specifier = specifier;
        this.requestedAs = requestedAs;
        this.exactPin = exactPin;
        this.pinnedVariant = pinnedVariant;
    }

    static TorchRequest of(EnvironmentSpec spec, List<Requirement> family, TorchData data) {
        for (Requirement r : family) {
            requireValid(r, "");
        }
        for (Requirement r : spec.constraints()) {
            if (data.isTorchFamily(r.normalizedName())) {
                requireValid(r, "constraint ");
            }
        }
        List<String> clauses = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        collect(spec.requirements(), clauses, texts, "");
        collect(spec.constraints(), clauses, texts, "constraint ");
        if (!texts.isEmpty()) {
            String joined = String.join(",", clauses);
            Optional<Version> pin = exactPin(joined);
            TorchVariant variant = pin.flatMap(Version::local).flatMap(TorchVariant::tryParse).orElse(null);
            return new TorchRequest(joined, String.join(", ", texts), pin.orElse(null), variant);
        }
        for (Requirement r : family) {
            Optional<Version> pin = r.url().isPresent() ? Optional.empty() : exactPin(r.specifier());
            if (pin.isPresent()) {
                Optional<TorchRelease> series = data.seriesOfCompanion(r.normalizedName(), pin.get());
                if (series.isPresent()) {
                    String s = "==" + series.get().series() + ".*";
                    return new TorchRequest(s, "torch" + s + " (from " + r + ")", null, null);
                }
            }
        }
        return new TorchRequest("", "torch (any version)", null, null);
    }

    /**
     * Refuses a torch-family requirement whose specifier pip would not accept ({@code ~=2}, {@code >=2.5+cu121},
     * {@code <2.*}): it is never read as "any version".
     */
    private static void requireValid(Requirement r, String kind) {
        if (r.url().isPresent()) {
            return;
        }
        Optional<String> problem = TorchSpecifier.problem(r.specifier());
        if (problem.isPresent()) {
            String text = r.toString();
            int at = Math.max(0, text.indexOf(r.specifier().split(",")[0]));
            throw new InvalidRequirementException(text, at, "the version specifier of this torch-family "
                    + kind + "requirement is not valid: " + problem.get());
        }
    }

    private static void collect(List<Requirement> requirements, List<String> clauses, List<String> texts,
                                String prefix) {
        for (Requirement r : requirements) {
            if (r.normalizedName().equals("torch") && r.url().isEmpty()) {
                texts.add(prefix + r);
                if (!r.specifier().isEmpty()) {
                    clauses.add(r.specifier());
                }
            }
        }
    }

    static Optional<Version> exactPin(String specifier) {
        try {
            return VersionSpecifiers.parse(specifier).exactPin();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Returns the specifier set, such as {@code ==2.5.1} or {@code >=2.4,<2.6}; empty for any. */
    String specifier() {
        return specifier;
    }

    /** Returns how the request reads, such as {@code torch==2.5.1, constraint torch<2.6}. */
    String requestedAs() {
        return requestedAs;
    }

    /** Returns the exact torch version pinned, if the request is one exact pin. */
    Optional<Version> exactPin() {
        return Optional.ofNullable(exactPin);
    }

    /** Returns the variant a pin's local label names, such as cu121 for {@code torch==2.5.1+cu121}. */
    Optional<TorchVariant> pinnedVariant() {
        return Optional.ofNullable(pinnedVariant);
    }
}
