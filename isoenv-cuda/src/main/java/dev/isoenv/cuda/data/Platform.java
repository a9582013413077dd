package dev.isoenv.cuda.data;

import dev.isoenv.spi.OperatingSystem;
import java.util.Locale;
import java.util.Optional;

/**
 * An operating system and CPU architecture that PyTorch publishes wheels for, as the data names it:
 * {@code linux-x86_64}, {@code linux-aarch64}, {@code windows-x86_64}, {@code windows-arm64},
 * {@code macos-arm64} and {@code macos-x86_64}.
 */
public enum Platform {
    /** Linux on x86-64 (manylinux x86_64 wheels). */
    LINUX_X86_64("linux-x86_64", "Linux x86-64"),
    /** Linux on 64-bit Arm (manylinux aarch64 wheels): Graviton, Grace (GH200, GB200), Jetson, DGX Spark. */
    LINUX_AARCH64("linux-aarch64", "Linux aarch64"),
    /** Windows on x86-64 (win_amd64 wheels). */
    WINDOWS_X86_64("windows-x86_64", "Windows x86-64"),
    /** Windows on Arm (win_arm64 wheels). */
    WINDOWS_ARM64("windows-arm64", "Windows arm64"),
    /** macOS on Apple Silicon (macosx arm64 wheels). */
    MACOS_ARM64("macos-arm64", "macOS arm64"),
    /** macOS on Intel (macosx x86_64 wheels). */
    MACOS_X86_64("macos-x86_64", "macOS x86-64");

    private final String id;
    private final String displayName;

    Platform(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /**
     * Returns the platform of an operating system and a CPU architecture.
     *
     * @param os the operating system
     * @param architecture as {@code os.arch} names it: {@code amd64} or {@code x86_64}, {@code aarch64} or
     *     {@code arm64}
     * @return the platform, or empty when the data describes no such platform (such as Linux on s390x)
     */
    public static Optional<Platform> of(OperatingSystem os, String architecture) {
        String a = architecture.strip().toLowerCase(Locale.ROOT);
        boolean x86 = a.equals("amd64") || a.equals("x86_64") || a.equals("x64") || a.equals("x86-64");
        boolean arm = a.equals("aarch64") || a.equals("arm64");
        if (!x86 && !arm) {
            return Optional.empty();
        }
        switch (os) {
            case LINUX:
                return Optional.of(x86 ? LINUX_X86_64 : LINUX_AARCH64);
            case WINDOWS:
                return Optional.of(x86 ? WINDOWS_X86_64 : WINDOWS_ARM64);
            case MACOS:
                return Optional.of(x86 ? MACOS_X86_64 : MACOS_ARM64);
            default:
                return Optional.empty();
        }
    }

    /**
     * Returns the platform a data file names.
     *
     * @param id such as {@code linux-aarch64}
     * @return the platform, or empty for another name
     */
    public static Optional<Platform> byId(String id) {
        for (Platform p : values()) {
            if (p.id.equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the name the data uses.
     *
     * @return such as {@code linux-aarch64}
     */
    public String id() {
        return id;
    }

    /** Returns the name for explanations, such as {@code Linux aarch64}. */
    @Override
    public String toString() {
        return displayName;
    }
}
