package dev.isoenv.internal.registry;

import dev.isoenv.BackendCandidate;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.UnknownBackendException;
import dev.isoenv.Availability;
import dev.isoenv.spi.Installer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Chooses the backend that builds an environment, in the manner of Log4j and Testcontainers.
 *
 * <ol>
 *   <li>An explicit name wins: from the specification, else the system property {@value #PROPERTY}, else the
 *       environment variable {@value #VARIABLE}. A name that matches no backend, or a named backend that is not
 *       available, is an error; isoenv never silently uses another backend than the one named.</li>
 *   <li>Otherwise the backend already recorded in an existing environment is kept while it is available, so an
 *       environment that works keeps working when another backend's jar appears.</li>
 *   <li>Otherwise the available backend with the highest priority wins (ties by name).</li>
 * </ol>
 *
 * When nothing fits, the exception lists every backend found and why each was refused.
 */
public final class InstallerSelector {
    /** The system property that names a backend. */
    public static final String PROPERTY = "isoenv.backend";
    /** The environment variable that names a backend. */
    public static final String VARIABLE = "ISOENV_BACKEND";

    private final ProviderRegistry registry;
    private final UnaryOperator<String> systemProperties;
    private final Map<String, String> environment;

    /**
     * Creates a selector over the installers of a registry.
     *
     * @param registry where the installers come from
     * @param systemProperties looks up a system property (null when unset)
     * @param environment the process environment
     */
    public InstallerSelector(ProviderRegistry registry, UnaryOperator<String> systemProperties,
                             Map<String, String> environment) {
        this.registry = registry;
        this.systemProperties = systemProperties;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Creates a selector over explicit installers; for tests.
     *
     * @param installers the candidates
     * @param systemProperties looks up a system property (null when unset)
     * @param environment the process environment
     */
    public InstallerSelector(List<Installer> installers, UnaryOperator<String> systemProperties,
                             Map<String, String> environment) {
        this(ProviderRegistry.override(ProviderRegistry.serviceLoader(InstallerSelector.class.getClassLoader()),
                installers, List.of(), List.of()), systemProperties, environment);
    }

    /** A chosen installer and why it was chosen. */
    public static final class Choice {
        private final Installer installer;
        private final String reason;

        Choice(Installer installer, String reason) {
            this.installer = installer;
            this.reason = reason;
        }

        /**
         * Returns the installer.
         *
         * @return the installer
         */
        public Installer installer() {
            return installer;
        }

        /**
         * Returns why it was chosen, such as "named by the specification".
         *
         * @return the reason
         */
        public String reason() {
            return reason;
        }
    }

    /**
     * Returns every backend found, with its availability, highest priority first.
     *
     * @return the candidates
     */
    public List<BackendCandidate> candidates() {
        List<BackendCandidate> candidates = new ArrayList<>();
        for (Installer installer : registry.installers()) {
            candidates.add(new BackendCandidate(installer.name(), installer.priority(), probe(installer)));
        }
        candidates.sort(Comparator.comparingInt(BackendCandidate::priority).reversed()
                .thenComparing(BackendCandidate::name));
        return candidates;
    }

    /**
     * Chooses a backend.
     *
     * @param requestedName the name from the specification, if any
     * @param recordedName the backend that built the existing environment, if any
     * @return the chosen installer
     * @throws UnknownBackendException if a name was given that matches no backend
     * @throws BackendSelectionException if the named backend is unavailable, or no backend is available
     */
    public Choice select(Optional<String> requestedName, Optional<String> recordedName) {
        Optional<NamedRequest> named = named(requestedName);
        if (named.isPresent()) {
            return new Choice(selectNamed(named.get()), "named by " + named.get().source);
        }
        List<BackendCandidate> candidates = candidates();
        if (recordedName.isPresent()) {
            for (BackendCandidate c : candidates) {
                if (c.name().equalsIgnoreCase(recordedName.get()) && c.availability().isAvailable()) {
                    return new Choice(installerOf(c), "it built the existing environment and is available");
                }
            }
        }
        List<String> skipped = new ArrayList<>();
        for (BackendCandidate c : candidates) {
            if (c.availability().isAvailable()) {
                return new Choice(installerOf(c), "the available backend with the highest priority ("
                        + c.priority() + ")" + (skipped.isEmpty() ? "" : "; not available: " + String.join("; ", skipped)));
            }
            skipped.add(c.name() + " (" + c.availability().detail() + ")");
        }
        throw new BackendSelectionException(noneAvailable(candidates));
    }

    /**
     * Returns the backend name that applies before automatic selection: the specification's, else the system
     * property's, else the environment variable's. Reading it starts no process.
     *
     * @param requestedName the name from the specification, if any
     * @return the explicit name, lower case, if one was given anywhere
     */
    public Optional<String> explicitName(Optional<String> requestedName) {
        return named(requestedName).map(n -> n.name);
    }

    private Optional<NamedRequest> named(Optional<String> requestedName) {
        return requestedName.map(n -> new NamedRequest(n, "the specification"))
                .or(() -> fromSetting(systemProperties.apply(PROPERTY), "system property " + PROPERTY))
                .or(() -> fromSetting(environment.get(VARIABLE), "environment variable " + VARIABLE));
    }

    private Installer selectNamed(NamedRequest request) {
        List<BackendCandidate> candidates = candidates();
        for (BackendCandidate c : candidates) {
            if (c.name().equalsIgnoreCase(request.name)) {
                if (!c.availability().isAvailable()) {
                    throw new BackendSelectionException("The backend '" + c.name() + "' named by " + request.source
                            + " is not available: " + c.availability().detail() + ". Fix that, or name another backend."
                            + describe(candidates));
                }
                return installerOf(c);
            }
        }
        throw new UnknownBackendException("No backend is named '" + request.name + "' (named by " + request.source
                + "). " + (candidates.isEmpty()
                ? "No backend is installed at all: add isoenv-venv (or isoenv-uv, isoenv-conda) to the class path."
                : "Use one of the backends found, or add the jar of the one you meant.") + describe(candidates));
    }

    private String noneAvailable(List<BackendCandidate> candidates) {
        if (candidates.isEmpty()) {
            return "No isoenv backend was found on the class path or module path. Add isoenv-venv (stdlib venv and"
                    + " pip), isoenv-uv or isoenv-conda as a dependency." + failures();
        }
        return "None of the isoenv backends found can work on this machine. Fix one of the reasons below, or add"
                + " another backend." + describe(candidates);
    }

    private String describe(List<BackendCandidate> candidates) {
        StringBuilder b = new StringBuilder("\nBackends found:");
        if (candidates.isEmpty()) {
            b.append(" none");
        }
        for (BackendCandidate c : candidates) {
            b.append("\n  - ").append(c);
        }
        return b + failures();
    }

    private String failures() {
        StringBuilder b = new StringBuilder();
        for (String f : registry.installerFailures()) {
            b.append("\n  - a provider failed to load: ").append(f);
        }
        return b.toString();
    }

    private Installer installerOf(BackendCandidate c) {
        for (Installer installer : registry.installers()) {
            if (installer.name().equals(c.name())) {
                return installer;
            }
        }
        throw new IllegalStateException("no installer named " + c.name());
    }

    private static Availability probe(Installer installer) {
        try {
            Availability a = installer.availability();
            return a == null ? Availability.unavailable("its availability probe returned nothing") : a;
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability probe failed: " + e);
        }
    }

    private static Optional<NamedRequest> fromSetting(String value, String source) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new NamedRequest(value.strip().toLowerCase(Locale.ROOT), source));
    }

    private static final class NamedRequest {
        final String name;
        final String source;

        NamedRequest(String name, String source) {
            this.name = name;
            this.source = source;
        }
    }
}
