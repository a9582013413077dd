/**
 * isoenv's integration tests, benchmarks and demo; not published. The module keeps the name {@code dev.isoenv.tests},
 * to which isoenv-venv exports its interpreter discovery for the integration tests. Open, so that JUnit can reach the
 * tests reflectively when they run on the module path.
 */
open module dev.isoenv.tests {
    requires dev.isoenv.api;
    requires dev.isoenv.testing;
    requires com.google.common;
    requires java.logging;
    // For PublishedBuildTest, which reads the POMs; nothing in the main code needs it.
    requires static java.xml;
    // The first-call benchmark counts the classes a call loads.
    requires java.management;

    exports dev.isoenv.bench;
    exports dev.isoenv.demo;

    uses dev.isoenv.spi.InstallPlanner;
}
