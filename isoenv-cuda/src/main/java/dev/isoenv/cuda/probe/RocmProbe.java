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
import java.util.Optional;

/**
 * Detects AMD GPUs for ROCm on Linux: first from the KFD topology in sysfs, which needs no ROCm userland, then
 * from {@code rocm_agent_enumerator} (on {@code PATH}, in {@code $ROCM_PATH/bin} or in {@code /opt/rocm/bin}).
 * Each device reports its gfx target, such as {@code gfx1100}. The driver version comes from
 * {@code /sys/module/amdgpu/version} when the module has one. The probe never throws.
 */
@AutoService(AcceleratorProbe.class)
public final class RocmProbe implements AcceleratorProbe {
    static final String DRIVER_VERSION = "/sys/module/amdgpu/version";

    /** Creates the probe; ServiceLoader needs this constructor. */
    public RocmProbe() {
    }

    @Override
    public String name() {
        return "rocm";
    }

    @Override
    public int priority() {
        return 700;
    }

    @Override
    public ProbeResult probe(ProbeContext context) {
        if (context.os() != OperatingSystem.LINUX) {
            return ProbeResult.notDetected("ROCm builds of PyTorch exist for Linux only");
        }
        String driver = driverVersion(context);
        KfdTopology.Result kfd = KfdTopology.read(context);
        if (!kfd.devices().isEmpty()) {
            return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.AMD_ROCM, driver, kfd.devices(),
                    "KFD topology " + KfdTopology.NODES));
        }
        List<String> problems = new ArrayList<>();
        problems.add(kfd.problem());
        List<Path> wellKnown = new ArrayList<>();
        ExecutableFinder.underVariable(context, "ROCM_PATH", "bin", "rocm_agent_enumerator").ifPresent(wellKnown::add);
        wellKnown.add(context.file("/opt/rocm/bin/rocm_agent_enumerator"));
        Optional<Path> enumerator = ExecutableFinder.find(context, "rocm_agent_enumerator", wellKnown);
        if (enumerator.isEmpty()) {
            problems.add("rocm_agent_enumerator not found on PATH, in $ROCM_PATH/bin or in /opt/rocm/bin");
            return ProbeResult.notDetected(String.join("; ", problems));
        }
        ProbeCommand.Outcome outcome = ProbeCommand.run(context, enumerator.get(), List.of());
        if (!outcome.succeeded()) {
            problems.add(outcome.problem());
            return ProbeResult.notDetected(String.join("; ", problems));
        }
        List<String> targets;
        try {
            targets = RocmAgentEnumeratorOutput.parse(outcome.stdout());
        } catch (IllegalArgumentException e) {
            problems.add("rocm_agent_enumerator output is malformed: " + e.getMessage());
            return ProbeResult.notDetected(String.join("; ", problems));
        }
        if (targets.isEmpty()) {
            problems.add("rocm_agent_enumerator listed no GPU");
            return ProbeResult.notDetected(String.join("; ", problems));
        }
        List<Accelerator.Device> devices = new ArrayList<>();
        for (String gfx : targets) {
            devices.add(new Accelerator.Device("AMD GPU " + gfx, gfx, -1));
        }
        return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.AMD_ROCM, driver, devices,
                "rocm_agent_enumerator (" + enumerator.get() + ")"));
    }

    private static String driverVersion(ProbeContext context) {
        ProbeFiles.FileText text = ProbeFiles.read(context, DRIVER_VERSION);
        if (!text.present()) {
            return null;
        }
        String v = text.text().strip();
        return v.matches("\\d+(\\.\\d+)+(-\\S+)?") ? v : null;
    }
}
