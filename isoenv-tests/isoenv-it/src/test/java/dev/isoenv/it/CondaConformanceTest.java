package dev.isoenv.it;

import dev.isoenv.conda.CondaInstaller;
import dev.isoenv.spi.Installer;
import dev.isoenv.tck.InstallerConformanceSuite;

/**
 * The conda backend against the conformance kit, with a real micromamba, mamba or conda: the one on {@code PATH}, in
 * {@code MAMBA_EXE} or {@code CONDA_EXE}, in a common install folder, or the one named with
 * {@code -Disoenv.conda=/path/to/micromamba}. Without one, every test is skipped with the backend's reason, which
 * says where it looked and how to point it at a tool. The tool needs the conda-forge channel (network, or a mirror in
 * its configuration); the kit's Python packages come from the kit's own index.
 */
class CondaConformanceTest extends InstallerConformanceSuite {
    @Override
    protected Installer installer() {
        return new CondaInstaller();
    }

    @Override
    protected boolean resolvesWithoutInstalling() {
        return true;
    }
}
