package dev.isoenv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The compute accelerator of this machine, as the probes saw it: its kind, its driver version, its devices, how it
 * was detected, and attributes that overrides or probes attached for install planners. {@link #none(List)} stands
 * for "no accelerator detected" and carries each probe's reason.
 */
public final class Accelerator {
    /**
     * A family of accelerators, named by the vendor API that programs use to reach it. The constants are the
     * families isoenv's own probes detect; a probe for another family makes its own with {@link #of(String)}, and
     * install planners compare kinds with {@code equals}.
     */
    public static final class Kind {
        /** No accelerator: CPU only. */
        public static final Kind NONE = new Kind("none");
        /** An NVIDIA GPU with the CUDA driver. */
        public static final Kind NVIDIA_CUDA = new Kind("nvidia-cuda");
        /** An AMD GPU with ROCm. */
        public static final Kind AMD_ROCM = new Kind("amd-rocm");
        /** Apple Silicon with Metal. */
        public static final Kind APPLE_MPS = new Kind("apple-mps");
        /** An Intel GPU with oneAPI Level Zero (XPU). */
        public static final Kind INTEL_XPU = new Kind("intel-xpu");

        private static final List<Kind> KNOWN = List.of(NONE, NVIDIA_CUDA, AMD_ROCM, APPLE_MPS, INTEL_XPU);
        private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]*");

        private final String id;

        private Kind(String id) {
            this.id = id;
        }

        /**
         * Returns the kind with this identifier: one of the constants, or a new kind for another family.
         *
         * @param id lower-case letters, digits, dots and hyphens, such as {@code "nvidia-cuda"} or {@code "google-tpu"}
         * @return the kind
         * @throws IllegalArgumentException if the identifier has other characters
         */
        public static Kind of(String id) {
            for (Kind known : KNOWN) {
                if (known.id.equals(id)) {
                    return known;
                }
            }
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("An accelerator kind is lower-case letters, digits, dots and"
                        + " hyphens, such as nvidia-cuda; got '" + id + "'");
            }
            return new Kind(id);
        }

        /**
         * Returns the identifier.
         *
         * @return the identifier, such as {@code "nvidia-cuda"}
         */
        public String id() {
            return id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Kind && ((Kind) o).id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** One accelerator device. */
    public static final class Device {
        private final String name;
        private final String architecture;
        private final long memoryBytes;

        /**
         * Creates a device.
         *
         * @param name the device name, such as "NVIDIA H100 80GB HBM3"
         * @param architecture the compute capability such as "9.0", or the gfx target such as "gfx90a";
         *     empty when unknown
         * @param memoryBytes the device memory in bytes, or -1 when unknown
         */
        public Device(String name, String architecture, long memoryBytes) {
            this.name = Objects.requireNonNull(name, "name");
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            this.memoryBytes = memoryBytes;
        }

        /**
         * Returns the device name.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * Returns the compute capability (NVIDIA, such as {@code 8.6}) or gfx target (AMD, such as
         * {@code gfx1100}).
         *
         * @return the architecture, or empty when unknown
         */
        public String architecture() {
            return architecture;
        }

        /**
         * Returns the device memory.
         *
         * @return bytes, or -1 when unknown
         */
        public long memoryBytes() {
            return memoryBytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Device && ((Device) o).name.equals(name) && ((Device) o).architecture.equals(architecture)
                    && ((Device) o).memoryBytes == memoryBytes;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, architecture, memoryBytes);
        }

        @Override
        public String toString() {
            return name + (architecture.isEmpty() ? "" : " (" + architecture + ")")
                    + (memoryBytes < 0 ? "" : ", " + (memoryBytes / (1024 * 1024)) + " MiB");
        }
    }

    private final Kind kind;
    private final String driverVersion;
    private final List<Device> devices;
    private final String detectedBy;
    private final Map<String, String> attributes;
    private final List<String> notes;
    private final String degradation;

    private Accelerator(Kind kind, String driverVersion, List<Device> devices, String detectedBy,
                        Map<String, String> attributes, List<String> notes) {
        this(kind, driverVersion, devices, detectedBy, attributes, notes, null);
    }

    private Accelerator(Kind kind, String driverVersion, List<Device> devices, String detectedBy,
                        Map<String, String> attributes, List<String> notes, String degradation) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.driverVersion = driverVersion;
        this.devices = List.copyOf(devices);
        this.detectedBy = Objects.requireNonNull(detectedBy, "detectedBy");
        this.attributes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(attributes));
        this.notes = List.copyOf(notes);
        this.degradation = degradation;
    }

    /**
     * An accelerator that was detected.
     *
     * @param kind its kind
     * @param driverVersion the driver version, or null when unknown
     * @param devices its devices, possibly empty when only the driver was seen
     * @param detectedBy how it was detected, such as "nvidia-smi" or "/sys/module/nvidia/version"
     * @return the accelerator
     */
    public static Accelerator detected(Kind kind, String driverVersion, List<Device> devices, String detectedBy) {
        return new Accelerator(kind, driverVersion, devices, detectedBy, Map.of(), List.of());
    }

    /**
     * An accelerator that a user declared, through an override, rather than one a probe saw.
     *
     * @param kind its kind
     * @param declaredBy which override declared it, such as "system property isoenv.torch.variant"
     * @return the accelerator, with no driver version and no devices
     */
    public static Accelerator declared(Kind kind, String declaredBy) {
        return new Accelerator(kind, null, List.of(), declaredBy, Map.of(), List.of());
    }

    /**
     * No accelerator was detected.
     *
     * @param reasons each probe's reason, such as "nvidia: /proc/driver/nvidia/version not found"
     * @return the "none" accelerator
     */
    public static Accelerator none(List<String> reasons) {
        return new Accelerator(Kind.NONE, null, List.of(), "no probe detected an accelerator", Map.of(), reasons);
    }

    /**
     * Returns a copy with notes added, such as the reasons other probes gave.
     *
     * @param more notes to add
     * @return the new value
     */
    public Accelerator withNotes(List<String> more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(more);
        return new Accelerator(kind, driverVersion, devices, detectedBy, attributes, all, degradation);
    }

    /**
     * Returns a copy marked as incomplete: a probe could not finish (a command timed out or failed), so this result
     * may differ from what the hardware is. Decisions that would change a working environment should not be taken
     * on such a result alone.
     *
     * @param reason what could not be read, such as "nvidia-smi did not answer within 10000 ms"
     * @return the new value
     */
    public Accelerator withDegradation(String reason) {
        String all = degradation == null ? reason : degradation + "; " + reason;
        return new Accelerator(kind, driverVersion, devices, detectedBy, attributes, notes, all);
    }

    /**
     * Tells why detection was incomplete, if it was.
     *
     * @return the reason, or empty when every probe finished
     */
    public Optional<String> degradation() {
        return Optional.ofNullable(degradation);
    }

    /**
     * Returns the kind.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the driver version, such as {@code 580.159.04}.
     *
     * @return the driver version, if known
     */
    public Optional<String> driverVersion() {
        return Optional.ofNullable(driverVersion);
    }

    /**
     * Returns the devices.
     *
     * @return the devices, possibly empty
     */
    public List<Device> devices() {
        return devices;
    }

    /**
     * Returns how the accelerator was detected.
     *
     * @return the detection method
     */
    public String detectedBy() {
        return detectedBy;
    }

    /**
     * Returns the attributes that probes or overrides attached, for the install planners that know them, such as
     * {@code torch.variant=cu126} from isoenv-cuda's override.
     *
     * @return the attributes, sorted by key
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Returns one attribute.
     *
     * @param key the key, such as {@code torch.variant}
     * @return its value, if set
     */
    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    /**
     * Returns a copy with an attribute set.
     *
     * @param key the key; by convention a planner's prefix and a name, such as {@code torch.variant}
     * @param value the value
     * @return the new value
     */
    public Accelerator withAttribute(String key, String value) {
        Map<String, String> all = new java.util.TreeMap<>(attributes);
        all.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Accelerator(kind, driverVersion, devices, detectedBy, all, notes, degradation);
    }

    /**
     * Returns notes from detection, such as why each probe found nothing.
     *
     * @return the notes
     */
    public List<String> notes() {
        return notes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Accelerator)) {
            return false;
        }
        Accelerator a = (Accelerator) o;
        return kind.equals(a.kind) && Objects.equals(driverVersion, a.driverVersion) && devices.equals(a.devices)
                && detectedBy.equals(a.detectedBy) && attributes.equals(a.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, driverVersion, devices, detectedBy, attributes);
    }

    @Override
    public String toString() {
        return describe() + (degradation == null ? "" : " (incomplete: " + degradation + ")");
    }

    private String describe() {
        if (kind.equals(Kind.NONE)) {
            return "Accelerator[none" + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)) + "]";
        }
        return "Accelerator[" + kind + (driverVersion == null ? "" : ", driver " + driverVersion) + ", devices="
                + devices + ", detected by " + detectedBy + (attributes.isEmpty() ? "" : ", " + attributes) + "]";
    }
}
