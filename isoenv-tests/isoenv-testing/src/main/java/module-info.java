/**
 * isoenv's test fixtures, published for backends outside this repository: distributions built in Java, a PEP 503
 * package index served on 127.0.0.1, and helpers that run a real pip. It depends on no isoenv module.
 */
module dev.isoenv.testing {
    requires com.google.common;
    requires jdk.httpserver;
    // The fixture's own tests talk to the index with the JDK's HTTP client.
    requires static java.net.http;

    exports dev.isoenv.testing.dist;
    exports dev.isoenv.testing.index;
    exports dev.isoenv.testing.python;
    exports dev.isoenv.testing.modules;
}
