/**
 * The engine behind {@code Isoenv.ensure}: the per-environment lock, the state record with its completion fingerprint, the warm path that starts no process, incremental installs and removals, and the repair of half-built environments. Internal: not exported from the module.
 */
package dev.isoenv.ensure;
