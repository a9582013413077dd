/**
 * Installed-distribution metadata, internal to isoenv and not API: {@link
 * dev.isoenv.internal.metadata.DistributionScanner} reads the distributions of a site-packages folder from their
 * {@code METADATA} without a process, and the dependency closure follows their {@code Requires-Dist} with markers
 * evaluated against the interpreter's recorded facts.
 */
package dev.isoenv.internal.metadata;
