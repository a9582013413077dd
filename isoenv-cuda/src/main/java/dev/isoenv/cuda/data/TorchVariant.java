package dev.isoenv.cuda.data;

import dev.isoenv.Accelerator;
import dev.isoenv.internal.version.Version;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch variant, the name of a wheel index and of the local version label its wheels carry:
 * {@code cpu}, {@code cu126} (CUDA 12.6), {@code rocm6.2.4} (ROCm 6.2.4) or {@code xpu}.
 */
public final class TorchVariant {
    /** Orders variants of one kind newest first: cu132 before cu130 before cu129; rocm7.14 before rocm7.2. */
    public static final Comparator<TorchVariant> NEWEST_FIRST =
            Comparator.comparing(TorchVariant::kind).thenComparing(TorchVariant::version, Comparator.reverseOrder());

    private static final Pattern CUDA = Pattern.compile("cu(\\d{1,2})(\\d)");
    private static final Pattern ROCM = Pattern.compile("rocm(\\d+(?:\\.\\d+)+)");

    /** The kinds of variant. */
    public enum Kind {
        /** CUDA builds, for NVIDIA GPUs. */
        CUDA,
        /** ROCm builds, for AMD GPUs. */
        ROCM,
        /** XPU builds, for Intel GPUs. */
        XPU,
        /** CPU builds. */
        CPU
    }

    private final String name;
    private final Kind kind;
    private final Version version;

    private TorchVariant(String name, Kind kind, Version version) {
        this.name = name;
        this.kind = kind;
        this.version = version;
    }

    /** The CPU variant. */
    public static final TorchVariant CPU_VARIANT = new TorchVariant("cpu", Kind.CPU, Version.parse("0"));

    /**
     * Parses a variant name.
     *
     * @param text a name such as {@code cu126}, {@code rocm6.4}, {@code xpu} or {@code cpu}; case is ignored
     * @return the variant, or empty when the name is not a PyTorch variant
     */
    public static Optional<TorchVariant> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String n = text.strip().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Optional.of(CPU_VARIANT);
        }
        if (n.equals("xpu")) {
            return Optional.of(new TorchVariant(n, Kind.XPU, Version.parse("0")));
        }
        Matcher cuda = CUDA.matcher(n);
        if (cuda.matches()) {
            return Optional.of(new TorchVariant(n, Kind.CUDA, Version.parse(cuda.group(1) + "." + cuda.group(2))));
        }
        Matcher rocm = ROCM.matcher(n);
        if (rocm.matches()) {
            return Optional.of(new TorchVariant(n, Kind.ROCM, Version.parse(rocm.group(1))));
        }
        return Optional.empty();
    }

    /**
     * Parses a variant name.
     *
     * @param text a name such as {@code cu126}
     * @return the variant
     * @throws IllegalArgumentException if the name is not a PyTorch variant
     */
    public static TorchVariant parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("'" + text
                + "' is not a PyTorch variant; use cpu, xpu, cuXY such as cu126, or rocmX.Y such as rocm6.4"));
    }

    /**
     * Returns the name, which is also the index path and the local version label.
     *
     * @return the name, such as {@code cu126}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the kind.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the CUDA or ROCm version the variant is built with; {@code 0} for cpu and xpu.
     *
     * @return the toolkit version, such as {@code 12.6}
     */
    public Version version() {
        return version;
    }

    /**
     * Returns the CUDA version that {@code torch.version.cuda} reports for this variant.
     *
     * @return the version such as {@code 12.6}, or empty when this is not a CUDA variant
     */
    public Optional<String> cudaVersion() {
        return kind == Kind.CUDA ? Optional.of(version.toString()) : Optional.empty();
    }

    /**
     * Returns the kind of accelerator this variant runs on.
     *
     * @return the accelerator kind; {@link Accelerator.Kind#NONE} for cpu
     */
    public Accelerator.Kind acceleratorKind() {
        switch (kind) {
            case CUDA:
                return Accelerator.Kind.NVIDIA_CUDA;
            case ROCM:
                return Accelerator.Kind.AMD_ROCM;
            case XPU:
                return Accelerator.Kind.INTEL_XPU;
            default:
                return Accelerator.Kind.NONE;
        }
    }

    /**
     * Describes the build, such as "CUDA 12.6", "ROCm 6.4", "XPU" or "CPU".
     *
     * @return the description
     */
    public String describe() {
        switch (kind) {
            case CUDA:
                return "CUDA " + version;
            case ROCM:
                return "ROCm " + version;
            case XPU:
                return "XPU";
            default:
                return "CPU";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchVariant && ((TorchVariant) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    /** Returns the name, such as {@code cu126}. */
    @Override
    public String toString() {
        return name;
    }
}
