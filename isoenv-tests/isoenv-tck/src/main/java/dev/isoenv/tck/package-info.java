/**
 * The conformance suite every backend runs. {@link dev.isoenv.tck.InstallerConformanceSuite} is an abstract JUnit
 * class: a backend's test subclasses it, returns its {@code Installer}, and gets the suite's tests against a real
 * Python and a real package index served on 127.0.0.1 with wheels the tests build. The suite checks what users rely
 * on: creation with a working pip, installs, console scripts, activation variables, the warm path that starts no
 * process, incremental installs and removals, failed installs that are never recorded as done, repair, and rejected
 * requirement strings.
 */
package dev.isoenv.tck;
