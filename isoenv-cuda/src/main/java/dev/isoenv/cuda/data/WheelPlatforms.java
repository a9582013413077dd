package dev.isoenv.cuda.data;

import dev.isoenv.internal.version.Version;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The platforms one variant of one torch release publishes wheels for, as one {@code [platforms]} row of the data
 * says: for each platform, the Python series it has wheels for when they are fewer than the release's, and
 * whether its wheels carry the variant as local version label.
 */
public final class WheelPlatforms {
    private final Map<Platform, SeriesRange> python;
    private final Set<Platform> unlabelled;
    private final Origin origin;

    WheelPlatforms(Map<Platform, SeriesRange> python, Set<Platform> unlabelled, Origin origin) {
        EnumMap<Platform, SeriesRange> copy = new EnumMap<>(Platform.class);
        copy.putAll(python);
        this.python = Collections.unmodifiableMap(copy);
        this.unlabelled = Set.copyOf(unlabelled);
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    /**
     * Tells whether there are wheels for a platform.
     *
     * @param platform the platform
     * @return true if the row lists it
     */
    public boolean has(Platform platform) {
        return python.containsKey(platform);
    }

    /**
     * Tells whether there are wheels for a platform and a Python version.
     *
     * @param platform the platform
     * @param pythonVersion such as {@code 3.13.1}
     * @param release the release, whose Python series apply where the row names none
     * @return true if the row lists the platform and, where it names Python series for it, that version
     */
    public boolean has(Platform platform, Version pythonVersion, TorchRelease release) {
        if (!has(platform)) {
            return false;
        }
        SeriesRange own = python.get(platform);
        return own != null ? own.contains(pythonVersion) : release.supportsPython(pythonVersion);
    }

    /**
     * Returns the Python series a platform has wheels for, where they are fewer than the release's.
     *
     * @param platform a platform the row lists
     * @return such as {@code 3.11-3.13}, or empty when the release's apply
     */
    public Optional<SeriesRange> python(Platform platform) {
        return Optional.ofNullable(python.get(platform));
    }

    /**
     * Tells whether the wheels for a platform carry the variant as local version label, as
     * {@code torch 2.6.0+cpu} does on Linux aarch64 and {@code torch 2.5.1} (no label) does not.
     *
     * @param platform the platform
     * @return true unless the row marks the platform's wheels unlabelled
     */
    public boolean labelled(Platform platform) {
        return !unlabelled.contains(platform);
    }

    /**
     * Returns where the row came from.
     *
     * @return the file or resource and the line, such as {@code isoenv-cuda:/dev/.../torch-data.tsv, line 140}
     */
    public String source() {
        return origin.toString();
    }

    /** Returns the platforms, such as {@code Linux x86-64, Windows x86-64}. */
    @Override
    public String toString() {
        return python.isEmpty() ? "no platform" : python.entrySet().stream()
                .map(e -> e.getKey() + (e.getValue() == null ? "" : " (Python " + e.getValue() + ")"))
                .collect(Collectors.joining(", "));
    }
}
