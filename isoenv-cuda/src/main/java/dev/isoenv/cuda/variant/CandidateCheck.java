package dev.isoenv.cuda.variant;

import dev.isoenv.cuda.data.ComputeCapability;
import dev.isoenv.cuda.data.DriverFloor;
import dev.isoenv.cuda.data.Platform;
import dev.isoenv.cuda.data.SeriesRange;
import dev.isoenv.cuda.data.WheelPlatforms;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchRelease;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.cuda.probe.NvidiaProbe;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether one variant of one torch release runs on the requested machine: CUDA variants need the
 * driver floor (in Windows numbering on Windows and in WSL) and must cover the compute capability of every
 * GPU; ROCm variants run on Linux x86-64 only and must list the exact gfx target of every GPU; XPU variants
 * run on Linux and Windows x86-64.
 */
final class CandidateCheck {
    private static final Set<String> X86_64 = Set.of("amd64", "x86_64", "x64", "x86-64");

    private final TorchData data;
    private final VariantRequest request;
    private final Optional<Platform> platform;
    private final Optional<Version> python;

    CandidateCheck(TorchData data, VariantRequest request) {
        this.data = data;
        this.request = request;
        this.platform = Platform.of(request.os(), request.architecture());
        this.python = Version.isValid(request.pythonVersion()) ? Optional.of(Version.parse(request.pythonVersion()))
                : Optional.empty();
    }

    Verdict check(TorchVariant variant, TorchRelease release) {
        Optional<Verdict> here = platform(variant, release);
        if (here.isPresent()) {
            return here.get();
        }
        Verdict verdict = kind(variant, release);
        if (verdict.accepted() && platform.isPresent() && data.wheels(release, variant).isEmpty()) {
            return Verdict.accept(verdict.reason() + "; the data does not say which platforms torch "
                    + release.series() + "'s " + variant + " wheels are for, so " + platform.get() + " is not checked");
        }
        return verdict;
    }

    /**
     * Refuses a variant that publishes no wheels for this platform (or for this Python there, where the data
     * gives the platform fewer Python versions than the release).
     *
     * @return the refusal, or empty when the data has the wheels, or does not say, or the platform is unknown
     */
    Optional<Verdict> platform(TorchVariant variant, TorchRelease release) {
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        Optional<WheelPlatforms> wheels = data.wheels(release, variant);
        if (wheels.isEmpty()) {
            return Optional.empty();
        }
        Platform p = platform.get();
        if (!wheels.get().has(p)) {
            return Optional.of(Verdict.refuse("torch " + release.series() + " publishes no " + variant + " wheels for "
                    + p + ", only for " + wheels.get() + " (data: " + wheels.get().source() + ")"));
        }
        Optional<SeriesRange> own = wheels.get().python(p);
        if (python.isPresent() && own.isPresent() && !own.get().contains(python.get())) {
            return Optional.of(Verdict.refuse("torch " + release.series() + "'s " + variant + " wheels for " + p
                    + " are for Python " + own.get() + ", not " + python.get() + " (data: " + wheels.get().source()
                    + ")"));
        }
        return Optional.empty();
    }

    /**
     * Tells whether the wheels of a variant of a release carry its local version label on this platform.
     *
     * @return the data's answer, or empty when the data does not say or the platform is unknown
     */
    Optional<Boolean> labelled(TorchVariant variant, TorchRelease release) {
        return platform.flatMap(p -> data.wheels(release, variant).map(w -> w.labelled(p)));
    }

    private Verdict kind(TorchVariant variant, TorchRelease release) {
        switch (variant.kind()) {
            case CUDA:
                return cuda(variant, release);
            case ROCM:
                return rocm(variant);
            case XPU:
                return xpu();
            default:
                return Verdict.accept("CPU builds run everywhere");
        }
    }

    static boolean isX86(String architecture) {
        return X86_64.contains(architecture.toLowerCase(Locale.ROOT));
    }

