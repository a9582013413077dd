package dev.isoenv.cuda.variant;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.cuda.data.Platform;
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
 * request. Series without wheels for the platform, then those without wheels for the environment's Python there,
 * are left out (unless that leaves nothing: the resolver then refuses each variant and says why). When
 * the request matches nothing in the data: a pin or range inside a known series uses that series, and a request
 * newer than the data uses the newest series, with a note; a request older than the data is not covered at all
 * ({@link #olderThanData()}), since no release of the data may stand in for one it does not know. A specifier set
 * that is not valid, or that no version can satisfy, is an {@link InvalidSpecException}.
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
    private final Optional<String> olderThanData;
    private final List<Version> requested;
    private final List<String> notes;

    private ReleaseMatch(List<Candidate> candidates, boolean beyondData, Optional<String> olderThanData,
                         List<Version> requested, List<String> notes) {
        this.candidates = List.copyOf(candidates);
        this.beyondData = beyondData;
        this.olderThanData = olderThanData;
        this.requested = List.copyOf(requested);
        this.notes = List.copyOf(notes);
    }

    static ReleaseMatch of(TorchData data, String specifier, String requestedAs, Optional<Version> python,
                           Optional<Platform> platform) {
        List<String> notes = new ArrayList<>();
        Optional<String> problem = TorchSpecifier.problem(specifier);
        if (problem.isPresent()) {
            throw new InvalidSpecException("The torch version specifier in " + requestedAs + " is not valid: "
                    + problem.get() + ". Write a PEP 440 specifier set such as ==2.5.1 or >=2.4,<2.6.");
        }
        Optional<String> contradiction = TorchSpecifier.contradiction(specifier);
        if (contradiction.isPresent()) {
            throw new InvalidSpecException("The torch request " + requestedAs + " is unsatisfiable: "
                    + contradiction.get() + ", so no torch release can match it. Relax one of its clauses.");
        }
        VersionSpecifiers spec = VersionSpecifiers.parse(specifier);
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
            return beyond(data, specifier, requestedAs, pin, notes);
        }
        boolean noneHere = false;
        if (platform.isPresent()) {
            List<Candidate> here = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (Candidate c : all) {
                if (data.hasWheels(c.release(), platform.get(), Optional.empty())) {
                    here.add(c);
                } else {
                    skipped.add(c.release().series().toString());
                }
            }
            if (here.isEmpty()) {
                noneHere = true;
                notes.add("no matching torch release publishes wheels for " + platform.get() + " according to the"
                        + " data");
            } else if (!skipped.isEmpty()) {
                notes.add("skipped torch " + String.join(", ", skipped) + ": no wheels for " + platform.get());
                all = here;
            }
        }
        Optional<Platform> pythonOn = noneHere ? Optional.empty() : platform;
        if (python.isPresent()) {
            List<Candidate> supported = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (Candidate c : all) {
                boolean has = pythonOn.isPresent() ? data.hasWheels(c.release(), pythonOn.get(), python)
                        : c.release().supportsPython(python.get());
                if (has) {
                    supported.add(c);
                } else {
                    skipped.add(c.release().series() + " (Python " + c.release().python().map(Object::toString)
                            .orElse("?") + (c.release().supportsPython(python.get()) ? ", fewer on " + pythonOn.get()
                            : "") + ")");
                }
            }
            if (supported.isEmpty()) {
                notes.add("no matching torch release publishes wheels for Python " + python.get()
                        + pythonOn.map(p -> " on " + p).orElse("") + " according to the data; considering them all"
                        + " anyway");
            } else {
                if (!skipped.isEmpty()) {
                    notes.add("skipped torch " + String.join(", ", skipped) + ": no wheels for Python " + python.get()
                            + pythonOn.map(p -> " on " + p).orElse(""));
                }
                all = supported;
            }
        }
        return new ReleaseMatch(all, false, Optional.empty(), List.of(), notes);
    }

    private static ReleaseMatch beyond(TorchData data, String specifier, String requestedAs, Optional<Version> pin,
                                       List<String> notes) {
        TorchRelease newest = data.releases().get(0);
        TorchRelease oldest = data.releases().get(data.releases().size() - 1);
        Version oldestRelease = oldest.releases().get(0);
        String covered = "(data-version " + data.dataVersion() + ", oldest release " + oldestRelease + ")";
        if (pin.isPresent()) {
            Version p = pin.get().publicVersion();
            Optional<TorchRelease> series = data.seriesOf(p);
            if (series.isPresent()) {
                notes.add("torch " + p + " is not listed in the data; using the variants of its series "
                        + series.get().series());
                return new ReleaseMatch(List.of(new Candidate(series.get(), List.of(p))), false, Optional.empty(),
                        List.of(), notes);
            }
            if (p.compareTo(oldestRelease) < 0) {
                return new ReleaseMatch(List.of(), true, Optional.of("torch " + p + " is older than every release"
                        + " in the PyTorch variant data " + covered), List.of(p), notes);
            }
            notes.add("torch " + p + " is newer than every release in the data (data-version " + data.dataVersion()
                    + "); using the variants of torch " + newest.series() + "; supply newer data with"
                    + " isoenv.torch.data");
            return new ReleaseMatch(List.of(new Candidate(newest, List.of(p))), true, Optional.empty(), List.of(p),
                    notes);
        }
        Optional<Version> upper = TorchSpecifier.upperBound(specifier);
        if (upper.isPresent() && upper.get().compareTo(oldestRelease) <= 0) {
            return new ReleaseMatch(List.of(), true, Optional.of("'torch" + specifier + "' admits only releases"
                    + " older than every release in the PyTorch variant data " + covered), List.of(), notes);
        }
        Optional<TorchRelease> lowerSeries = TorchSpecifier.lowerBound(specifier).flatMap(data::seriesOf);
        if (lowerSeries.isPresent()) {
            notes.add("'torch" + specifier + "' matches no release listed in the data; using the variants of its"
                    + " series " + lowerSeries.get().series());
            return new ReleaseMatch(List.of(new Candidate(lowerSeries.get(), List.of())), false, Optional.empty(),
                    List.of(), notes);
        }
        notes.add("'torch" + specifier + "' matches no release in the data (data-version " + data.dataVersion()
                + ", newest " + newest.newest() + "); using the variants of torch " + newest.series()
                + "; supply newer data with isoenv.torch.data");
        return new ReleaseMatch(List.of(new Candidate(newest, List.of())), true, Optional.empty(), List.of(), notes);
    }

    /**
     * Returns the candidate series, newest first.
     *
     * @return the candidates; empty only when the request is older than the data
     */
    List<Candidate> candidates() {
        return candidates;
    }

    /**
     * Tells whether the request lies beyond the data, so a stand-in series was used or none could be.
     *
     * @return true if no release in the data matched and no series of the data holds the request
     */
    boolean beyondData() {
        return beyondData;
    }

    /**
     * Tells why the request is older than the data, which then says nothing about its variants.
     *
     * @return such as "torch 1.12.1 is older than every release in the PyTorch variant data (...)", or empty
     */
    Optional<String> olderThanData() {
        return olderThanData;
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
     * Returns every matching release, newest first; beyond the data, the pinned version.
     *
     * @return the releases
     */
    List<Version> allReleases() {
        List<Version> out = new ArrayList<>();
        for (Candidate c : candidates) {
            out.addAll(c.versions());
        }
        return out.isEmpty() ? requested : out;
    }
}
