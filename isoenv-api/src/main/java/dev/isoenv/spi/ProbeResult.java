package dev.isoenv.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link AcceleratorProbe} found: an accelerator, or the reason it found none.
 */
public final class ProbeResult {
    private final Accelerator accelerator;
    private final String reason;

    private ProbeResult(Accelerator accelerator, String reason) {
        this.accelerator = accelerator;
        this.reason = reason;
    }

    /**
     * The probe found an accelerator.
     *
     * @param accelerator what it found
     * @return the result
     */
    public static ProbeResult detected(Accelerator accelerator) {
        return new ProbeResult(Objects.requireNonNull(accelerator, "accelerator"), null);
    }

    /**
     * The probe found nothing.
     *
     * @param reason why, such as "nvidia-smi not found on PATH"
     * @return the result
     */
    public static ProbeResult notDetected(String reason) {
        return new ProbeResult(null, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Returns the accelerator found.
     *
     * @return the accelerator, if one was found
     */
    public Optional<Accelerator> accelerator() {
        return Optional.ofNullable(accelerator);
    }

    /**
     * Returns why nothing was found.
     *
     * @return the reason, or empty when something was found
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public String toString() {
        return accelerator != null ? "detected " + accelerator : "not detected, because " + reason;
    }
}
