package dev.isoenv;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a garbage collection of the shared store removed, or, in a dry run, would remove: the distributions no
 * environment uses any more, the files they alone held and the bytes those files take. See
 * {@link IsoenvClient#collectGarbage(boolean)}. The bytes are those of files that only the store held: a file that an
 * environment still links to is never removed. Immutable.
 */
public final class StoreGarbage {
    private final Path store;
    private final boolean dryRun;
    private final List<InstalledDistribution> distributions;
    private final long files;
    private final long bytes;

    private StoreGarbage(Path store, boolean dryRun, List<InstalledDistribution> distributions, long files,
                         long bytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.dryRun = dryRun;
        this.distributions = List.copyOf(distributions);
        this.files = files;
        this.bytes = bytes;
    }

    /**
     * Makes a result; for isoenv and for tests.
     *
     * @param store the store's directory
     * @param dryRun whether nothing was removed
     * @param distributions the distributions
     * @param files how many files
     * @param bytes how many bytes
     * @return the result
     */
    public static StoreGarbage of(Path store, boolean dryRun, List<InstalledDistribution> distributions, long files,
                                  long bytes) {
        return new StoreGarbage(store, dryRun, distributions, files, bytes);
    }

    /**
     * Returns the store's directory.
     *
     * @return the directory
     */
    public Path store() {
        return store;
    }

    /**
     * Tells whether this was a dry run, which removed nothing.
     *
     * @return true for a dry run
     */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * Returns the distributions that no environment uses.
     *
     * @return the distributions, sorted by name and version
     */
    public List<InstalledDistribution> distributions() {
        return distributions;
    }

    /**
     * Returns how many stored files were (or would be) removed.
     *
     * @return the count
     */
    public long files() {
        return files;
    }

    /**
     * Returns the bytes those files take.
     *
     * @return the bytes
     */
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoreGarbage)) {
            return false;
        }
        StoreGarbage g = (StoreGarbage) o;
        return store.equals(g.store) && dryRun == g.dryRun && distributions.equals(g.distributions)
                && files == g.files && bytes == g.bytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, dryRun, distributions, files, bytes);
    }

    @Override
    public String toString() {
        return (dryRun ? "would remove " : "removed ") + distributions.size() + " distributions, " + files
                + " files, " + bytes + " bytes from " + store;
    }
}
