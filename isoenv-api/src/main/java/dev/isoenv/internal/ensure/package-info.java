/**
 * The engine behind {@code ensure()}, internal to isoenv and not API: the per-environment lock, the state record
 * with its completion fingerprint, the warm path that starts no process, incremental installs and removals, and the
 * repair of half-built environments. It works through the {@link dev.isoenv.spi.Installer} contract alone and needs
 * no pip inside the environment.
 */
package dev.isoenv.internal.ensure;
