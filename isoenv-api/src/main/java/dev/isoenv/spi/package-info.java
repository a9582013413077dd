/**
 * The service provider interfaces, for authors of backends, accelerator probes and install planners.
 * {@link dev.isoenv.spi.Installer} is a backend (venv and pip, uv, conda): it creates an environment whose Python
 * runs, and installs, removes and lists distributions, running every process through the
 * {@link dev.isoenv.spi.CommandRunner} of its {@link dev.isoenv.spi.BackendContext}.
 * {@link dev.isoenv.spi.AcceleratorProbe} detects a GPU. {@link dev.isoenv.spi.InstallPlanner} turns a specification
 * into ordered {@link dev.isoenv.spi.InstallStep}s with checks, as frameworks with GPU-specific wheels need (PyTorch
 * in isoenv-cuda; nothing here names a framework). Implementations register with {@code @AutoService} and with
 * {@code provides} in their module-info, and are found with {@link java.util.ServiceLoader}; among several, the
 * highest {@code priority()} comes first. isoenv's conformance kit (isoenv-tck) tests an Installer against this
 * contract.
 */
package dev.isoenv.spi;
