package dev.isoenv.it;

import dev.isoenv.spi.Installer;
import dev.isoenv.tck.InstallerConformanceSuite;
import dev.isoenv.venv.VenvInstaller;

/**
 * The stdlib venv + pip backend against the conformance kit, with the machine's default Python, exactly as a backend
 * outside this repository would run it. The engine's scenarios with this backend are in {@link EnsureScenariosTest}.
 */
class VenvConformanceTest extends InstallerConformanceSuite {
    @Override
    protected Installer installer() {
        return new VenvInstaller();
    }

    @Override
    protected boolean resolvesWithoutInstalling() {
        return true;
    }
}
