/**
 * Installs PyTorch as the build that runs on the machine's accelerator, and says why.
 * {@link dev.isoenv.cuda.TorchInstallPlanner} is the {@link dev.isoenv.spi.InstallPlanner} that
 * {@code ensure()} finds with {@link java.util.ServiceLoader}: it asks the probes of
 * {@code dev.isoenv.cuda.probe} what accelerator the machine has, lets the resolver of
 * {@code dev.isoenv.cuda.variant} choose the variant from the data of {@code dev.isoenv.cuda.data}, installs
 * the torch family from that variant's index alone, pins it while everything else is installed, and verifies
 * the result with {@code dev.isoenv.cuda.verify}. Settings are listed in {@code dev.isoenv.cuda.config}.
 */
package dev.isoenv.cuda;
