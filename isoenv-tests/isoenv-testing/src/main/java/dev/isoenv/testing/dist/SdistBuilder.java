package dev.isoenv.testing.dist;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a source distribution, {@code name-version.tar.gz}, in memory: a top-level {@code name-version/}
 * directory with a generated {@code PKG-INFO} (core metadata 2.1) and the files given, typically a
 * {@code pyproject.toml} and a {@code setup.py}. pip builds such an sdist into a wheel before installing it, running
 * the build backend that {@code pyproject.toml} names; see {@link TestPackages#brokenSdist()} for one whose build
 * fails. A builder is not thread-safe.
 */
public final class SdistBuilder {
    private CoreMetadata metadata;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private SdistBuilder(String name, String version) {
        this.metadata = CoreMetadata.of(name, version);
    }

    /**
     * Starts an sdist.
     *
     * @param name a valid distribution name
     * @param version a normalized PEP 440 version
     * @return the builder
     */
    public static SdistBuilder sdist(String name, String version) {
        return new SdistBuilder(name, version);
    }

    /**
     * Adds a file with UTF-8 text, at a path relative to the sdist's top-level directory.
     *
     * @param path e.g. {@code setup.py} or {@code src/demo/__init__.py}
     * @param content the text
     * @return this builder
     * @throws IllegalArgumentException if the path is not clean, is taken, or is {@code PKG-INFO}
     */
    public SdistBuilder file(String path, String content) {
        ArchivePaths.requireRelative(path);
        if (path.equals("PKG-INFO")) {
            throw new IllegalArgumentException("PKG-INFO is written by the builder");
        }
        if (files.putIfAbsent(path, content.getBytes(StandardCharsets.UTF_8)) != null) {
            throw new IllegalArgumentException("file added twice: " + path);
        }
        return this;
    }

    /**
     * Sets {@code Requires-Python} in PKG-INFO, which the index also announces.
     *
     * @param specifier e.g. {@code >=3.8}
     * @return this builder
     */
    public SdistBuilder requiresPython(String specifier) {
        metadata = metadata.withRequiresPython(specifier);
        return this;
    }

    /**
     * Adds a {@code Requires-Dist} line to PKG-INFO.
     *
     * @param requirement a PEP 508 requirement
     * @return this builder
     */
    public SdistBuilder requires(String requirement) {
        metadata = metadata.withRequirement(requirement);
        return this;
    }

    /**
     * Sets the one-line {@code Summary}.
     *
     * @param text the summary
     * @return this builder
     */
    public SdistBuilder summary(String text) {
        metadata = metadata.withSummary(text);
        return this;
    }

    /**
     * Returns the file name, e.g. {@code isoenv_demo_broken-1.0.tar.gz}.
     *
     * @return the file name
     */
    public String fileName() {
        return topDirectory() + ".tar.gz";
    }

    /**
     * Builds the sdist.
     *
     * @return the sdist, with its {@code Requires-Python} for the index
     */
    public DistributionFile build() {
        String top = topDirectory();
        Map<String, byte[]> all = new LinkedHashMap<>();
        all.put(top + "/PKG-INFO", metadata.render().getBytes(StandardCharsets.UTF_8));
        files.forEach((path, content) -> all.put(top + "/" + path, content));
        return DistributionFile.of(fileName(), TarGzWriter.write(all), metadata.requiresPython());
    }

    /**
     * Builds the sdist and writes it into a directory.
     *
     * @param directory an existing directory
     * @return the written file
     */
    public Path buildTo(Path directory) {
        return build().writeTo(directory);
    }

    private String topDirectory() {
        return ProjectNames.fileNameComponent(metadata.name()) + "-" + metadata.version();
    }
}
