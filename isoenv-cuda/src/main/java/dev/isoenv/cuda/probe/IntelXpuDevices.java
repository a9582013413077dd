package dev.isoenv.cuda.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The PCI device IDs of Intel GPUs that count as XPUs (discrete Arc, Data Center GPU Flex and Max), kept as data
 * in the resource {@value #RESOURCE}. Integrated graphics are not listed, so they are never detected.
 */
final class IntelXpuDevices {
    /** The resource with the known devices. */
    static final String RESOURCE = "/dev/isoenv/cuda/probe/intel-xpu-devices.tsv";

    /** The format of the resource. */
    static final String FORMAT = "isoenv-intel-xpu-devices/1";

    private static volatile Map<String, String> known;

    private IntelXpuDevices() {
    }

    /**
     * Looks a device up.
     *
     * @param deviceId the PCI device ID, such as {@code 0x56a0}; case is ignored
     * @return the device's name, or empty when it is not a known XPU
     */
    static Optional<String> name(String deviceId) {
        return Optional.ofNullable(known().get(deviceId.strip().toLowerCase(Locale.ROOT)));
    }

    private static Map<String, String> known() {
        Map<String, String> k = known;
        if (k == null) {
            k = load();
            known = k;
        }
        return k;
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\r?\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\t+");
            if (f.length == 2 && f[0].equals("format")) {
                if (!f[1].equals(FORMAT)) {
                    throw new IllegalStateException(RESOURCE + ", line " + n + ": format " + f[1] + " is not "
                            + FORMAT);
                }
                continue;
            }
            if (f.length == 2 && f[0].equals("data-version")) {
                continue;
            }
            if (f.length != 2 || !f[0].matches("0x[0-9a-fA-F]{4}")) {
                throw new IllegalStateException(RESOURCE + ", line " + n + ": expected 0xNNNN<TAB>name");
            }
            out.put(f[0].toLowerCase(Locale.ROOT), f[1].strip());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> load() {
        try (InputStream in = IntelXpuDevices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The resource " + RESOURCE + " is missing from the isoenv-cuda jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
