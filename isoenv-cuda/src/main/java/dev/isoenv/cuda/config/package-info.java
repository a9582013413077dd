/**
 * The settings of the accelerator module. Every {@link dev.isoenv.cuda.config.Setting} is a system property
 * with an environment variable as fallback: overrides of the detected variant, driver, compute capability or
 * gfx target, a user file of PyTorch variant data, a mirror of the PyTorch index, and the switch that turns
 * off post-install verification. {@link dev.isoenv.cuda.config.Settings} reads them from the JVM, from a probe
 * context, or from maps in tests.
 */
package dev.isoenv.cuda.config;
