package dev.isoenv.testing.dist;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small pure-Python look-alikes of PyTorch's {@code torch} and {@code torchaudio} wheels, one per variant, with the
 * local version labels PyTorch's own indexes use ({@code 2.5.1+cpu}, {@code 2.5.1+cu126}, {@code 2.5.1+cu128},
 * {@code 2.5.1+rocm6.2}). They carry what code that inspects an installed torch reads, and nothing else:
 *
 * <ul>
 *   <li>{@code torch.__version__} and {@code torch.version.__version__}, e.g. {@code "2.5.1+cu126"};</li>
 *   <li>{@code torch.version.cuda}: {@code "12.6"} for {@code cu126}, {@code None} for {@code cpu} and ROCm;</li>
 *   <li>{@code torch.version.hip}: {@code "6.2"} for {@code rocm6.2}, otherwise {@code None};</li>
 *   <li>{@code torch.cuda.is_available()}: always {@code False}, and {@code torch.cuda.device_count()}: 0.</li>
 * </ul>
 *
 * <p>{@code torchaudio} requires {@code torch==2.5.1}, which any local variant of 2.5.1 satisfies (PEP 440), and
 * imports torch when imported. Serve each variant at {@link #indexPath(String)}, as {@code download.pytorch.org}
 * does.
 */
public final class FakeTorch {
    /** The public version of every variant. */
    public static final String VERSION = "2.5.1";
    /** The local labels that isoenv's tests use most. */
    public static final List<String> LABELS = List.of("cpu", "cu126", "cu128");

    private static final Pattern CUDA = Pattern.compile("cu(\\d+)(\\d)");
    private static final Pattern ROCM = Pattern.compile("rocm(\\d+(\\.\\d+)*)");

    private FakeTorch() {
    }

    /**
     * Returns the full version of a variant.
     *
     * @param label a local label such as {@code cu126}
     * @return e.g. {@code 2.5.1+cu126}
     */
    public static String version(String label) {
        return Versions.requireNormalized(VERSION + "+" + label);
    }

    /**
     * Returns the CUDA version that a label stands for: {@code cu126} gives {@code 12.6}, {@code cu118} gives
     * {@code 11.8}; {@code cpu} and ROCm labels give none.
     *
     * @param label a local label
     * @return the CUDA version
     * @throws IllegalArgumentException if the label is none of {@code cpu}, {@code cuNNN} and {@code rocmX.Y}
     */
    public static Optional<String> cudaVersion(String label) {
        Matcher cuda = CUDA.matcher(label);
        if (cuda.matches()) {
            return Optional.of(cuda.group(1) + "." + cuda.group(2));
        }
        requireKnown(label);
        return Optional.empty();
    }

    /**
     * Returns the ROCm (HIP) version that a label stands for: {@code rocm6.2} gives {@code 6.2}; others give none.
     *
     * @param label a local label
     * @return the HIP version
     */
    public static Optional<String> hipVersion(String label) {
        Matcher rocm = ROCM.matcher(label);
        if (rocm.matches()) {
            return Optional.of(rocm.group(1));
        }
        requireKnown(label);
        return Optional.empty();
    }

    /**
     * Returns the base path at which PyTorch serves a variant's index, e.g. {@code /whl/cu126/}.
     *
     * @param label a local label
     * @return the index base path
     */
    public static String indexPath(String label) {
        requireKnown(label);
        return "/whl/" + label + "/";
    }

    /**
     * Builds the fake {@code torch} wheel of a variant of {@value #VERSION}.
     *
     * @param label a local label such as {@code cpu}, {@code cu126} or {@code rocm6.2}
     * @return the wheel {@code torch-2.5.1+LABEL-py3-none-any.whl}
     */
    public static DistributionFile torch(String label) {
        return torch(VERSION, label);
    }

    /**
     * Builds the fake {@code torch} wheel of any release and variant; a null label gives the unlabelled build that
     * PyPI serves (CPU on Windows and macOS), whose {@code torch.version.cuda} is {@code None}.
     *
     * @param publicVersion the release, such as {@code 2.8.0}
     * @param label a local label such as {@code cu126}, or null for none
     * @return the wheel
     */
    public static DistributionFile torch(String publicVersion, String label) {
        return torch(publicVersion, label, List.of());
    }

    /**
     * Builds the fake {@code torch} wheel of any release and variant with dependencies, as the real one has
     * ({@code filelock}, {@code sympy}, ...), so that a test can serve them from another index than torch's.
     *
     * @param publicVersion the release, such as {@code 2.8.0}
     * @param label a local label such as {@code cu126}, or null for none
     * @param requires the requirements of its metadata
     * @return the wheel
     */
    public static DistributionFile torch(String publicVersion, String label, List<String> requires) {
        String version = label == null ? Versions.requireNormalized(publicVersion)
                : Versions.requireNormalized(publicVersion + "+" + label);
        Optional<String> cuda = label == null ? Optional.empty() : cudaVersion(label);
        Optional<String> hip = label == null ? Optional.empty() : hipVersion(label);
        WheelBuilder wheel = WheelBuilder.wheel("torch", version);
        for (String r : requires) {
            wheel.requires(r);
        }
        return wheel
                .summary("A stand-in for PyTorch built by isoenv's test fixture")
                .requiresPython(">=3.8.0")
                .file("torch/__init__.py", "\"\"\"A stand-in for PyTorch " + version
                        + ", built by isoenv's test fixture: version facts only, no tensors.\"\"\"\n"
                        + "from torch import cuda, version\n\n"
                        + "__version__ = \"" + version + "\"\n")
                .module("torch.version", "__version__ = \"" + version + "\"\n"
                        + "cuda = " + pythonString(cuda) + "\n"
                        + "hip = " + pythonString(hip) + "\n"
                        + "debug = False\n"
                        + "git_version = \"isoenv-fake-torch\"\n")
                .file("torch/cuda/__init__.py", "def is_available():\n"
                        + "    return False\n\n\n"
                        + "def device_count():\n"
                        + "    return 0\n")
                .build();
    }

    /**
     * Builds the fake {@code torchaudio} wheel of a variant of {@value #VERSION}; it requires {@code torch==2.5.1}.
     *
     * @param label a local label
     * @return the wheel {@code torchaudio-2.5.1+LABEL-py3-none-any.whl}
     */
    public static DistributionFile torchaudio(String label) {
        return torchaudio(VERSION, label);
    }

    /**
     * Builds the fake {@code torchaudio} wheel of any release and variant (torchaudio shares torch's release
     * numbers); it requires {@code torch==publicVersion}. A null label gives the unlabelled PyPI build.
     *
     * @param publicVersion the release, such as {@code 2.8.0}
     * @param label a local label, or null for none
     * @return the wheel
     */
    public static DistributionFile torchaudio(String publicVersion, String label) {
        String version = label == null ? Versions.requireNormalized(publicVersion)
                : Versions.requireNormalized(publicVersion + "+" + label);
        if (label != null) {
            requireKnown(label);
        }
        return WheelBuilder.wheel("torchaudio", version)
                .summary("A stand-in for torchaudio built by isoenv's test fixture")
                .requiresPython(">=3.8.0")
                .requires("torch==" + publicVersion)
                .file("torchaudio/__init__.py", "import torch as _torch  # torchaudio needs torch, as the real one\n\n"
                        + "__version__ = \"" + version + "\"\n")
                .module("torchaudio.version", "__version__ = \"" + version + "\"\n"
                        + "git_version = \"isoenv-fake-torchaudio\"\n")
                .build();
    }

    /**
     * Builds a fake {@code torchvision} wheel: it requires {@code torch==torchRelease} and imports nothing.
     *
     * @param version the release, such as {@code 0.23.0}
     * @param label a local label, or null for the unlabelled PyPI build
     * @param torchRelease the torch release it needs, such as {@code 2.8.0}
     * @return the wheel
     */
    public static DistributionFile torchvision(String version, String label, String torchRelease) {
        String full = label == null ? Versions.requireNormalized(version)
                : Versions.requireNormalized(version + "+" + label);
        if (label != null) {
            requireKnown(label);
        }
        return WheelBuilder.wheel("torchvision", full)
                .summary("A stand-in for torchvision built by isoenv's test fixture")
                .requires("torch==" + torchRelease)
                .file("torchvision/__init__.py", "__version__ = \"" + full + "\"\n")
                .build();
    }

    private static void requireKnown(String label) {
        if (!label.equals("cpu") && !CUDA.matcher(label).matches() && !ROCM.matcher(label).matches()) {
            throw new IllegalArgumentException("not a PyTorch variant label (cpu, cuNNN, rocmX.Y): " + label);
        }
    }

    private static String pythonString(Optional<String> value) {
        return value.map(v -> "\"" + v + "\"").orElse("None");
    }
}
