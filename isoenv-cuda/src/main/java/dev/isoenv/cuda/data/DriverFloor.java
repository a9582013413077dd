package dev.isoenv.cuda.data;

import dev.isoenv.internal.version.Version;
import java.util.Objects;

/**
 * The minimum NVIDIA driver that runs one CUDA variant, on Linux and on Windows. Windows drivers are numbered
 * apart from Linux drivers (CUDA 12.x needs 525.60.13 on Linux but 528.33 on Windows), and a driver seen
 * inside WSL carries the Windows number.
 */
public final class DriverFloor {
    private final TorchVariant variant;
    private final Version linux;
    private final Version windows;
    private final String linuxText;
    private final String windowsText;

    /**
     * Creates a floor.
     *
     * @param variant a CUDA variant
     * @param linux the minimum Linux driver, as NVIDIA writes it, such as {@code 450.80.02}
     * @param windows the minimum Windows driver, as NVIDIA writes it
     * @throws IllegalArgumentException if a driver is not a version
     */
    public DriverFloor(TorchVariant variant, String linux, String windows) {
        this.variant = Objects.requireNonNull(variant, "variant");
        this.linux = Version.parse(linux);
        this.windows = Version.parse(windows);
        this.linuxText = linux.strip();
        this.windowsText = windows.strip();
    }

    /**
     * Returns the variant.
     *
     * @return the CUDA variant
     */
    public TorchVariant variant() {
        return variant;
    }

    /**
     * Returns the minimum Linux driver.
     *
     * @return the version, such as {@code 525.60.13}
     */
    public Version linux() {
        return linux;
    }

    /**
     * Returns the minimum Windows driver.
     *
     * @return the version, such as {@code 528.33}
     */
    public Version windows() {
        return windows;
    }

    /**
     * Returns the minimum driver in one numbering.
     *
     * @param windowsNumbering true for a Windows driver (on Windows or inside WSL)
     * @return the minimum driver
     */
    public Version minimum(boolean windowsNumbering) {
        return windowsNumbering ? windows : linux;
    }

    /**
     * Returns the minimum driver in one numbering as NVIDIA writes it, keeping leading zeros ({@code 450.80.02}).
     *
     * @param windowsNumbering true for a Windows driver
     * @return the minimum driver's text
     */
    public String minimumText(boolean windowsNumbering) {
        return windowsNumbering ? windowsText : linuxText;
    }

    @Override
    public String toString() {
        return variant + ": Linux " + linuxText + ", Windows " + windowsText;
    }
}
