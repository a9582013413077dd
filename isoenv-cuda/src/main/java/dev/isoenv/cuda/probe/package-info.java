/**
 * The accelerator probes, found by {@link java.util.ServiceLoader} and run by
 * {@link dev.isoenv.internal.accelerator.AcceleratorDetector} cheapest first: the user's overrides
 * ({@link dev.isoenv.cuda.probe.OverrideProbe}, never cached), Apple Silicon, NVIDIA (driver version files in
 * sysfs and procfs, then {@code nvidia-smi} for every GPU's compute capability and memory, on Linux, WSL and
 * Windows), AMD ROCm (the KFD topology in sysfs, then {@code rocm_agent_enumerator}) and Intel XPU (known
 * discrete and data-center PCI devices only). Every file is read through the probe context's file system root
 * and every command runs through its process runner, with its variables and timeout and without a shell; a
 * probe never throws, it says why it found nothing.
 */
package dev.isoenv.cuda.probe;
