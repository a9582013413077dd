package dev.isoenv.it;

import dev.isoenv.spi.Installer;
import dev.isoenv.tck.InstallerConformanceSuite;
import dev.isoenv.venv.VenvInstaller;

/** The stdlib venv + pip backend against the conformance suite, with the machine's default Python. */
class VenvConformanceTest extends InstallerConformanceSuite {
    @Override
    protected Installer installer() {
        return new VenvInstaller();
    }
}
