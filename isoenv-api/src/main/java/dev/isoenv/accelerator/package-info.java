/**
 * Accelerator detection: {@link dev.isoenv.accelerator.AcceleratorDetector} runs the {@link dev.isoenv.spi.AcceleratorProbe}s found on the class path, cheapest first, caches hardware results per JVM, and never fails: with no probe or no GPU it reports "none" with each probe's reason.
 */
package dev.isoenv.accelerator;
