/**
 * The conformance kit for isoenv backends, {@link dev.isoenv.tck.InstallerConformanceSuite}, and the JUnit Jupiter
 * extension (JUnit 5.10 and later, and JUnit 6) for tests that need a Python environment,
 * {@link dev.isoenv.junit.PythonEnvironment}. It needs isoenv's API, the fixtures and JUnit's API, and no backend. Open, so that JUnit can reach the kit's tests reflectively.
 */
open module dev.isoenv.tck {
    requires transitive dev.isoenv.api;
    requires transitive dev.isoenv.testing;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;

    exports dev.isoenv.tck;
    exports dev.isoenv.junit;
}
