package dev.isoenv.spi;

import dev.isoenv.Accelerator;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an {@link InstallPlanner} knows about the target: the environment's Python version, the operating system, the
 * CPU architecture, and the machine's accelerator.
 */
public final class PlanningContext {
    private final String pythonVersion;
    private final OperatingSystem os;
    private final String architecture;
    private final Supplier<Accelerator> accelerator;

    /**
     * Creates a context.
     *
     * @param pythonVersion the environment's full Python version, such as {@code 3.11.7}
     * @param os the operating system
     * @param architecture the CPU architecture, as {@code os.arch} names it
     * @param accelerator detects the machine's accelerator when first asked; isoenv caches its answer per client
     */
    public PlanningContext(String pythonVersion, OperatingSystem os, String architecture,
                           Supplier<Accelerator> accelerator) {
        this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
        this.os = Objects.requireNonNull(os, "os");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
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

    /**
     * Returns the machine's accelerator, detecting it on the first call. Planners call it only for specifications
     * that need it, since the first detection may run a probe command such as {@code nvidia-smi}.
     *
     * @return the accelerator, or one of kind {@link Accelerator.Kind#NONE}
     */
    public Accelerator accelerator() {
        return accelerator.get();
    }
}
