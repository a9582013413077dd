package dev.isoenv.cuda.data;

import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one data file, as parsed, before they are merged over the layers beneath them. Every row keeps
 * its origin so that a later cross-check can name the file and line at fault.
 */
final class TorchDataLayer {
    /** How a layer combines with the layers beneath it. */
    enum Mode {
        /** Rows replace rows with the same key; everything else is kept. */
        MERGE,
        /** The layers beneath are discarded. */
        REPLACE
    }

    record Floor(DriverFloor floor, Origin origin) {
    }

    record Release(TorchRelease release, Origin origin) {
    }

    /** A {@code [cuda-architectures]} row; an empty set of platforms means every platform. */
    record ArchitectureRule(SeriesRange releases, TorchVariant variant, List<ComputeCapability> capabilities,
                            java.util.Set<Platform> platforms, Origin origin) {
    }

    record RocmTargets(TorchVariant variant, List<String> targets, Origin origin) {
    }

    /**
     * A {@code [platforms]} row: for the releases in range, the variants it selects (a variant name, or
     * {@code cuda} / {@code rocm} for every variant of that kind) publish wheels for these platforms.
     */
    record WheelRule(SeriesRange releases, List<String> selectors, WheelPlatforms platforms) {
        boolean matches(TorchRelease release, TorchVariant variant) {
            if (!releases.contains(release.series())) {
                return false;
            }
            for (String s : selectors) {
                if (s.equals(variant.name()) || (s.equals("cuda") && variant.kind() == TorchVariant.Kind.CUDA)
                        || (s.equals("rocm") && variant.kind() == TorchVariant.Kind.ROCM)) {
                    return true;
                }
            }
            return false;
        }
    }

    final String source;
    Mode mode = Mode.MERGE;
    String dataVersion;
    String indexUrlPattern;
    final Map<TorchVariant, Floor> floors = new LinkedHashMap<>();
    final Map<Version, Release> releases = new LinkedHashMap<>();
    final List<ArchitectureRule> cudaArchitectures = new ArrayList<>();
    final Map<TorchVariant, RocmTargets> rocmTargets = new LinkedHashMap<>();
    final List<WheelRule> wheelRules = new ArrayList<>();
    final Map<String, Boolean> torchFamily = new LinkedHashMap<>();

    TorchDataLayer(String source) {
        this.source = source;
    }
}
