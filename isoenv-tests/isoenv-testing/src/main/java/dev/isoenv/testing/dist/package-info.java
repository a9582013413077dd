/**
 * Builders for real Python distributions, made in memory with {@code java.util.zip}: pure-Python wheels (PEP 427,
 * with METADATA, WHEEL, RECORD and entry points) and source distributions ({@code .tar.gz} with PKG-INFO and an
 * in-tree build backend), the naming rules they follow (PEP 503 names, PEP 440 versions, wheel file-name escaping),
 * and the ready-made packages that isoenv's tests install.
 */
package dev.isoenv.testing.dist;
