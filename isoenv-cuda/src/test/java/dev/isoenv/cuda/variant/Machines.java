package dev.isoenv.cuda.variant;

import dev.isoenv.cuda.probe.NvidiaProbe;
import dev.isoenv.Accelerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accelerators for resolver tests, written as short specs: {@code none}, {@code mps}, {@code xpu},
 * {@code forced:cu126}, {@code nvidia:DRIVER:CAP+CAP} (devices by compute capability; empty for none),
 * {@code wsl:DRIVER:CAP} (NVIDIA inside WSL) and {@code amd:GFX+GFX}.
 */
final class Machines {
    private static final Map<String, String> NAMES = Map.of(
            "6.1", "NVIDIA GeForce GTX 1080 Ti", "7.0", "Tesla V100-SXM2-16GB", "7.5", "NVIDIA GeForce RTX 2080",
            "8.6", "NVIDIA GeForce RTX 3090", "8.9", "NVIDIA GeForce RTX 4090", "9.0", "NVIDIA H100 80GB HBM3",
            "10.0", "NVIDIA B200", "12.0", "NVIDIA GeForce RTX 5090", "3.7", "Tesla K80");

    private Machines() {
    }

    static Accelerator parse(String spec) {
        String[] f = spec.split(":", -1);
        switch (f[0]) {
            case "none":
                return Accelerator.none(List.of("nvidia: nothing found"));
            case "mps":
                return Accelerator.detected(Accelerator.Kind.APPLE_MPS, null, List.of(), "macOS on arm64");
            case "xpu":
                return Accelerator.detected(Accelerator.Kind.INTEL_XPU, null,
                        List.of(new Accelerator.Device("Intel Arc A770 (0x56a0)", "", -1)), "test");
            case "forced":
                return Accelerator.declared(dev.isoenv.cuda.data.TorchVariant.parse(f[1]).acceleratorKind(),
                        "system property isoenv.torch.variant")
                        .withAttribute(dev.isoenv.cuda.probe.OverrideProbe.VARIANT_ATTRIBUTE, f[1]);
            case "amd":
                List<Accelerator.Device> gpus = new ArrayList<>();
                for (String gfx : f[1].split("\\+")) {
                    gpus.add(new Accelerator.Device("AMD GPU " + gfx, gfx, -1));
                }
                return Accelerator.detected(Accelerator.Kind.AMD_ROCM, null, gpus, "test");
            case "nvidia":
            case "wsl":
                List<Accelerator.Device> devices = new ArrayList<>();
                if (f.length > 2 && !f[2].isEmpty()) {
                    for (String cc : f[2].split("\\+")) {
                        devices.add(new Accelerator.Device(NAMES.getOrDefault(cc, "GPU " + cc), cc, -1));
                    }
                }
                Accelerator a = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, f[1], devices, "test");
                return f[0].equals("wsl") ? a.withNotes(List.of(NvidiaProbe.WSL_NOTE)) : a;
            default:
                throw new IllegalArgumentException(spec);
        }
    }
}
