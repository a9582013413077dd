package dev.isoenv.cuda.probe;

import dev.isoenv.cuda.data.ComputeCapability;
import dev.isoenv.Accelerator;
import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed output of {@code nvidia-smi --query-gpu=driver_version,compute_cap,name,memory.total
 * --format=csv,noheader}: one line per GPU, such as {@code 580.159.04, 9.0, NVIDIA H100 80GB HBM3, 81559 MiB}.
 * Every line is read; the driver is the lowest any line reports. Drivers too old for {@code compute_cap} are
 * queried without it, and their devices have no capability.
 */
final class NvidiaSmiOutput {
    private static final Pattern MEMORY = Pattern.compile("(\\d+)\\s*(MiB|GiB|KiB|B)", Pattern.CASE_INSENSITIVE);

    private final String driver;
    private final List<Accelerator.Device> devices;

    private NvidiaSmiOutput(String driver, List<Accelerator.Device> devices) {
        this.driver = driver;
        this.devices = List.copyOf(devices);
    }

    /** The output is not what the query prints. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * Parses the output.
     *
     * @param stdout what nvidia-smi printed
     * @param withComputeCapability true if the query asked for {@code compute_cap} as the second field
     * @return the parsed output
     * @throws MalformedException if there is no line, or a line is not of the expected form
     */
    static NvidiaSmiOutput parse(String stdout, boolean withComputeCapability) throws MalformedException {
        int fieldsNeeded = withComputeCapability ? 4 : 3;
        String driver = null;
        List<Accelerator.Device> devices = new ArrayList<>();
        int lineNumber = 0;
        for (String raw : stdout.split("\r?\n")) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = Arrays.stream(line.split(",")).map(String::strip).toArray(String[]::new);
            if (f.length < fieldsNeeded) {
                throw new MalformedException("line " + lineNumber + " '" + shorten(line) + "' has " + f.length
                        + " comma-separated fields, not " + fieldsNeeded);
            }
            if (!NvidiaDriverFiles.isDriverVersion(f[0])) {
                throw new MalformedException("line " + lineNumber + " '" + shorten(line)
                        + "' does not start with a driver version");
            }
            String capability = "";
            if (withComputeCapability) {
                capability = capability(f[1], lineNumber, line);
            }
            int nameStart = withComputeCapability ? 2 : 1;
            String name = String.join(", ", Arrays.asList(f).subList(nameStart, f.length - 1)).strip();
            if (name.isEmpty()) {
                throw new MalformedException("line " + lineNumber + " '" + shorten(line) + "' has no GPU name");
            }
            devices.add(new Accelerator.Device(name, capability, memory(f[f.length - 1])));
            if (driver == null || Version.parse(f[0]).compareTo(Version.parse(driver)) < 0) {
                driver = f[0];
            }
        }
        if (devices.isEmpty()) {
            throw new MalformedException("it printed no GPU line");
        }
        return new NvidiaSmiOutput(driver, devices);
    }

    private static String capability(String field, int lineNumber, String line) throws MalformedException {
        if (isNotAvailable(field)) {
            return "";
        }
        return ComputeCapability.tryParse(field).map(ComputeCapability::toString)
                .orElseThrow(() -> new MalformedException("line " + lineNumber + " '" + shorten(line)
                        + "' has '" + field + "' where the compute capability belongs"));
    }

    private static long memory(String field) {
        Matcher m = MEMORY.matcher(field);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "gib":
                return n * 1024 * 1024 * 1024;
            case "mib":
                return n * 1024 * 1024;
            case "kib":
                return n * 1024;
            default:
                return n;
        }
    }

    private static boolean isNotAvailable(String field) {
        String f = field.toLowerCase(Locale.ROOT);
        return f.isEmpty() || f.equals("[n/a]") || f.equals("n/a") || f.equals("[not supported]");
    }

    private static String shorten(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    /**
     * Returns the lowest driver version on any line.
     *
     * @return the driver version
     */
    String driver() {
        return driver;
    }

    /**
     * Returns the GPUs, in nvidia-smi's order.
     *
     * @return the devices
     */
    List<Accelerator.Device> devices() {
        return devices;
    }
}
