package dev.isoenv.spi;

import dev.isoenv.layout.OperatingSystem;
import java.util.Objects;

/**
 * What an {@link InstallPlanner} knows about the target: the environment's Python version, the operating
 * system and the CPU architecture.
 */
public final class PlanningContext {
    private final String pythonVersion;
    private final OperatingSystem os;
    private final String architecture;

    /**
     * Creates a context.
     *
     * @param pythonVersion the environment's full Python version, such as {@code 3.11.7}
     * @param os the operating system
     * @param architecture the CPU architecture, as {@code os.arch} names it
     */
    public PlanningContext(String pythonVersion, OperatingSystem os, String architecture) {
        this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
        this.os = Objects.requireNonNull(os, "os");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
    }

    /**
     * Returns the environment's Python version.
     *
     * @return the version
     */
    public String pythonVersion() {
        return pythonVersion;
    }

    /**
     * Returns the operating system.
     *
     * @return the operating system
     */
    public OperatingSystem os() {
        return os;
    }

    /**
     * Returns the CPU architecture.
     *
     * @return the architecture
     */
    public String architecture() {
        return architecture;
    }
}
