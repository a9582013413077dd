package dev.isoenv.cuda.verify;

import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.internal.version.Version;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PyTorch build an environment should hold after an install: the variant, the local version label its
 * wheels carry here, the exact torch version if one was pinned, whether a GPU must be usable, and which
 * distributions form the torch family (and which of them carry the label).
 */
public final class ExpectedBuild {
    private final TorchVariant variant;
    private final String localLabel;
    private final Version torchVersion;
    private final boolean gpuExpected;
    private final Set<String> family;
    private final Set<String> labelledFamily;

    private ExpectedBuild(Builder b) {
        this.variant = b.variant;
        this.localLabel = b.localLabel;
        this.torchVersion = b.torchVersion;
        this.gpuExpected = b.gpuExpected;
        this.family = Set.copyOf(b.family);
        this.labelledFamily = Set.copyOf(b.labelledFamily);
    }

    /**
     * Starts a builder.
     *
     * @param variant the variant chosen
     * @return a new builder
     */
    public static Builder builder(TorchVariant variant) {
        return new Builder(variant);
    }

    /**
     * Returns the variant.
     *
     * @return the variant
     */
    public TorchVariant variant() {
        return variant;
    }

    /**
     * Returns the local version label the torch-family wheels must carry.
     *
     * @return such as {@code cu126}, or empty when they carry none (macOS)
     */
    public Optional<String> localLabel() {
        return Optional.ofNullable(localLabel);
    }

    /**
     * Returns the exact torch version requested.
     *
     * @return the public version, such as {@code 2.5.1}, or empty when torch was not pinned
     */
    public Optional<Version> torchVersion() {
        return Optional.ofNullable(torchVersion);
    }

    /**
     * Tells whether torch must see the GPU ({@code torch.cuda.is_available()}): true when a CUDA or ROCm build
     * was chosen for hardware that was detected, rather than forced or overridden.
     *
     * @return true if the GPU must be usable
     */
    public boolean gpuExpected() {
        return gpuExpected;
    }

    /**
     * Returns the normalized names of the torch family.
     *
     * @return the names
     */
    public Set<String> family() {
        return family;
    }

    /**
     * Returns the normalized names of the family members whose versions carry the variant label.
     *
     * @return the names
     */
    public Set<String> labelledFamily() {
        return labelledFamily;
    }

    /**
     * Describes the build, such as "torch 2.5.1+cu126 (CUDA 12.6)" or "a torch +cpu build (CPU)".
     *
     * @return the description
     */
    public String describe() {
        String label = localLabel == null ? "" : "+" + localLabel;
        String build = torchVersion != null ? "torch " + torchVersion + label
                : "a torch " + (label.isEmpty() ? "" : label + " ") + "build";
        return build + " (" + variant.describe() + ")";
    }

    @Override
    public String toString() {
        return "ExpectedBuild[" + describe() + (gpuExpected ? ", GPU expected" : "") + ", family "
                + new TreeSet<>(family) + "]";
    }

    /** Builds an {@link ExpectedBuild}. */
    public static final class Builder {
        private final TorchVariant variant;
        private String localLabel;
        private Version torchVersion;
        private boolean gpuExpected;
        private Set<String> family = Set.of("torch");
        private Set<String> labelledFamily = Set.of("torch");

        private Builder(TorchVariant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
        }

        /**
         * Sets the local version label.
         *
         * @param label such as {@code cu126}, or null for none
         * @return this builder
         */
        public Builder localLabel(String label) {
            this.localLabel = label;
            return this;
        }

        /**
         * Sets the exact torch version requested.
         *
         * @param version a version; its local label is dropped; null for none
         * @return this builder
         */
        public Builder torchVersion(Version version) {
            this.torchVersion = version == null ? null : version.publicVersion();
            return this;
        }

        /**
         * Sets whether torch must see the GPU.
         *
         * @param expected true if it must
         * @return this builder
         */
        public Builder gpuExpected(boolean expected) {
            this.gpuExpected = expected;
            return this;
        }

        /**
         * Sets the torch family.
         *
         * @param all the normalized names of every member
         * @param labelled those whose versions carry the variant label
         * @return this builder
         */
        public Builder family(Set<String> all, Set<String> labelled) {
            this.family = Set.copyOf(all);
            this.labelledFamily = Set.copyOf(labelled);
            return this;
        }

        /**
         * Builds the value.
         *
         * @return the expected build
         */
        public ExpectedBuild build() {
            return new ExpectedBuild(this);
        }
    }
}
