/**
 * PEP 751 lock files ({@code pylock.toml}): TOML through Jackson's TOML module ({@link dev.isoenv.internal.lock.LockToml}),
 * which packages of a lock an environment gets ({@link dev.isoenv.internal.lock.LockSelection}), what pip reported it
 * installed ({@link dev.isoenv.internal.lock.ArtifactRecord}), and the export of an environment as a lock
 * ({@link dev.isoenv.internal.lock.LockExporter}). Not API.
 */
package dev.isoenv.internal.lock;
