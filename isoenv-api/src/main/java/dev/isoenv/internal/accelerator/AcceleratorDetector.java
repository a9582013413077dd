package dev.isoenv.internal.accelerator;

import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs accelerator probes, highest priority (cheapest, overrides) first; the first that detects something wins.
 * Probes that are not {@linkplain AcceleratorProbe#cacheable() cacheable} (overrides) run on every call; the others
 * run once per detector, which a client keeps for its life (an incomplete result is retried after five minutes). A probe that throws is recorded as "not detected" and
 * never fails detection.
 */
public final class AcceleratorDetector {
    /** How long an incomplete detection (a probe command that timed out or failed) is kept before trying again. */
    static final long DEGRADED_RETRY_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Supplier<List<AcceleratorProbe>> source;
    private final Function<CommandRunner, ProbeContext> context;
    private volatile List<AcceleratorProbe> probes;
    private final Object lock = new Object();
    private volatile Accelerator cachedHardware;
    private volatile long cachedAt;

    /**
     * Creates a detector.
     *
     * @param probes gives the probes, in any order, when detection first runs
     * @param context makes what the probes may look at, running their commands with the given runner
     */
    public AcceleratorDetector(Supplier<List<AcceleratorProbe>> probes, Function<CommandRunner, ProbeContext> context) {
        this.source = probes;
        this.context = context;
    }

    /**
     * Creates a detector over a fixed context; for tests.
     *
     * @param probes the probes, in any order
     * @param context what they may look at
     */
    public AcceleratorDetector(List<AcceleratorProbe> probes, ProbeContext context) {
        this(() -> probes, runner -> context);
    }

    private List<AcceleratorProbe> probes() {
        List<AcceleratorProbe> p = probes;
        if (p == null) {
            List<AcceleratorProbe> sorted = new ArrayList<>(source.get());
            sorted.sort(Comparator.comparingInt(AcceleratorProbe::priority).reversed()
                    .thenComparing(AcceleratorProbe::name));
            p = List.copyOf(sorted);
            probes = p;
        }
        return p;
    }

    /**
     * Detects the accelerator with the context's own runner: overrides on every call, hardware once.
     *
     * @return the accelerator, or {@link Accelerator#none(List)} with each probe's reason
     */
    public Accelerator detect() {
        return detect(null);
    }

    /**
     * Detects the accelerator: overrides on every call, hardware once (an incomplete detection is tried again after
     * a few minutes, so one slow answer does not last the client's life).
     *
     * @param runner runs the probes' commands, so that the caller counts them; null for the context's own
     * @return the accelerator, or {@link Accelerator#none(List)} with each probe's reason
     */
    public Accelerator detect(CommandRunner runner) {
        ProbeContext ctx = null;
        List<String> reasons = new ArrayList<>();
        for (AcceleratorProbe probe : probes()) {
            if (!probe.cacheable()) {
                ctx = ctx == null ? context.apply(runner) : ctx;
                ProbeResult r = safeProbe(probe, ctx);
                if (r.accelerator().isPresent()) {
                    return r.accelerator().get();
                }
                reasons.add(probe.name() + ": " + r.reason().orElse("nothing found"));
            }
        }
        Accelerator found = cachedHardware;
        if (found == null || stale(found)) {
            synchronized (lock) {
                found = cachedHardware;
                if (found == null || stale(found)) {
                    found = detectHardware(ctx == null ? context.apply(runner) : ctx);
                    cachedHardware = found;
                    cachedAt = System.nanoTime();
                }
            }
        }
        if (reasons.isEmpty()) {
            return found;
        }
        return found.kind().equals(Accelerator.Kind.NONE) ? noneWith(reasons, found) : found.withNotes(reasons);
    }

    private boolean stale(Accelerator found) {
        return found.degradation().isPresent() && System.nanoTime() - cachedAt > DEGRADED_RETRY_NANOS;
    }

    private Accelerator detectHardware(ProbeContext ctx) {
        List<String> reasons = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (AcceleratorProbe probe : probes()) {
            if (!probe.cacheable()) {
                continue;
            }
            ProbeResult result = safeProbe(probe, ctx);
            if (result.accelerator().isPresent()) {
                return result.accelerator().get().withNotes(reasons);
            }
            String reason = probe.name() + ": " + result.reason().orElse("nothing found");
            reasons.add(reason);
            if (result.isFailure()) {
                failures.add(reason);
            }
        }
        Accelerator none = Accelerator.none(reasons);
        return failures.isEmpty() ? none : none.withDegradation(String.join("; ", failures));
    }

    private static Accelerator noneWith(List<String> first, Accelerator found) {
        List<String> all = new ArrayList<>(first);
        all.addAll(found.notes());
        Accelerator none = Accelerator.none(all);
        return found.degradation().map(none::withDegradation).orElse(none);
    }

    private static ProbeResult safeProbe(AcceleratorProbe probe, ProbeContext context) {
        try {
            ProbeResult result = probe.probe(context);
            return result == null ? ProbeResult.notDetected("the probe returned nothing") : result;
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("the probe failed: " + e);
        }
    }
}
