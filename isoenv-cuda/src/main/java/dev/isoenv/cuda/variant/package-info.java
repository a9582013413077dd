/**
 * Chooses the PyTorch variant for a machine. {@link dev.isoenv.cuda.variant.VariantResolver} takes a
 * {@link dev.isoenv.cuda.variant.VariantRequest} (the accelerator, the torch version or range, the operating
 * system and architecture, the Python version) and returns a {@link dev.isoenv.cuda.variant.VariantChoice}:
 * the newest variant that the requested torch release publishes, that the driver supports on this operating
 * system, and whose architectures cover every GPU; CPU when none does. The choice explains itself: what was
 * seen, every candidate considered, and why each was refused.
 */
package dev.isoenv.cuda.variant;
