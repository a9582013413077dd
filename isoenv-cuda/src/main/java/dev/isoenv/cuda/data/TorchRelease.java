package dev.isoenv.cuda.data;

import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One minor series of torch, such as 2.5: its patch releases, the Python versions it publishes wheels for, the
 * variants it publishes (CUDA, ROCm, XPU, CPU), and the series of its companion packages (torchvision 0.20,
 * torchaudio 2.5).
 */
public final class TorchRelease {
    private final Version series;
    private final List<Version> releases;
    private final SeriesRange python;
    private final List<TorchVariant> variants;
    private final Map<String, Version> companions;

    /**
     * Creates a release series.
     *
     * @param series the series, such as {@code 2.5}
     * @param releases its patch releases, such as 2.5.0 and 2.5.1
     * @param python the Python series it publishes wheels for, or null when unknown
     * @param variants the variants it publishes
     * @param companions the series of companion packages by normalized name, such as torchvision 0.20
     */
    public TorchRelease(Version series, List<Version> releases, SeriesRange python, List<TorchVariant> variants,
                        Map<String, Version> companions) {
        this.series = Objects.requireNonNull(series, "series");
        List<Version> sorted = new ArrayList<>(releases);
        sorted.sort(null);
        this.releases = List.copyOf(sorted);
        this.python = python;
        List<TorchVariant> ordered = new ArrayList<>(variants);
        ordered.sort(TorchVariant.NEWEST_FIRST);
        this.variants = List.copyOf(ordered);
        this.companions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(companions));
    }

    /**
     * Returns the series.
     *
     * @return the series, such as {@code 2.5}
     */
    public Version series() {
        return series;
    }

    /**
     * Returns the patch releases, oldest first.
     *
     * @return the releases, such as 2.5.0 and 2.5.1
     */
    public List<Version> releases() {
        return releases;
    }

    /**
     * Returns the newest patch release.
     *
     * @return the newest release
     */
    public Version newest() {
        return releases.get(releases.size() - 1);
    }

    /**
     * Returns the Python series this release publishes wheels for.
     *
     * @return the range, or empty when the data does not say
     */
    public Optional<SeriesRange> python() {
        return Optional.ofNullable(python);
    }

    /**
     * Tells whether this release publishes wheels for a Python version; true when the data does not say.
     *
     * @param pythonVersion such as {@code 3.11.7}
     * @return false only when the data says it does not
     */
    public boolean supportsPython(Version pythonVersion) {
        return python == null || python.contains(pythonVersion);
    }

    /**
     * Returns every variant published, each kind newest first.
     *
     * @return the variants
     */
    public List<TorchVariant> variants() {
        return variants;
    }

    /**
     * Returns the variants of one kind, newest first.
     *
     * @param kind the kind
     * @return the variants
     */
    public List<TorchVariant> variants(TorchVariant.Kind kind) {
        List<TorchVariant> out = new ArrayList<>();
        for (TorchVariant v : variants) {
            if (v.kind() == kind) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Tells whether this release publishes a variant.
     *
     * @param variant the variant
     * @return true if its index has this release
     */
    public boolean publishes(TorchVariant variant) {
        return variants.contains(variant);
    }

    /**
     * Tells whether a version belongs to this series.
     *
     * @param version any torch version
     * @return true if its major and minor version are this series'
     */
    public boolean contains(Version version) {
        return version.releasePart(0) == series.releasePart(0) && version.releasePart(1) == series.releasePart(1);
    }

    /**
     * Returns the companion series by normalized distribution name.
     *
     * @return such as {@code torchvision -> 0.20}
     */
    public Map<String, Version> companions() {
        return companions;
    }

    @Override
    public String toString() {
        return "torch " + series + " " + releases + " " + variants;
    }
}
