package dev.isoenv.cuda.probe;

import com.google.auto.service.AutoService;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.util.List;
import java.util.Locale;

/**
 * Detects Apple Silicon: macOS on arm64 has Metal Performance Shaders, which PyTorch's default macOS wheels
 * carry. It reads nothing and starts nothing, so it runs first among the hardware probes.
 */
@AutoService(AcceleratorProbe.class)
public final class AppleSiliconProbe implements AcceleratorProbe {
    /** Creates the probe; ServiceLoader needs this constructor. */
    public AppleSiliconProbe() {
    }

    @Override
    public String name() {
        return "apple";
    }

    @Override
    public int priority() {
        return 900;
    }

    @Override
    public ProbeResult probe(ProbeContext context) {
        if (context.os() != OperatingSystem.MACOS) {
            return ProbeResult.notDetected("not macOS");
        }
        String arch = context.architecture().toLowerCase(Locale.ROOT);
        if (!arch.equals("aarch64") && !arch.equals("arm64")) {
            return ProbeResult.notDetected("macOS on " + context.architecture() + ", not on Apple Silicon (arm64)");
        }
        return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.APPLE_MPS, null, List.of(),
                "macOS on arm64"));
    }
}
