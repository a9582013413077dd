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
 *       or {@code 6.1,8.6} for two GPUs) it has devices of those capabilities.</li>
 *   <li>{@code isoenv.rocm.gfx} / {@code ISOENV_ROCM_GFX} stands for AMD GPUs with those gfx targets.</li>
 * </ul>
 *
 * <p>System properties win over environment variables. An invalid value is reported as the reason for "not
 * detected" (or as a note when another override applies); it never fails detection.
 */
@AutoService(AcceleratorProbe.class)
public final class OverrideProbe implements AcceleratorProbe {
    /** The accelerator attribute that carries a forced PyTorch variant, such as {@code cu126}. */
    public static final String VARIANT_ATTRIBUTE = "torch.variant";

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
        Settings settings = Settings.of(context);
        List<String> problems = new ArrayList<>();
        Optional<Settings.Value> variant = settings.lookup(Setting.TORCH_VARIANT);
        if (variant.isPresent()) {
            Optional<TorchVariant> parsed = TorchVariant.tryParse(variant.get().value());
            if (parsed.isPresent()) {
                return ProbeResult.detected(Accelerator.declared(parsed.get().acceleratorKind(), variant.get().source())
                        .withAttribute(VARIANT_ATTRIBUTE, parsed.get().name()));
            }
            problems.add(variant.get().source() + " is '" + variant.get().value() + "', which is not a PyTorch"
                    + " variant (use cpu, xpu, cuXY such as cu126, or rocmX.Y such as rocm6.4); ignored");
        }
        Optional<Accelerator> driver = driverOverride(settings, problems);
        if (driver.isPresent()) {
            return ProbeResult.detected(driver.get().withNotes(problems));
        }
        Optional<Accelerator> gfx = gfxOverride(settings, problems);
        if (gfx.isPresent()) {
            return ProbeResult.detected(gfx.get().withNotes(problems));
        }
        if (problems.isEmpty()) {
            return ProbeResult.notDetected("no override set (" + Setting.TORCH_VARIANT.property() + ", "
                    + Setting.CUDA_DRIVER.property() + ", " + Setting.ROCM_GFX.property() + ")");
        }
        return ProbeResult.notDetected(String.join("; ", problems));
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

    private static Optional<Accelerator> driverOverride(Settings settings, List<String> problems) {
        Optional<Settings.Value> driver = settings.lookup(Setting.CUDA_DRIVER);
        Optional<Settings.Value> capabilities = settings.lookup(Setting.CUDA_COMPUTE_CAPABILITY);
        if (driver.isEmpty()) {
            capabilities.ifPresent(c -> problems.add(c.source() + " is set but " + Setting.CUDA_DRIVER.property()
                    + " is not; a compute capability override needs a driver override; ignored"));
            return Optional.empty();
        }
        if (!NvidiaDriverFiles.isDriverVersion(driver.get().value())) {
            problems.add(driver.get().source() + " is '" + driver.get().value() + "', which is not an NVIDIA driver"
                    + " version such as 550.54.14; ignored");
            return Optional.empty();
        }
        List<Accelerator.Device> devices = new ArrayList<>();
        String detectedBy = DETECTED_BY_PREFIX + driver.get().source();
        if (capabilities.isPresent()) {
            for (String c : capabilities.get().value().split(",")) {
                Optional<ComputeCapability> cc = ComputeCapability.tryParse(c);
                if (cc.isEmpty()) {
                    problems.add(capabilities.get().source() + " is '" + capabilities.get().value() + "', which is not"
                            + " a list of compute capabilities such as 8.6 or 6.1,8.6; ignored");
                    devices.clear();
                    break;
                }
                devices.add(new Accelerator.Device("GPU " + devices.size() + " from " + capabilities.get().source(),
                        cc.get().toString(), -1));
            }
            if (!devices.isEmpty()) {
                detectedBy += " and " + capabilities.get().source();
            }
        }
        return Optional.of(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, driver.get().value().strip(), devices,
                detectedBy));
    }

    private static Optional<Accelerator> gfxOverride(Settings settings, List<String> problems) {
        Optional<Settings.Value> gfx = settings.lookup(Setting.ROCM_GFX);
        if (gfx.isEmpty()) {
            return Optional.empty();
        }
        List<Accelerator.Device> devices = new ArrayList<>();
        for (String target : gfx.get().value().split(",")) {
            String t = target.strip();
            if (!t.matches("gfx[0-9a-f]{3,5}")) {
                problems.add(gfx.get().source() + " is '" + gfx.get().value() + "', which is not a list of gfx targets"
                        + " such as gfx1100 or gfx90a,gfx942; ignored");
                return Optional.empty();
            }
            devices.add(new Accelerator.Device("AMD GPU " + t + " from " + gfx.get().source(), t, -1));
        }
        return Optional.of(Accelerator.detected(Accelerator.Kind.AMD_ROCM, null, devices,
                DETECTED_BY_PREFIX + gfx.get().source()));
    }
}
