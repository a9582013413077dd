package dev.isoenv.accelerator;

import dev.isoenv.selection.ServiceProviders;
import dev.isoenv.spi.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the {@link AcceleratorProbe}s found by {@link java.util.ServiceLoader}, cheapest first, and returns what the first
 * successful one found, or "none" with every probe's reason. Probes that cannot be cached (overrides) run on
 * every call; the others run once per JVM. A probe that throws is recorded as "not detected" and never fails
 * detection.
 */
public final class AcceleratorDetector {
    private static final Object LOCK = new Object();
    private static volatile List<AcceleratorProbe> loadedProbes;
    private static volatile CachedHardware cachedHardware;

    private final List<AcceleratorProbe> probes;
    private final ProbeContext context;

    /**
     * Creates a detector over explicit probes, without any caching; for tests and tools.
     *
     * @param probes the probes
     * @param context what they may look at
     */
    public AcceleratorDetector(List<AcceleratorProbe> probes, ProbeContext context) {
        List<AcceleratorProbe> sorted = new ArrayList<>(probes);
        sorted.sort(Comparator.comparingInt(AcceleratorProbe::order).thenComparing(AcceleratorProbe::name));
        this.probes = List.copyOf(sorted);
        this.context = context;
    }

    /**
     * Detects this machine's accelerator with the probes on the class path, caching hardware results for the
     * life of the JVM.
     *
     * @return the accelerator, or {@link Accelerator#none(List)} with each probe's reason
     */
    public static Accelerator detectSystem() {
        List<AcceleratorProbe> probes = loadProbes();
        ProbeContext context = ProbeContext.system();
        List<String> reasons = new ArrayList<>();
        for (AcceleratorProbe probe : probes) {
            if (!probe.cacheable()) {
                ProbeResult r = safeProbe(probe, context);
                if (r.accelerator().isPresent()) {
                    return r.accelerator().get();
                }
                reasons.add(probe.name() + ": " + r.reason().orElse("nothing found"));
            }
        }
        CachedHardware hardware = cachedHardware;
        if (hardware == null) {
            synchronized (LOCK) {
                hardware = cachedHardware;
                if (hardware == null) {
                    List<AcceleratorProbe> cacheable = new ArrayList<>();
                    for (AcceleratorProbe p : probes) {
                        if (p.cacheable()) {
                            cacheable.add(p);
                        }
                    }
                    hardware = new CachedHardware(new AcceleratorDetector(cacheable, context).detect());
                    cachedHardware = hardware;
                }
            }
        }
        Accelerator found = hardware.accelerator;
        if (reasons.isEmpty()) {
            return found;
        }
        return found.kind() == Accelerator.Kind.NONE ? Accelerator.none(prepend(reasons, found.notes()))
                : found.withNotes(reasons);
    }

    /**
     * Runs every probe in order and returns the first detection.
     *
     * @return the accelerator, or "none" with each probe's reason
     */
    public Accelerator detect() {
        List<String> reasons = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (AcceleratorProbe probe : probes) {
            ProbeResult result = safeProbe(probe, context);
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

    private static ProbeResult safeProbe(AcceleratorProbe probe, ProbeContext context) {
        try {
            ProbeResult result = probe.probe(context);
            return result == null ? ProbeResult.notDetected("the probe returned nothing") : result;
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.failed("the probe failed: " + e);
        }
    }

    private static List<AcceleratorProbe> loadProbes() {
        List<AcceleratorProbe> probes = loadedProbes;
        if (probes == null) {
            // A broken probe is left out; detection must never fail.
            List<AcceleratorProbe> found = new ArrayList<>(ServiceProviders.load(AcceleratorProbe.class).providers());
            found.sort(Comparator.comparingInt(AcceleratorProbe::order).thenComparing(AcceleratorProbe::name));
            probes = List.copyOf(found);
            loadedProbes = probes;
        }
        return probes;
    }

    private static List<String> prepend(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        return all;
    }

    private static final class CachedHardware {
        final Accelerator accelerator;

        CachedHardware(Accelerator accelerator) {
            this.accelerator = accelerator;
        }
    }
}
