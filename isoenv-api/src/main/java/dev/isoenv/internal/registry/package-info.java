/**
 * The provider registry and backend selection, internal to isoenv and not API. {@link
 * dev.isoenv.internal.registry.ProviderRegistry} is the one place that loads installers, accelerator probes and
 * install planners with {@link java.util.ServiceLoader}, orders each kind by one rule (highest priority first, then
 * name) and reports a provider that fails to load without failing. {@link
 * dev.isoenv.internal.registry.InstallerSelector} chooses a backend in the manner of Log4j and Testcontainers: an
 * explicit name first (specification, system property {@code isoenv.backend}, environment variable {@code
 * ISOENV_BACKEND}), then the highest priority whose cheap availability probe passes; when nothing fits, the
 * exception lists every backend found and why each was refused.
 */
package dev.isoenv.internal.registry;
