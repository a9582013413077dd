package dev.isoenv.it;

import dev.isoenv.spi.Installer;
import dev.isoenv.tck.InstallerConformanceSuite;
import dev.isoenv.uv.UvInstaller;

/**
 * The uv backend against the conformance kit, with the machine's default Python, exactly as a backend outside this
 * repository would run it. It runs wherever a uv is found: on {@code PATH}, in uv's install folders, or where the
 * system property {@code isoenv.uv} points ({@code mvn -B verify -Disoenv.uv=/path/to/uv}; this module's Surefire
 * passes it on to the test JVM). Elsewhere every test is skipped with the backend's reason, which says how to point
 * it at a uv.
 */
class UvConformanceTest extends InstallerConformanceSuite {
    @Override
    protected Installer installer() {
        return new UvInstaller();
    }

    @Override
    protected boolean resolvesWithoutInstalling() {
        return true;
    }
}
