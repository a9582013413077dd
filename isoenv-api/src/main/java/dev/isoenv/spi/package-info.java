/**
 * The service provider interfaces. {@link dev.isoenv.spi.Installer} is a backend (venv and pip, uv, conda); {@link dev.isoenv.spi.AcceleratorProbe} detects a GPU; {@link dev.isoenv.spi.InstallPlanner} turns a specification into ordered install steps, as PyTorch variants need. Implementations register with {@code @AutoService} and with {@code provides} in their module-info, and are found with {@link java.util.ServiceLoader}.
 */
package dev.isoenv.spi;
