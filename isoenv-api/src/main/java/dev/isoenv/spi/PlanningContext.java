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
    private final java.util.Map<String, String> options;

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
        this(pythonVersion, os, architecture, accelerator, java.util.Map.of());
    }

    /**
     * Creates a context with the client's options.
     *
     * @param pythonVersion the environment's full Python version, such as {@code 3.11.7}; empty when not yet known
     * @param os the operating system
     * @param architecture the CPU architecture, as {@code os.arch} names it
     * @param accelerator detects the machine's accelerator when first asked; isoenv caches its answer per client
     * @param options the client's options ({@code IsoenvClient.Builder.option}), such as {@code torch.index-url}
     */
    public PlanningContext(String pythonVersion, OperatingSystem os, String architecture,
                           Supplier<Accelerator> accelerator, java.util.Map<String, String> options) {
        this.options = java.util.Map.copyOf(options);
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
     * Returns the client's options, which apply to every specification it plans or ensures; a specification's own
     * {@linkplain dev.isoenv.EnvironmentSpec#backendOptions() option} of the same key wins.
     *
     * @return the options, such as {@code torch.index-url} to a mirror's pattern; empty for none
     */
    public java.util.Map<String, String> options() {
        return options;
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
