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

    record ArchitectureRule(SeriesRange releases, TorchVariant variant, List<ComputeCapability> capabilities,
                            Origin origin) {
    }

    record RocmTargets(TorchVariant variant, List<String> targets, Origin origin) {
    }

    final String source;
    Mode mode = Mode.MERGE;
    String dataVersion;
    String indexUrlPattern;
    final Map<TorchVariant, Floor> floors = new LinkedHashMap<>();
    final Map<Version, Release> releases = new LinkedHashMap<>();
    final List<ArchitectureRule> cudaArchitectures = new ArrayList<>();
    final Map<TorchVariant, RocmTargets> rocmTargets = new LinkedHashMap<>();
    final Map<String, Boolean> torchFamily = new LinkedHashMap<>();

    TorchDataLayer(String source) {
        this.source = source;
    }
}
