package dev.isoenv;

import java.util.Objects;

/**
 * A distribution installed in an environment, as its metadata names it, such as {@code torch 2.5.1+cu126}.
 */
public final class InstalledDistribution {
    private final String name;
    private final String version;

    private InstalledDistribution(String name, String version) {
        this.name = name;
        this.version = version;
    }

    /**
     * Creates a value.
     *
     * @param name the distribution name as its metadata writes it
     * @param version the installed version
     * @return the value
     */
    public static InstalledDistribution of(String name, String version) {
        return new InstalledDistribution(Objects.requireNonNull(name, "name"), Objects.requireNonNull(version, "version"));
    }

    /**
     * Returns the name as the distribution's metadata writes it.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the PEP 503 normalized name, for comparisons.
     *
     * @return the normalized name
     */
    public String normalizedName() {
        return Requirement.normalize(name);
    }

    /**
     * Returns the installed version, such as {@code 2.5.1+cu126}.
     *
     * @return the version
     */
    public String version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstalledDistribution && ((InstalledDistribution) o).normalizedName().equals(normalizedName())
                && ((InstalledDistribution) o).version.equals(version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(normalizedName(), version);
    }

    /** Returns {@code name==version}. */
    @Override
    public String toString() {
        return name + "==" + version;
    }
}
