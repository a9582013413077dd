/**
 * The user API of isoenv. Build an immutable {@link dev.isoenv.EnvironmentSpec} (location, Python, PEP 508 requirements and constraints, package indexes, backend, timeouts) and pass it to {@link dev.isoenv.Isoenv#ensure(EnvironmentSpec)}, which returns an {@link dev.isoenv.Environment}: its interpreter, its activation variables, {@code run} for commands inside it, and the list of installed distributions. Every failure is a subclass of {@link dev.isoenv.IsoenvException} whose message says what to do, and none shows the credentials of an index URL.
 */
package dev.isoenv;
