package dev.isoenv.testing.index;

import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.ProjectNames;

import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The contents of one index: its base path, the distribution files published to it grouped by normalized project
 * name, and the Basic credentials it demands, if any. Thread-safe.
 */
final class SimpleIndex {
    private final String basePath;
    private final NavigableMap<String, NavigableMap<String, DistributionFile>> projects =
            new ConcurrentSkipListMap<>();
    private volatile BasicCredentials requiredCredentials;

    /**
     * Creates an empty index that anyone may read.
     *
     * @param basePath the canonical base path
     */
    SimpleIndex(String basePath) {
        this.basePath = basePath;
    }

    /**
     * Returns the canonical base path, e.g. {@code /whl/cu126/}.
     *
     * @return the base path
     */
    String basePath() {
        return basePath;
    }

    /**
     * Adds a file to its project; publishing the same bytes again does nothing.
     *
     * @param file the file
     * @throws IllegalStateException if a different file of the same name is already there
     */
    void publish(DistributionFile file) {
        NavigableMap<String, DistributionFile> files =
                projects.computeIfAbsent(file.project(), p -> new ConcurrentSkipListMap<>());
        DistributionFile existing = files.putIfAbsent(file.fileName(), file);
        if (existing != null && !existing.equals(file)) {
            throw new IllegalStateException("index " + basePath + " already has a different " + file.fileName()
                    + "; indexes do not let a published file change");
        }
    }

    /**
     * Returns the normalized names of the projects with at least one file, sorted.
     *
     * @return the project names
     */
    List<String> projects() {
        return List.copyOf(projects.keySet());
    }

    /**
     * Returns a project's files, sorted by file name.
     *
     * @param project a normalized project name
     * @return the files, empty for an unknown project
     */
    List<DistributionFile> files(String project) {
        NavigableMap<String, DistributionFile> files = projects.get(project);
        return files == null ? List.of() : List.copyOf(files.values());
    }

    /**
     * Finds a file of a project by name.
     *
     * @param project a project name, normalized or not
     * @param fileName the file name
     * @return the file
     */
    Optional<DistributionFile> file(String project, String fileName) {
        NavigableMap<String, DistributionFile> files = projects.get(ProjectNames.normalize(project));
        return files == null ? Optional.empty() : Optional.ofNullable(files.get(fileName));
    }

    /**
     * Demands credentials from now on, or stops demanding them.
     *
     * @param credentials the credentials, or null for anonymous access
     */
    void requireCredentials(BasicCredentials credentials) {
        this.requiredCredentials = credentials;
    }

    /**
     * Tells whether a request's credentials let it in.
     *
     * @param presented the credentials the request carried
     * @return true if none are demanded or the presented ones match
     */
    boolean admits(Optional<BasicCredentials> presented) {
        BasicCredentials required = requiredCredentials;
        return required == null || presented.map(required::matches).orElse(false);
    }
}
