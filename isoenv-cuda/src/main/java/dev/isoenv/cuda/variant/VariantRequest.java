package dev.isoenv.cuda.variant;

import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import java.util.Objects;

/**
 * What the {@link VariantResolver} chooses for: the accelerator, the torch version or range requested (a PEP 440
 * specifier set such as {@code ==2.5.1} or {@code >=2.4,<2.6}, empty for any), the operating system and CPU
 * architecture, and the Python version of the environment.
 */
public final class VariantRequest {
    private final Accelerator accelerator;
    private final String torchSpecifier;
    private final String requestedAs;
    private final OperatingSystem os;
    private final String architecture;
    private final String pythonVersion;

    private VariantRequest(Builder b) {
        this.accelerator = b.accelerator;
        this.torchSpecifier = b.torchSpecifier;
        this.requestedAs = b.requestedAs != null ? b.requestedAs
                : "torch" + (b.torchSpecifier.isEmpty() ? " (any version)" : b.torchSpecifier);
        this.os = b.os;
        this.architecture = b.architecture;
        this.pythonVersion = b.pythonVersion;
    }

    /**
     * Starts a builder; the defaults are any torch version, Linux on amd64, and an unknown Python version.
     *
     * @param accelerator the accelerator to choose for
     * @return a new builder
     */
    public static Builder builder(Accelerator accelerator) {
        return new Builder(accelerator);
    }

    /**
     * Returns the accelerator.
     *
     * @return the accelerator
     */
    public Accelerator accelerator() {
        return accelerator;
    }

    /**
     * Returns the torch specifier set.
     *
     * @return such as {@code ==2.5.1}; empty for any version
     */
    public String torchSpecifier() {
        return torchSpecifier;
    }

    /**
     * Returns how the request reads in explanations.
     *
     * @return such as {@code torch==2.5.1}
     */
    public String requestedAs() {
        return requestedAs;
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
     * Returns the CPU architecture, as {@code os.arch} names it.
     *
     * @return such as {@code amd64} or {@code aarch64}
     */
    public String architecture() {
        return architecture;
    }

    /**
     * Returns the Python version of the environment.
     *
     * @return such as {@code 3.11.7}, or empty when unknown
     */
    public String pythonVersion() {
        return pythonVersion;
    }

    /** Builds a {@link VariantRequest}. */
    public static final class Builder {
        private final Accelerator accelerator;
        private String torchSpecifier = "";
        private String requestedAs;
        private OperatingSystem os = OperatingSystem.LINUX;
        private String architecture = "amd64";
        private String pythonVersion = "";

        private Builder(Accelerator accelerator) {
            this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
        }

        /**
         * Sets the torch version or range.
         *
         * @param specifier a PEP 440 specifier set such as {@code ==2.5.1}; empty for any version
         * @return this builder
         */
        public Builder torch(String specifier) {
            this.torchSpecifier = Objects.requireNonNull(specifier, "specifier").replace(" ", "");
            return this;
        }

        /**
         * Sets how the request reads in explanations, such as {@code torch==2.5.1 (from torchvision==0.20.1)}.
         *
         * @param text the text
         * @return this builder
         */
        public Builder requestedAs(String text) {
            this.requestedAs = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Sets the operating system.
         *
         * @param os the operating system
         * @return this builder
         */
        public Builder os(OperatingSystem os) {
            this.os = Objects.requireNonNull(os, "os");
            return this;
        }

        /**
         * Sets the CPU architecture.
         *
         * @param architecture as {@code os.arch} names it, such as {@code amd64}
         * @return this builder
         */
        public Builder architecture(String architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        /**
         * Sets the Python version.
         *
         * @param version such as {@code 3.11.7}; empty when unknown
         * @return this builder
         */
        public Builder python(String version) {
            this.pythonVersion = Objects.requireNonNull(version, "version").strip();
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public VariantRequest build() {
            return new VariantRequest(this);
        }
    }
}
