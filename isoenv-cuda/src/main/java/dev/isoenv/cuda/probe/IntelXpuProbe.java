package dev.isoenv.cuda.probe;

import com.google.auto.service.AutoService;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Detects Intel GPUs for PyTorch's xpu builds on Linux, from {@code /sys/bus/pci/devices/*}: a device counts
 * when its {@code vendor} is {@code 0x8086}, its {@code class} is a display controller ({@code 0x03xxxx}) and
 * its {@code device} ID is in the list of discrete and data-center GPUs ({@link IntelXpuDevices}). An
 * integrated Intel display adapter is reported, not detected. On Windows the probe finds nothing; force the
 * variant with {@code isoenv.torch.variant=xpu} there. The probe never throws.
 */
@AutoService(AcceleratorProbe.class)
public final class IntelXpuProbe implements AcceleratorProbe {
    static final String PCI_DEVICES = "/sys/bus/pci/devices";

    /** Creates the probe; ServiceLoader needs this constructor. */
    public IntelXpuProbe() {
    }

    @Override
    public String name() {
        return "intel-xpu";
    }

    @Override
    public int priority() {
        return 600;
    }

    @Override
    public ProbeResult probe(ProbeContext context) {
        if (context.os() == OperatingSystem.WINDOWS) {
            return ProbeResult.notDetected("Intel XPU detection on Windows is not implemented; set"
                    + " isoenv.torch.variant=xpu to use the xpu builds");
        }
        if (context.os() != OperatingSystem.LINUX) {
            return ProbeResult.notDetected("Intel XPU builds of PyTorch are detected on Linux only");
        }
        try {
            return probeLinux(context);
        } catch (RuntimeException e) {
            return ProbeResult.notDetected("the Intel XPU probe failed: " + e);
        }
    }

    private static ProbeResult probeLinux(ProbeContext context) {
        List<Path> devices = ProbeFiles.children(context.file(PCI_DEVICES));
        if (devices.isEmpty()) {
            return ProbeResult.notDetected(PCI_DEVICES + " not found");
        }
        List<Accelerator.Device> found = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Path device : devices) {
            String vendor = field(device, "vendor");
            String pciClass = field(device, "class");
            if (!vendor.equals("0x8086") || !pciClass.startsWith("0x03")) {
                continue;
            }
            String id = field(device, "device");
            String address = device.getFileName().toString();
            IntelXpuDevices.name(id).ifPresentOrElse(
                    name -> found.add(new Accelerator.Device(name + " (" + id + ")", "", -1)),
                    () -> ignored.add(id + " at " + address));
        }
        if (!found.isEmpty()) {
            return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.INTEL_XPU, null, found,
                    "PCI devices in " + PCI_DEVICES));
        }
        return ProbeResult.notDetected(ignored.isEmpty() ? "no Intel display controller in " + PCI_DEVICES
                : "Intel display controller(s) " + String.join(", ", ignored)
                + " not in the list of discrete or data-center GPUs (integrated graphics are not used)");
    }

    private static String field(Path device, String name) {
        ProbeFiles.FileText text = ProbeFiles.read(device.resolve(name), device.resolve(name).toString());
        return text.present() ? text.text().strip().toLowerCase(Locale.ROOT) : "";
    }
}