    private Verdict cuda(TorchVariant variant, TorchRelease release) {
        OperatingSystem os = request.os();
        if (os != OperatingSystem.LINUX && os != OperatingSystem.WINDOWS) {
            return Verdict.refuse("CUDA wheels exist for Linux and Windows only");
        }
        Accelerator accelerator = request.accelerator();
        Optional<String> driverText = accelerator.driverVersion();
        if (driverText.isEmpty()) {
            return Verdict.refuse("the NVIDIA driver version is unknown");
        }
        Optional<DriverFloor> floor = data.driverFloor(variant);
        if (floor.isEmpty()) {
            return Verdict.refuse("the data gives no minimum driver for " + variant);
        }
        Version driver;
        try {
            driver = Version.parse(driverText.get());
        } catch (IllegalArgumentException e) {
            return Verdict.refuse("the driver version '" + driverText.get() + "' cannot be compared");
        }
        boolean windowsNumbering = os.isWindows() || NvidiaProbe.isWslDriver(accelerator);
        Version minimum = floor.get().minimum(windowsNumbering);
        String minimumText = floor.get().minimumText(windowsNumbering);
        String numbering = windowsNumbering ? (os.isWindows() ? "Windows minimum" : "Windows minimum, as in WSL")
                : "Linux minimum";
        if (driver.compareTo(minimum) < 0) {
            return Verdict.refuse("driver " + driverText.get() + " < " + minimumText + " (" + numbering + ")");
        }
        String driverOk = "driver " + driverText.get() + " >= " + minimumText + " (" + numbering + ")";
        Optional<List<ComputeCapability>> built = data.cudaArchitectures(release, variant, platform);
        List<Accelerator.Device> withCapability = new ArrayList<>();
        for (Accelerator.Device d : accelerator.devices()) {
            if (!d.architecture().isBlank()) {
                withCapability.add(d);
            }
        }
        if (withCapability.isEmpty()) {
            return Verdict.accept(driverOk + "; no GPU's compute capability is known, so architectures are not"
                    + " checked");
        }
        if (built.isEmpty()) {
            return Verdict.accept(driverOk + "; the data does not list the architectures of " + variant
                    + " in torch " + release.series() + (platform.isPresent() ? " for " + platform.get() : "")
                    + ", so they are not checked");
        }
        String archs = built.get().stream().map(ComputeCapability::toString).collect(Collectors.joining(", "));
        for (Accelerator.Device d : withCapability) {
            ComputeCapability cc = ComputeCapability.parse(d.architecture());
            if (!cc.isCoveredBy(built.get())) {
                return Verdict.refuse(d.name() + " (" + cc + ") is not covered by " + variant + "'s architectures "
                        + archs + " in torch " + release.series());
            }
        }
        String caps = withCapability.stream().map(d -> ComputeCapability.parse(d.architecture()).toString())
                .distinct().collect(Collectors.joining(", "));
        return Verdict.accept(driverOk + "; architectures " + archs + " cover " + caps);
    }

    private Verdict rocm(TorchVariant variant) {
        if (request.os() != OperatingSystem.LINUX) {
            return Verdict.refuse("ROCm wheels exist for Linux only");
        }
        if (!isX86(request.architecture())) {
            return Verdict.refuse("ROCm wheels exist for x86-64 only, not " + request.architecture());
        }
        Optional<List<String>> targets = data.rocmTargets(variant);
        if (targets.isEmpty()) {
            return Verdict.refuse("the data lists no gfx targets for " + variant);
        }
        List<Accelerator.Device> devices = request.accelerator().devices();
        if (devices.isEmpty()) {
            return Verdict.refuse("no AMD GPU with a known gfx target");
        }
        for (Accelerator.Device d : devices) {
            if (!targets.get().contains(d.architecture())) {
                return Verdict.refuse(d.name() + " (" + (d.architecture().isEmpty() ? "gfx target unknown"
                        : d.architecture()) + ") is not among " + variant + "'s gfx targets "
                        + String.join(", ", targets.get()));
            }
        }
        String gfx = devices.stream().map(Accelerator.Device::architecture).distinct()
                .collect(Collectors.joining(", "));
        return Verdict.accept("its gfx targets include " + gfx);
    }

    private Verdict xpu() {
        if (request.os() != OperatingSystem.LINUX && request.os() != OperatingSystem.WINDOWS) {
            return Verdict.refuse("XPU wheels exist for Linux and Windows only");
        }
        if (!isX86(request.architecture())) {
            return Verdict.refuse("XPU wheels exist for x86-64 only, not " + request.architecture());
        }
        return Verdict.accept("an Intel discrete or data-center GPU was found");
    }
}
