/**
 * isoenv's test support, published for backends outside this repository: the package index fixture, the backend
 * conformance suite, the benchmarks and the demo. Open, so that JUnit can reach the suite's tests reflectively.
 */
open module dev.isoenv.tests {
    requires transitive dev.isoenv.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires com.google.common;
    requires jdk.httpserver;
    requires java.logging;
    // The fixture's own tests talk to the index with the JDK's HTTP client.
    requires static java.net.http;

    exports dev.isoenv.testing.dist;
    exports dev.isoenv.testing.index;
    exports dev.isoenv.testing.python;
    exports dev.isoenv.tck;
    exports dev.isoenv.bench;
    exports dev.isoenv.demo;
}
