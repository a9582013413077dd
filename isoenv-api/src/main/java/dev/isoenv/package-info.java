/**
 * The user API of isoenv. Build an immutable {@link dev.isoenv.EnvironmentSpec} (location, Python, PEP 508
 * requirements and constraints, package indexes, backend, pip, timeouts) and pass it to
 * {@link dev.isoenv.Isoenv#ensure(EnvironmentSpec)}, or to the {@code ensure} of an {@link dev.isoenv.IsoenvClient}
 * you built with listeners. It returns an {@link dev.isoenv.Environment}: its interpreter, its activation variables,
 * {@code run} for commands inside it, the installed distributions, and how it was planned. Progress arrives as typed
 * {@link dev.isoenv.EnsureEvent}s; {@link dev.isoenv.ConsoleReporter} shows them. Every failure is a subclass of
 * {@link dev.isoenv.IsoenvException} whose message says what to do, and none shows the credentials of an index URL.
 */
package dev.isoenv;
