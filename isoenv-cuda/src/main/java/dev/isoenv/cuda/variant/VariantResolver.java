package dev.isoenv.cuda.variant;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.cuda.config.Setting;
import dev.isoenv.cuda.data.ComputeCapability;
import dev.isoenv.cuda.data.Platform;
import dev.isoenv.cuda.probe.OverrideProbe;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchRelease;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses the PyTorch variant for a machine from {@link TorchData}.
 *
 * <p>The rule: among the torch releases that match the request (newest first, skipping those without wheels
 * for the platform, then those without wheels for the environment's Python there), take the newest variant of
 * the accelerator's kind that the release publishes for this platform (operating system and CPU architecture,
 * as the data's {@code [platforms]} rows say) and that runs here: for CUDA, the driver meets the variant's floor
 * on this OS (Windows numbering on Windows and in WSL) and the variant's architectures on this platform cover
 * the compute capability of every GPU; for ROCm, Linux x86-64 and the exact gfx target of every GPU listed; for
 * XPU, Linux or Windows on x86-64. Failing that, the next variant, then the next older matching release (whose
 * index pip will then install from); failing all, CPU, if the data has CPU wheels for this platform (otherwise
 * no build exists here, which is an error). macOS always gets the cpu index, whose macOS wheels carry MPS. A
 * forced variant is used as given. Every choice carries an explanation of each candidate considered, and each
 * refusal says why.
 *
 * <p>Facts that cannot be read are {@link InvalidSpecException}s, never skipped: an invalid override, a compute
 * capability that is neither {@code 8.6} nor {@code sm_86}, a forced variant the data does not know, a torch
 * specifier pip would not accept, a specifier set that no version satisfies, and a request older than every
 * release in the data (unless a variant is forced), whose variants the data cannot tell.
 */
public final class VariantResolver {
    private final TorchData data;

    /**
     * Creates a resolver.
     *
     * @param data the variant data
     */
    public VariantResolver(TorchData data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * Chooses the variant.
     *
     * @param request the machine and the torch request
     * @return the choice, with its explanation
     * @throws InvalidSpecException if a fact of the request cannot be read, or the data cannot answer it
     */
    public VariantChoice resolve(VariantRequest request) {
        List<String> lines = new ArrayList<>();
        Accelerator accelerator = request.accelerator();
        requireValidFacts(accelerator);
        describeAccelerator(accelerator, lines);
        Optional<Version> python = pythonVersion(request.pythonVersion());
        Optional<Platform> platform = Platform.of(request.os(), request.architecture());
        lines.add("Target: " + osName(request.os()) + " " + request.architecture() + ", Python "
                + (python.isPresent() ? python.get() : "unknown"));
        if (platform.isEmpty()) {
            lines.add("  note: the data describes no wheels for " + osName(request.os()) + " "
                    + request.architecture() + ", so which variants publish wheels here is not checked");
        }
        lines.add("Requested: " + request.requestedAs());
        lines.add("Data: " + String.join(" + ", data.sources()));
        ReleaseMatch match = ReleaseMatch.of(data, request.torchSpecifier(), request.requestedAs(), python,
                platform);
        for (String note : match.notes()) {
            lines.add("  note: " + note);
        }
        lines.add("Matching torch releases: " + describe(match));

        if (OverrideProbe.forcedVariant(accelerator).isPresent()) {
            return forced(request, match, lines);
        }
        if (match.olderThanData().isPresent()) {
            TorchRelease oldest = data.releases().get(data.releases().size() - 1);
            String pin = match.allReleases().isEmpty() ? "<version>" : match.allReleases().get(0).toString();
            throw new InvalidSpecException("Cannot choose a PyTorch variant for " + request.requestedAs() + ": "
                    + match.olderThanData().get() + ", so isoenv cannot tell which variants were published for it,"
                    + " and will not borrow those of a newer release. Require a release the data covers (such as"
                    + " torch>=" + oldest.series() + "), force a variant with " + Setting.TORCH_VARIANT.property()
                    + " or with a pin that names one (such as torch==" + pin + "+cpu), or describe the release in a"
                    + " data file named by " + Setting.TORCH_DATA.property() + ".");
        }
        if (request.os() == OperatingSystem.MACOS) {
            lines.add("macOS: PyTorch's macOS wheels come from the cpu index and carry MPS for Apple Silicon;"
                    + " they have no local version label");
            return cpu(match, request, lines);
        }
        Accelerator.Kind kind = accelerator.kind();
        if (kind.equals(Accelerator.Kind.NVIDIA_CUDA)) {
            return bestOf(TorchVariant.Kind.CUDA, request, match, lines);
        } else if (kind.equals(Accelerator.Kind.AMD_ROCM)) {
            return bestOf(TorchVariant.Kind.ROCM, request, match, lines);
        } else if (kind.equals(Accelerator.Kind.INTEL_XPU)) {
            return bestOf(TorchVariant.Kind.XPU, request, match, lines);
        } else if (kind.equals(Accelerator.Kind.APPLE_MPS)) {
            lines.add("Apple MPS outside macOS: using CPU builds");
            return cpu(match, request, lines);
        } else if (kind.equals(Accelerator.Kind.NONE)) {
            lines.add("No GPU accelerator: using CPU builds");
            return cpu(match, request, lines);
        }
        lines.add("PyTorch publishes no build for a " + kind + " accelerator: using CPU builds");
        return cpu(match, request, lines);
    }

    /**
     * Refuses facts that cannot be read: an invalid override, or a GPU whose compute capability is given but is
     * neither {@code 8.6} nor {@code sm_86}. A compute capability that is not known (empty) is not an error: the
     * architectures are then not checked, and the explanation says so.
     */
    private static void requireValidFacts(Accelerator accelerator) {
        Optional<String> invalid = OverrideProbe.invalidOverride(accelerator);
        if (invalid.isPresent()) {
            throw new InvalidSpecException("Cannot choose a PyTorch variant: " + invalid.get() + ". Correct the"
                    + " value or unset it; isoenv does not guess around a fact it was given.");
        }
        if (!accelerator.kind().equals(Accelerator.Kind.NVIDIA_CUDA)) {
            return;
        }
        List<Accelerator.Device> devices = accelerator.devices();
        for (int k = 0; k < devices.size(); k++) {
            String cc = devices.get(k).architecture();
            if (!cc.isBlank() && ComputeCapability.tryParse(cc).isEmpty()) {
                throw new InvalidSpecException("Cannot choose a PyTorch variant: GPU " + k + " ("
                        + devices.get(k).name() + "), as given by " + accelerator.detectedBy()
                        + ", has the compute capability '" + cc + "', which isoenv cannot read: "
                        + ComputeCapability.FORMS + ". Correct it, or leave it empty if it is not known.");
            }
        }
    }

    private VariantChoice bestOf(TorchVariant.Kind kind, VariantRequest request, ReleaseMatch match,
                                 List<String> lines) {
        CandidateCheck check = new CandidateCheck(data, request);
        for (ReleaseMatch.Candidate candidate : match.candidates()) {
            TorchRelease release = candidate.release();
            List<TorchVariant> variants = release.variants(kind);
            if (variants.isEmpty()) {
                lines.add("torch " + release.series() + " publishes no " + kind.name() + " variant");
                continue;
            }
            lines.add("Candidates for torch " + release.series() + ":");
            for (TorchVariant variant : variants) {
                Verdict verdict = check.check(variant, release);
                lines.add("  " + variant + (verdict.accepted() ? " accepted: " : " refused: ") + verdict.reason());
                if (verdict.accepted()) {
                    return choose(variant, match, request, false, lines);
                }
            }
        }
        lines.add("No " + kind.name() + " variant of the matching torch releases runs here: using CPU builds");
        return cpu(match, request, lines);
    }

    /**
     * Chooses the CPU builds, unless the data says that no matching release has them for this platform (and
     * Python): then no PyTorch build exists here, and the error says why and what to do.
     */
    private VariantChoice cpu(ReleaseMatch match, VariantRequest request, List<String> lines) {
        CandidateCheck check = new CandidateCheck(data, request);
        List<String> refusals = new ArrayList<>();
        for (ReleaseMatch.Candidate c : match.candidates()) {
            Optional<Verdict> refused = check.platform(TorchVariant.CPU_VARIANT, c.release());
            if (refused.isEmpty()) {
                return choose(TorchVariant.CPU_VARIANT, match, request, false, lines);
            }
            refusals.add(refused.get().reason());
        }
        if (refusals.isEmpty()) {
            return choose(TorchVariant.CPU_VARIANT, match, request, false, lines);
        }
        Platform platform = Platform.of(request.os(), request.architecture()).orElseThrow();
        boolean pythonRefused = refusals.stream().allMatch(r -> r.contains(" are for Python "));
        Optional<Version> python = pythonRefused ? pythonVersion(request.pythonVersion()) : Optional.empty();
        String hint = "No release in the data has wheels for " + platform + python.map(p -> " and Python " + p)
                .orElse("") + ".";
        for (TorchRelease r : data.releases()) {
            if (data.hasWheels(r, platform, python)) {
                hint = "The newest release with wheels for " + platform + python.map(p -> " and Python " + p)
                        .orElse("") + " is torch " + r.newest() + ": require it (such as torch==" + r.newest() + ").";
                break;
            }
        }
        if (pythonRefused) {
            hint += " Or use a Python that " + platform + " has wheels for.";
        }
        lines.add("No build of the matching torch releases exists here: " + String.join("; ", refusals));
        throw new InvalidSpecException("No PyTorch build for " + request.requestedAs() + " exists for " + platform
                + (pythonRefused ? " with Python " + request.pythonVersion() : "") + " according to the data"
                + " (data-version "
                + data.dataVersion() + "): " + String.join("; ", refusals) + ". " + hint + " If the data is wrong,"
                + " correct it with a data file named by " + Setting.TORCH_DATA.property() + ".\n"
                + String.join("\n", lines));
    }

    private VariantChoice forced(VariantRequest request, ReleaseMatch match, List<String> lines) {
        String name = OverrideProbe.forcedVariant(request.accelerator()).orElseThrow();
        String forcedBy = request.accelerator().detectedBy();
        TorchVariant variant = TorchVariant.tryParse(name).orElseThrow(() -> new InvalidSpecException("The PyTorch"
                + " variant '" + name + "' forced by " + forcedBy + " is not a PyTorch variant: use cpu, xpu, cuXY"
                + " such as cu126, or rocmX.Y such as rocm6.4."));
        if (!data.knows(variant)) {
            throw new InvalidSpecException("The PyTorch variant " + variant + " forced by " + forcedBy + " is unknown:"
                    + " no torch release in the data publishes it" + (variant.kind() == TorchVariant.Kind.CUDA
                    ? " and no driver floor names it" : "") + " (data-version " + data.dataVersion() + "; known: "
                    + data.published().stream().map(TorchVariant::name).collect(Collectors.joining(", "))
                    + "). Force a known variant, or describe the new one in a data file named by "
                    + Setting.TORCH_DATA.property() + ".");
        }
        lines.add("Variant " + variant + " forced by " + forcedBy
                + "; detection and compatibility checks are skipped");
        if (match.olderThanData().isPresent()) {
            lines.add("  note: " + match.olderThanData().get() + "; the forced variant is used as given");
        } else if (!match.beyondData() && match.releasesPublishing(variant).isEmpty()) {
            lines.add("  warning: according to the data no matching torch release publishes " + variant
                    + "; the install may fail");
        } else if (!match.beyondData()) {
            CandidateCheck check = new CandidateCheck(data, request);
            for (ReleaseMatch.Candidate c : match.candidates()) {
                if (c.release().publishes(variant)) {
                    check.platform(variant, c.release()).ifPresent(v -> lines.add("  warning: " + v.reason()
                            + "; the install may fail"));
                    break;
                }
            }
        }
        return choose(variant, match, request, true, lines);
    }

    private VariantChoice choose(TorchVariant variant, ReleaseMatch match, VariantRequest request, boolean forced,
                                 List<String> lines) {
        CandidateCheck check = new CandidateCheck(data, request);
        List<Version> releases = new ArrayList<>();
        Optional<Boolean> labelled = Optional.empty();
        boolean first = true;
        for (ReleaseMatch.Candidate c : match.candidates()) {
            boolean here = forced || check.platform(variant, c.release()).isEmpty();
            if (!(match.beyondData() || c.release().publishes(variant)) || !here) {
                continue;
            }
            if (first) {
                labelled = check.labelled(variant, c.release());
                first = false;
            }
            releases.addAll(c.versions());
        }
        if (match.beyondData()) {
            releases = match.allReleases();
        }
        String label = localLabel(variant, request, labelled);
        String url = data.indexUrl(variant);
        lines.add("Choice: " + variant + " (" + variant.describe() + ") from " + Redactor.maskUrlCredentials(url)
                + (releases.isEmpty() ? "" : " for torch " + releases.stream().map(Version::toString)
                .collect(Collectors.joining(", ")))
                + (label == null ? "; its wheels here carry no local version label"
                : "; its wheels carry the local version label +" + label));
        return new VariantChoice(variant, url, label, releases, forced, request.accelerator(),
                String.join("\n", lines));
    }

    /**
     * The local version label of a variant's wheels here: as the data says for this platform (the newest
     * matching release decides); where it does not say, none on macOS and none for CPU wheels outside x86-64.
     */
    private static String localLabel(TorchVariant variant, VariantRequest request, Optional<Boolean> labelled) {
        if (request.os() == OperatingSystem.MACOS) {
            return null;
        }
        if (labelled.isPresent()) {
            return labelled.get() ? variant.name() : null;
        }
        if (variant.kind() == TorchVariant.Kind.CPU && !CandidateCheck.isX86(request.architecture())) {
            return null;
        }
        return variant.name();
    }

    private static void describeAccelerator(Accelerator accelerator, List<String> lines) {
        if (OverrideProbe.forcedVariant(accelerator).isPresent()) {
            lines.add("Accelerator: variant " + OverrideProbe.forcedVariant(accelerator).get() + " forced by "
                    + accelerator.detectedBy());
        } else if (accelerator.kind().equals(Accelerator.Kind.NONE)) {
            lines.add("Accelerator: none detected");
        } else {
            lines.add("Accelerator: " + kindName(accelerator.kind())
                    + accelerator.driverVersion().map(d -> ", driver " + d).orElse("")
                    + ", detected by " + accelerator.detectedBy());
            List<Accelerator.Device> devices = accelerator.devices();
            if (devices.isEmpty() && !Accelerator.Kind.APPLE_MPS.equals(accelerator.kind())) {
                lines.add("  devices: unknown");
            }
            for (int k = 0; k < devices.size(); k++) {
                lines.add("  GPU " + k + ": " + describe(accelerator.kind(), devices.get(k)));
            }
        }
        for (String note : accelerator.notes()) {
            lines.add("  note: " + note);
        }
    }

    private static String describe(Accelerator.Kind kind, Accelerator.Device device) {
        StringBuilder b = new StringBuilder(device.name());
        if (!device.architecture().isEmpty() && Accelerator.Kind.NVIDIA_CUDA.equals(kind)) {
            String cc = ComputeCapability.parse(device.architecture()).toString();
            b.append(", compute capability ").append(cc)
                    .append(cc.equals(device.architecture()) ? "" : " (given as " + device.architecture() + ")");
        } else if (!device.architecture().isEmpty()) {
            b.append(", ").append(device.architecture());
        } else if (Accelerator.Kind.NVIDIA_CUDA.equals(kind)) {
            b.append(", compute capability unknown");
        }
        if (device.memoryBytes() >= 0) {
            b.append(", ").append(device.memoryBytes() / (1024 * 1024)).append(" MiB");
        }
        return b.toString();
    }

    private static String describe(ReleaseMatch match) {
        if (match.candidates().isEmpty()) {
            return "none in the data";
        }
        List<String> parts = new ArrayList<>();
        for (ReleaseMatch.Candidate c : match.candidates()) {
            parts.add(c.release().series() + (c.versions().isEmpty() ? " (stand-in)" : " ("
                    + c.versions().stream().map(Version::toString).collect(Collectors.joining(", ")) + ")"));
        }
        return String.join("; ", parts);
    }

    private static String kindName(Accelerator.Kind kind) {
        if (kind.equals(Accelerator.Kind.NVIDIA_CUDA)) {
            return "NVIDIA CUDA";
        } else if (kind.equals(Accelerator.Kind.AMD_ROCM)) {
            return "AMD ROCm";
        } else if (kind.equals(Accelerator.Kind.APPLE_MPS)) {
            return "Apple MPS";
        } else if (kind.equals(Accelerator.Kind.INTEL_XPU)) {
            return "Intel XPU";
        }
        return kind.equals(Accelerator.Kind.NONE) ? "none" : kind.id();
    }

    private static String osName(OperatingSystem os) {
        switch (os) {
            case LINUX:
                return "Linux";
            case MACOS:
                return "macOS";
            case WINDOWS:
                return "Windows";
            default:
                return "POSIX";
        }
    }

    private static Optional<Version> pythonVersion(String text) {
        if (text == null || text.isBlank() || !Version.isValid(text)) {
            return Optional.empty();
        }
        return Optional.of(Version.parse(text));
    }
}
