/**
 * The fault suite: isoenv tried as a hostile user and a hostile machine would try it, with real processes, a real
 * index and real child JVMs. JVMs killed with SIGKILL mid-install ({@link dev.isoenv.it.faults.KilledJvmTest}), many
 * callers in several JVMs at once ({@link dev.isoenv.it.faults.ConcurrentJvmsTest}), hung indexes and held locks
 * ({@link dev.isoenv.it.faults.HangsTest}), bad input ({@link dev.isoenv.it.faults.BadInputTest}) and secrets with
 * reserved characters ({@link dev.isoenv.it.faults.SecretsEverywhereTest}). Each test ends every process it started,
 * and writes what it proved to {@code target/fault-suite/figures.txt}, the source of README's reliability figures.
 */
package dev.isoenv.it.faults;
