package dev.isoenv.cuda.variant;

import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchRelease;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The torch release series a request can end up with, newest first, each with its releases that match the
 * request. Series without wheels for the environment's Python are left out (unless that leaves nothing). When
 * the request matches nothing in the data, the newest series stands in (or the pinned version's series), and the
 * notes say so.
 */
final class ReleaseMatch {
    /**
     * One series and its matching releases.
     *
     * @param release the series
     * @param versions its releases that match, newest first
     */
    record Candidate(TorchRelease release, List<Version> versions) {
    }

    private final List<Candidate> candidates;
    private final boolean beyondData;
    private final List<String> notes;

    private ReleaseMatch(List<Candidate> candidates, boolean beyondData, List<String> notes) {
        this.candidates = List.copyOf(candidates);
        this.beyondData = beyondData;
        this.notes = List.copyOf(notes);
    }

    static ReleaseMatch of(TorchData data, String specifier, Optional<Version> python) {
        List<String> notes = new ArrayList<>();
        VersionSpecifiers spec;
        try {
            spec = VersionSpecifiers.parse(specifier);
        } catch (IllegalArgumentException e) {
            notes.add("the torch specifier '" + specifier + "' cannot be read (" + e.getMessage()
                    + "); treating it as any version");
            spec = VersionSpecifiers.parse("");
        }
        Optional<Version> pin = spec.exactPin();
        List<Candidate> all = new ArrayList<>();
        for (TorchRelease release : data.releases()) {
            List<Version> versions = new ArrayList<>();
            for (Version v : release.releases()) {
                if (spec.contains(v)) {
                    versions.add(0, v);
                }
            }
            if (!versions.isEmpty()) {
                all.add(new Candidate(release, versions));
            }
        }
        if (all.isEmpty()) {
            return beyond(data, specifier, pin, notes);
        }
        if (python.isPresent()) {
            List<Candidate> supported = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (Candidate c : all) {
                if (c.release().supportsPython(python.get())) {
                    supported.add(c);
                } else {
                    skipped.add(c.release().series() + " (Python " + c.release().python().orElseThrow() + ")");
                }
            }
            if (supported.isEmpty()) {
                notes.add("no matching torch release publishes wheels for Python " + python.get()
                        + " according to the data; considering them all anyway");
            } else {
                if (!skipped.isEmpty()) {
                    notes.add("skipped torch " + String.join(", ", skipped) + ": no wheels for Python " + python.get());
                }
                all = supported;
            }
        }
        return new ReleaseMatch(all, false, notes);
    }

    private static ReleaseMatch beyond(TorchData data, String specifier, Optional<Version> pin, List<String> notes) {
        TorchRelease newest = data.releases().get(0);
        if (pin.isPresent()) {
            Version p = pin.get().publicVersion();
            Optional<TorchRelease> series = data.seriesOf(p);
            if (series.isPresent()) {
                notes.add("torch " + p + " is not listed in the data; using the variants of its series "
                        + series.get().series());
                return new ReleaseMatch(List.of(new Candidate(series.get(), List.of(p))), false, notes);
            }
            TorchRelease oldest = data.releases().get(data.releases().size() - 1);
            TorchRelease stand = p.compareTo(oldest.releases().get(0)) < 0 ? oldest : newest;
            notes.add("torch " + p + " is " + (stand == oldest ? "older" : "newer") + " than every release in the data"
                    + " (data-version " + data.dataVersion() + "); using the variants of torch " + stand.series()
                    + "; supply newer data with isoenv.torch.data");
            return new ReleaseMatch(List.of(new Candidate(stand, List.of(p))), true, notes);
        }
        notes.add("'torch" + specifier + "' matches no release in the data (data-version " + data.dataVersion()
                + ", newest " + newest.newest() + "); using the variants of torch " + newest.series()
                + "; supply newer data with isoenv.torch.data");
        return new ReleaseMatch(List.of(new Candidate(newest, List.of())), true, notes);
    }

    /**
     * Returns the candidate series, newest first.
     *
     * @return the candidates, never empty
     */
    List<Candidate> candidates() {
        return candidates;
    }

    /**
     * Tells whether the request lies beyond the data, so a stand-in series was used.
     *
     * @return true if no release in the data matched
     */
    boolean beyondData() {
        return beyondData;
    }

    /**
     * Returns the notes about the match.
     *
     * @return the notes
     */
    List<String> notes() {
        return notes;
    }

    /**
     * Returns the matching releases whose series publish a variant, newest first.
     *
     * @param variant the variant
     * @return the releases
     */
    List<Version> releasesPublishing(TorchVariant variant) {
        List<Version> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.release().publishes(variant)) {
                out.addAll(c.versions());
            }
        }
        return out;
    }

    /**
     * Returns every matching release, newest first.
     *
     * @return the releases
     */
    List<Version> allReleases() {
        List<Version> out = new ArrayList<>();
        for (Candidate c : candidates) {
            out.addAll(c.versions());
        }
        return out;
    }
}
