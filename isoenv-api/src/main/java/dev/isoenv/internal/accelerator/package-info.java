/**
 * Accelerator detection, internal to isoenv and not API: {@link dev.isoenv.internal.accelerator.AcceleratorDetector}
 * runs the {@link dev.isoenv.spi.AcceleratorProbe}s of the provider registry, cheapest first, caches hardware
 * results per client, and never fails: with no probe or no GPU it reports "none" with each probe's reason.
 */
package dev.isoenv.internal.accelerator;
