/**
 * A PEP 503 "simple" package index served over HTTP on 127.0.0.1 by the JDK's built-in server.
 * {@link dev.isoenv.testing.index.PackageIndexServer} holds any number of indexes, each at its own base path
 * ({@code /simple/}, or PyTorch-style {@code /whl/cu126/}), lists the distributions published to each with their
 * SHA-256 digests and {@code data-requires-python}, serves the files, records every request it receives, and can be
 * told to misbehave: demand HTTP Basic credentials for an index, stall a path, or answer it with an error status.
 */
package dev.isoenv.testing.index;
