package dev.isoenv.testing.index;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The indexes of a server by canonical base path, and the routing of a request path to the index whose base path
 * is its longest prefix. Thread-safe.
 */
final class IndexRegistry {
    private final ConcurrentSkipListMap<String, SimpleIndex> indexes = new ConcurrentSkipListMap<>();

    /**
     * Adds an index unless one has that base path already.
     *
     * @param basePath the base path, in any form {@link UrlPaths#canonicalBase(String)} accepts
     * @return the index at that base path
     */
    SimpleIndex add(String basePath) {
        String base = UrlPaths.canonicalBase(basePath);
        return indexes.computeIfAbsent(base, SimpleIndex::new);
    }

    /**
     * Returns the index at a base path.
     *
     * @param basePath the base path, in any accepted form
     * @return the index
     * @throws IllegalArgumentException if there is none
     */
    SimpleIndex get(String basePath) {
        String base = UrlPaths.canonicalBase(basePath);
        SimpleIndex index = indexes.get(base);
        if (index == null) {
            throw new IllegalArgumentException("no index at " + base + "; add it first with addIndex(\"" + base
                    + "\"); indexes: " + indexes.keySet());
        }
        return index;
    }

    /**
     * Returns the canonical base paths, sorted.
     *
     * @return the base paths
     */
    List<String> basePaths() {
        return List.copyOf(indexes.keySet());
    }

    /**
     * Finds the index a request path belongs to: the one with the longest base path that the path starts with,
     * or equals without the trailing slash.
     *
     * @param path a decoded request path
     * @return the index
     */
    Optional<SimpleIndex> route(String path) {
        SimpleIndex best = null;
        for (SimpleIndex index : indexes.values()) {
            String base = index.basePath();
            boolean inside = path.startsWith(base) || path.equals(base.substring(0, base.length() - 1));
            if (inside && (best == null || base.length() > best.basePath().length())) {
                best = index;
            }
        }
        return Optional.ofNullable(best);
    }
}
