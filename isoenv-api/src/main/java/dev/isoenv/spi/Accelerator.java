package dev.isoenv.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The compute accelerator of this machine, as the probes saw it: its kind, its driver version, its devices,
 * how it was detected, and any variant a user forced. {@link #none(List)} stands for "no accelerator
 * detected" and carries each probe's reason.
 */
public final class Accelerator {
    /** The kinds of accelerator PyTorch publishes builds for. */
    public enum Kind {
        /** No accelerator: CPU builds. */
        NONE,
        /** An NVIDIA GPU with the CUDA driver. */
        NVIDIA_CUDA,
        /** An AMD GPU with ROCm. */
        AMD_ROCM,
        /** Apple Silicon with Metal Performance Shaders. */
        APPLE_MPS,
        /** An Intel GPU with XPU support. */
        INTEL_XPU
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
    private final String forcedVariant;
    private final List<String> notes;
    private final String degradation;

    private Accelerator(Kind kind, String driverVersion, List<Device> devices, String detectedBy,
                        String forcedVariant, List<String> notes) {
        this(kind, driverVersion, devices, detectedBy, forcedVariant, notes, null);
    }

    private Accelerator(Kind kind, String driverVersion, List<Device> devices, String detectedBy,
                        String forcedVariant, List<String> notes, String degradation) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.driverVersion = driverVersion;
        this.devices = List.copyOf(devices);
        this.detectedBy = Objects.requireNonNull(detectedBy, "detectedBy");
        this.forcedVariant = forcedVariant;
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
        return new Accelerator(kind, driverVersion, devices, detectedBy, null, List.of());
    }

    /**
     * A user-forced variant, such as {@code cu126} or {@code cpu}, from an override.
     *
     * @param kind the kind the variant implies
     * @param variant the variant
     * @param detectedBy which override set it, such as "system property isoenv.torch.variant"
     * @return the accelerator
     */
    public static Accelerator forcedVariant(Kind kind, String variant, String detectedBy) {
        return new Accelerator(kind, null, List.of(), detectedBy, Objects.requireNonNull(variant, "variant"), List.of());
    }

    /**
     * No accelerator was detected.
     *
     * @param reasons each probe's reason, such as "nvidia: /proc/driver/nvidia/version not found"
     * @return the "none" accelerator
     */
    public static Accelerator none(List<String> reasons) {
        return new Accelerator(Kind.NONE, null, List.of(), "no probe detected an accelerator", null, reasons);
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
        return new Accelerator(kind, driverVersion, devices, detectedBy, forcedVariant, all, degradation);
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
        return new Accelerator(kind, driverVersion, devices, detectedBy, forcedVariant, notes, all);
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
     * Returns the variant a user forced, such as {@code cu126}.
     *
     * @return the forced variant, if any
     */
    public Optional<String> forcedVariant() {
        return Optional.ofNullable(forcedVariant);
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
        return kind == a.kind && Objects.equals(driverVersion, a.driverVersion) && devices.equals(a.devices)
                && detectedBy.equals(a.detectedBy) && Objects.equals(forcedVariant, a.forcedVariant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, driverVersion, devices, detectedBy, forcedVariant);
    }

    @Override
    public String toString() {
        return describe() + (degradation == null ? "" : " (incomplete: " + degradation + ")");
    }

    private String describe() {
        if (forcedVariant != null) {
            return "Accelerator[forced variant " + forcedVariant + " by " + detectedBy + "]";
        }
        if (kind == Kind.NONE) {
            return "Accelerator[none" + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)) + "]";
        }
        return "Accelerator[" + kind + (driverVersion == null ? "" : ", driver " + driverVersion) + ", devices="
                + devices + ", detected by " + detectedBy + "]";
    }
}
