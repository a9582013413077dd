package dev.isoenv.cuda.probe;

import com.google.auto.service.AutoService;
import dev.isoenv.cuda.config.Setting;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.ComputeCapability;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the user's overrides, for CI and for machines whose detection fails. It runs before every hardware probe
 * and is never cached, so a changed setting takes effect on the next {@code ensure()}.
 *
 * <ul>
 *   <li>{@code isoenv.torch.variant} / {@code ISOENV_TORCH_VARIANT} forces a variant such as {@code cpu},
 *       {@code cu126}, {@code rocm6.4} or {@code xpu}.</li>
 *   <li>{@code isoenv.cuda.driver} / {@code ISOENV_CUDA_DRIVER} stands for an NVIDIA GPU with that driver; with
 *       {@code isoenv.cuda.compute-capability} / {@code ISOENV_CUDA_COMPUTE_CAPABILITY} (such as {@code 8.6},
 *       {@code sm_86}, or {@code 6.1,8.6} for two GPUs) it has devices of those capabilities, and with
 *       {@code isoenv.cuda.wsl} / {@code ISOENV_CUDA_WSL} ({@code true} or {@code false}) it is, or is not, a
 *       Windows host's driver seen from inside WSL (unset, it is when this machine is a WSL one).</li>
 *   <li>{@code isoenv.rocm.gfx} / {@code ISOENV_ROCM_GFX} stands for AMD GPUs with those gfx targets.</li>
 * </ul>
 *
 * <p>System properties win over environment variables. Detection never fails: an invalid value gives an
 * accelerator of kind {@link Accelerator.Kind#NONE} that carries what is wrong ({@link #invalidOverride}), so
 * that planning a torch install refuses it with a typed error instead of silently ignoring a fact the user gave.
 */
@AutoService(AcceleratorProbe.class)
public final class OverrideProbe implements AcceleratorProbe {
    /** The accelerator attribute that carries a forced PyTorch variant, such as {@code cu126}. */
    public static final String VARIANT_ATTRIBUTE = "torch.variant";

    /** The accelerator attribute that carries what is wrong with the overrides, when a value is invalid. */
    public static final String INVALID_ATTRIBUTE = "override.invalid";

    /** How {@link Accelerator#detectedBy()} starts for a driver or gfx override. */
    public static final String DETECTED_BY_PREFIX = "override: ";

    /** Creates the probe; ServiceLoader needs this constructor. */
    public OverrideProbe() {
    }

    @Override
    public String name() {
        return "override";
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public ProbeResult probe(ProbeContext context) {
        return probe(Settings.of(context), context);
    }

    /**
     * Reads the overrides from given settings, such as a specification's and a client's options over the system
     * properties (see {@link Settings#withOptions}).
     *
     * @param settings the settings
     * @param context the machine, for whether it is a WSL one
     * @return the forced accelerator, an invalid one that says what is wrong, or not detected when none is set
     */
    public static ProbeResult probe(Settings settings, ProbeContext context) {
        List<String> problems = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Optional<Accelerator> found = variantOverride(settings, problems, sources);
        Optional<Accelerator> driver = driverOverride(settings, context, problems, sources);
        Optional<Accelerator> gfx = gfxOverride(settings, problems, sources);
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            return ProbeResult.detected(Accelerator.declared(Accelerator.Kind.NONE, DETECTED_BY_PREFIX
                    + String.join(", ", sources)).withAttribute(INVALID_ATTRIBUTE, message)
                    .withNotes(List.of("invalid override: " + message)));
        }
        if (found.isPresent()) {
            return ProbeResult.detected(found.get());
        }
        if (driver.isPresent()) {
            return ProbeResult.detected(driver.get());
        }
        if (gfx.isPresent()) {
            return ProbeResult.detected(gfx.get());
        }
        return ProbeResult.notDetected("no override set (" + Setting.TORCH_VARIANT.property() + ", "
                + Setting.CUDA_DRIVER.property() + ", " + Setting.ROCM_GFX.property() + ")");
    }

    /**
     * Tells whether an accelerator came from an override rather than from hardware.
     *
     * @param accelerator the accelerator
     * @return true for a forced variant or a driver or gfx override
     */
    public static boolean isOverride(Accelerator accelerator) {
        return forcedVariant(accelerator).isPresent() || accelerator.detectedBy().startsWith(DETECTED_BY_PREFIX);
    }

    /**
     * Returns the PyTorch variant a user forced, with {@code isoenv.torch.variant} or a requirement that names one.
     *
     * @param accelerator the accelerator
     * @return the forced variant, such as {@code cu126}, if one was forced
     */
    public static Optional<String> forcedVariant(Accelerator accelerator) {
        return accelerator.attribute(VARIANT_ATTRIBUTE);
    }

    /**
     * Returns what is wrong with the overrides that gave an accelerator.
     *
     * @param accelerator the accelerator
     * @return such as "system property isoenv.cuda.compute-capability is 'pascal', ...", if an override is invalid
     */
    public static Optional<String> invalidOverride(Accelerator accelerator) {
        return accelerator.attribute(INVALID_ATTRIBUTE);
    }

    private static Optional<Accelerator> variantOverride(Settings settings, List<String> problems,
                                                         List<String> sources) {
        Optional<Settings.Value> variant = settings.lookup(Setting.TORCH_VARIANT);
        if (variant.isEmpty()) {
            return Optional.empty();
        }
        sources.add(variant.get().source());
        Optional<TorchVariant> parsed = TorchVariant.tryParse(variant.get().value());
        if (parsed.isEmpty()) {
            problems.add(variant.get().source() + " is '" + variant.get().value() + "', which is not a PyTorch"
                    + " variant (use cpu, xpu, cuXY such as cu126, or rocmX.Y such as rocm6.4)");
            return Optional.empty();
        }
        return Optional.of(Accelerator.declared(parsed.get().acceleratorKind(), variant.get().source())
                .withAttribute(VARIANT_ATTRIBUTE, parsed.get().name()));
    }

    private static Optional<Accelerator> driverOverride(Settings settings, ProbeContext context,
                                                        List<String> problems, List<String> sources) {
        Optional<Settings.Value> driver = settings.lookup(Setting.CUDA_DRIVER);
        Optional<Settings.Value> capabilities = settings.lookup(Setting.CUDA_COMPUTE_CAPABILITY);
        Optional<Settings.Value> wslSetting = settings.lookup(Setting.CUDA_WSL);
        driver.ifPresent(v -> sources.add(v.source()));
        capabilities.ifPresent(v -> sources.add(v.source()));
        wslSetting.ifPresent(v -> sources.add(v.source()));
        Optional<Boolean> wsl = wslSetting.flatMap(v -> bool(v, problems));
        if (driver.isEmpty()) {
            for (Optional<Settings.Value> needsDriver : List.of(capabilities, wslSetting)) {
                needsDriver.ifPresent(v -> problems.add(v.source() + " is set but " + Setting.CUDA_DRIVER.property()
                        + " (" + Setting.CUDA_DRIVER.variable() + ") is not; it describes a driver override, so set"
                        + " the driver too, such as 550.54.14"));
            }
            return Optional.empty();
        }
        if (!NvidiaDriverFiles.isDriverVersion(driver.get().value())) {
            problems.add(driver.get().source() + " is '" + driver.get().value() + "', which is not an NVIDIA driver"
                    + " version such as 550.54.14");
        }
        List<Accelerator.Device> devices = new ArrayList<>();
        String detectedBy = DETECTED_BY_PREFIX + driver.get().source();
        if (capabilities.isPresent()) {
            for (String c : capabilities.get().value().split(",", -1)) {
                Optional<ComputeCapability> cc = ComputeCapability.tryParse(c);
                if (cc.isEmpty()) {
                    problems.add(capabilities.get().source() + " is '" + capabilities.get().value() + "', whose '"
                            + c.strip() + "' is not a compute capability: " + ComputeCapability.FORMS
                            + ", comma-separated for several GPUs (6.1,8.6)");
                    break;
                }
                devices.add(new Accelerator.Device("GPU " + devices.size() + " from " + capabilities.get().source(),
                        cc.get().toString(), -1));
            }
            detectedBy += " and " + capabilities.get().source();
        }
        boolean inWsl = wsl.orElseGet(() -> !context.os().isWindows() && NvidiaProbe.isWsl(context));
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        Accelerator a = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, driver.get().value().strip(), devices,
                detectedBy + (wslSetting.isPresent() ? " and " + wslSetting.get().source() : ""));
        return Optional.of(inWsl ? a.withNotes(List.of(NvidiaProbe.WSL_NOTE)) : a);
    }

    private static Optional<Boolean> bool(Settings.Value value, List<String> problems) {
        String v = value.value().toLowerCase(java.util.Locale.ROOT);
        if (v.matches("true|yes|on|1")) {
            return Optional.of(true);
        }
        if (v.matches("false|no|off|0")) {
            return Optional.of(false);
        }
        problems.add(value.source() + " is '" + value.value() + "', which is neither true nor false");
        return Optional.empty();
    }

    private static Optional<Accelerator> gfxOverride(Settings settings, List<String> problems, List<String> sources) {
        Optional<Settings.Value> gfx = settings.lookup(Setting.ROCM_GFX);
        if (gfx.isEmpty()) {
            return Optional.empty();
        }
        sources.add(gfx.get().source());
        List<Accelerator.Device> devices = new ArrayList<>();
        for (String target : gfx.get().value().split(",", -1)) {
            String t = target.strip();
            if (!t.matches("gfx[0-9a-f]{3,5}")) {
                problems.add(gfx.get().source() + " is '" + gfx.get().value() + "', which is not a list of gfx targets"
                        + " such as gfx1100 or gfx90a,gfx942");
                return Optional.empty();
            }
            devices.add(new Accelerator.Device("AMD GPU " + t + " from " + gfx.get().source(), t, -1));
        }
        return Optional.of(Accelerator.detected(Accelerator.Kind.AMD_ROCM, null, devices,
                DETECTED_BY_PREFIX + gfx.get().source()));
    }
}
