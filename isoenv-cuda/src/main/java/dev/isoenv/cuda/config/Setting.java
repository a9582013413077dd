package dev.isoenv.cuda.config;

import java.util.Objects;

/**
 * A user setting of this module, read from a system property first and from an environment variable second.
 * Each constant names both, so messages can say exactly where a value came from.
 */
public enum Setting {
    /** Forces a PyTorch variant such as {@code cpu}, {@code cu126}, {@code rocm6.4} or {@code xpu}. */
    TORCH_VARIANT("isoenv.torch.variant", "ISOENV_TORCH_VARIANT"),
    /** Forces an NVIDIA driver version such as {@code 550.54.14}, as if a GPU with that driver were present. */
    CUDA_DRIVER("isoenv.cuda.driver", "ISOENV_CUDA_DRIVER"),
    /**
     * Adds devices with these compute capabilities (comma-separated, such as {@code 8.6} or {@code 6.1,8.6}) to a
     * forced driver.
     */
    CUDA_COMPUTE_CAPABILITY("isoenv.cuda.compute-capability", "ISOENV_CUDA_COMPUTE_CAPABILITY"),
    /**
     * {@code true} when the forced driver ({@link #CUDA_DRIVER}) is a Windows host's driver seen from inside WSL,
     * numbered as Windows drivers are, so that Windows driver floors apply; {@code false} when it is not. Unset,
     * it follows the machine: a driver override inside WSL is taken as the Windows host's.
     */
    CUDA_WSL("isoenv.cuda.wsl", "ISOENV_CUDA_WSL"),
    /** Forces AMD GPUs with these gfx targets (comma-separated, such as {@code gfx1100}). */
    ROCM_GFX("isoenv.rocm.gfx", "ISOENV_ROCM_GFX"),
    /** A file or directory of PyTorch variant data that overrides the data shipped in the jar. */
    TORCH_DATA("isoenv.torch.data", "ISOENV_TORCH_DATA"),
    /** The PyTorch index URL pattern, with a {@code {variant}} placeholder, for mirrors and tests. */
    TORCH_INDEX_URL("isoenv.torch.index-url", "ISOENV_TORCH_INDEX_URL"),
    /** {@code false} turns off the check of the installed torch build after an install. */
    TORCH_VERIFY("isoenv.torch.verify", "ISOENV_TORCH_VERIFY");

    private final String property;
    private final String variable;

    Setting(String property, String variable) {
        this.property = Objects.requireNonNull(property);
        this.variable = Objects.requireNonNull(variable);
    }

    /**
     * Returns the system property, such as {@code isoenv.torch.variant}.
     *
     * @return the property name
     */
    public String property() {
        return property;
    }

    /**
     * Returns the option that sets this per specification ({@code EnvironmentSpec.Builder.backendOption}) or per
     * client ({@code IsoenvClient.Builder.option}): the system property without {@code isoenv.}, such as
     * {@code torch.index-url}.
     *
     * @return the option key
     */
    public String option() {
        return property.substring("isoenv.".length());
    }

    /**
     * Returns the environment variable, such as {@code ISOENV_TORCH_VARIANT}.
     *
     * @return the variable name
     */
    public String variable() {
        return variable;
    }
}
