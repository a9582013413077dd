package dev.isoenv.spi;

import dev.isoenv.Accelerator;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link AcceleratorProbe} found: an accelerator, or the reason it found none.
 */
public final class ProbeResult {
    private final Accelerator accelerator;
    private final String reason;
    private final boolean failure;

    private ProbeResult(Accelerator accelerator, String reason, boolean failure) {
        this.accelerator = accelerator;
        this.reason = reason;
        this.failure = failure;
    }

    /**
     * The probe found an accelerator.
     *
     * @param accelerator what it found
     * @return the result
     */
    public static ProbeResult detected(Accelerator accelerator) {
        return new ProbeResult(Objects.requireNonNull(accelerator, "accelerator"), null, false);
    }

    /**
     * The probe found nothing.
     *
     * @param reason why, such as "nvidia-smi not found on PATH"
     * @return the result
     */
    public static ProbeResult notDetected(String reason) {
        return new ProbeResult(null, Objects.requireNonNull(reason, "reason"), false);
    }

    /**
     * The probe could not finish: a command timed out, crashed or printed garbage, so an accelerator may be present
     * although none was found. Detection then reports its result as incomplete.
     *
     * @param reason what failed, such as "nvidia-smi did not answer within 10000 ms"
     * @return the result
     */
    public static ProbeResult failed(String reason) {
        return new ProbeResult(null, Objects.requireNonNull(reason, "reason"), true);
    }

    /**
     * Tells whether the probe could not finish, as opposed to finding nothing.
     *
     * @return true for {@link #failed(String)}
     */
    public boolean isFailure() {
        return failure;
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
        return accelerator != null ? "detected " + accelerator
                : (failure ? "failed: " : "not detected, because ") + reason;
    }
}
