package dev.isoenv.spi;

/**
 * Detects one kind of accelerator, or an override. Implementations are found with
 * {@link java.util.ServiceLoader} and run in descending {@link #priority()}, cheapest first; the first that
 * detects something wins. A probe must never be fatal: it reports "not detected, because ..." instead of
 * throwing, and bounds every command it runs with the context's timeout.
 */
public interface AcceleratorProbe {
    /**
     * Returns the probe's short name, such as {@code "nvidia"}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the priority: probes run highest first, so overrides have the highest, then probes that read files,
     * then those that start processes. isoenv-cuda's probes use 1000 (overrides) down to 600.
     *
     * @return the priority, higher first
     */
    default int priority() {
        return 0;
    }

    /**
     * Tells whether the result may be cached for the life of the JVM. Hardware does not change while a program
     * runs, so probes of hardware return true; overrides, which are cheap to read and may change between
     * calls, return false.
     *
     * @return true if the result may be cached
     */
    default boolean cacheable() {
        return true;
    }

    /**
     * Looks for the accelerator.
     *
     * @param context what the probe may look at
     * @return what it found, or why it found nothing
     */
    ProbeResult probe(ProbeContext context);
}
