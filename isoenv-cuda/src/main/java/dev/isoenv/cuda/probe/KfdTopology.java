package dev.isoenv.cuda.probe;

import dev.isoenv.Accelerator;
import dev.isoenv.spi.ProbeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads AMD GPUs from the KFD topology in sysfs, which the amdgpu kernel driver provides without any ROCm
 * userland: {@code /sys/class/kfd/kfd/topology/nodes/N/properties} holds {@code key value} lines, among them
 * {@code vendor_id} (4098 = 0x1002 for AMD), {@code device_id} and {@code gfx_target_version} (0 on CPU
 * nodes). The memory is the sum of the {@code size_in_bytes} of the node's {@code mem_banks} with a frame
 * buffer heap type (1 or 2).
 */
final class KfdTopology {
    /** The directory of the topology's nodes. */
    static final String NODES = "/sys/class/kfd/kfd/topology/nodes";

    private static final long AMD_VENDOR_ID = 0x1002;

    private KfdTopology() {
    }

    /**
     * The GPUs found, or why there are none.
     *
     * @param devices the GPUs, possibly empty
     * @param problem why there are none, or null
     */
    record Result(List<Accelerator.Device> devices, String problem) {
    }

    static Result read(ProbeContext context) {
        List<Path> nodes = ProbeFiles.children(context.file(NODES));
        if (nodes.isEmpty()) {
            return new Result(List.of(), NODES + " not found (no amdgpu kernel driver)");
        }
        List<Accelerator.Device> devices = new ArrayList<>();
        int cpuNodes = 0;
        for (Path node : nodes) {
            ProbeFiles.FileText properties = ProbeFiles.read(node.resolve("properties"),
                    NODES + "/" + node.getFileName() + "/properties");
            if (!properties.present()) {
                continue;
            }
            Map<String, Long> p = parseProperties(properties.text());
            Optional<String> gfx = GfxTarget.fromKfdVersion(p.getOrDefault("gfx_target_version", 0L));
            if (gfx.isEmpty()) {
                cpuNodes++;
                continue;
            }
            if (p.getOrDefault("vendor_id", -1L) != AMD_VENDOR_ID) {
                continue;
            }
            String name = "AMD GPU " + gfx.get() + (p.containsKey("device_id")
                    ? String.format(" (device 0x%04x)", p.get("device_id")) : "");
            devices.add(new Accelerator.Device(name, gfx.get(), memory(node)));
        }
        if (devices.isEmpty()) {
            return new Result(List.of(), NODES + " lists " + nodes.size() + " node(s), " + cpuNodes
                    + " of them CPUs, and no AMD GPU");
        }
        return new Result(devices, null);
    }

    /**
     * Parses {@code key value} lines; lines whose value is not a whole number are skipped.
     *
     * @param text the properties file
     * @return the numbers by key
     */
    static Map<String, Long> parseProperties(String text) {
        Map<String, Long> out = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && kv[1].matches("-?\\d{1,19}")) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    // Out of range: not a property this probe uses.
                }
            }
        }
        return out;
    }

    private static long memory(Path node) {
        long total = 0;
        for (Path bank : ProbeFiles.children(node.resolve("mem_banks"))) {
            ProbeFiles.FileText text = ProbeFiles.read(bank.resolve("properties"), bank.toString());
            if (text.present()) {
                Map<String, Long> p = parseProperties(text.text());
                long heap = p.getOrDefault("heap_type", -1L);
                if (heap == 1 || heap == 2) {
                    total += p.getOrDefault("size_in_bytes", 0L);
                }
            }
        }
        return total > 0 ? total : -1;
    }
}
