/**
 * Backend selection in the manner of Log4j and Testcontainers: {@link dev.isoenv.selection.InstallerSelector} takes an explicit name first (specification, system property {@code isoenv.backend}, environment variable {@code ISOENV_BACKEND}), then the highest priority whose cheap availability probe passes. When nothing fits, the exception lists every backend found and why each was refused.
 */
package dev.isoenv.selection;
