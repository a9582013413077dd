package dev.isoenv.internal.registry;

import dev.isoenv.BackendCandidate;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.EnvironmentSpec;
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
     * Chooses a backend for a specification.
     *
     * @param spec the specification: its backend name, if any, and what it needs (conda packages, for one)
     * @param recordedName the backend that built the existing environment, if any
     * @return the chosen installer and why
     * @throws UnknownBackendException if a name was given that matches no backend
     * @throws BackendSelectionException if the named backend is unavailable or cannot build the specification, or
     *     no backend fits; the message lists every backend and why each was refused
     */
    public Choice select(EnvironmentSpec spec, Optional<String> recordedName) {
        Optional<NamedRequest> named = named(spec.backend());
        if (named.isPresent()) {
            return new Choice(selectNamed(named.get(), spec), "named by " + named.get().source);
        }
        List<BackendCandidate> candidates = candidates();
        if (recordedName.isPresent()) {
            for (BackendCandidate c : candidates) {
                if (c.name().equalsIgnoreCase(recordedName.get()) && availability(installerOf(c), spec).isAvailable()
                        && refusal(installerOf(c), spec).isEmpty()) {
                    return new Choice(installerOf(c), "it built the existing environment and is available");
                }
            }
        }
        List<String> skipped = new ArrayList<>();
        for (BackendCandidate c : candidates) {
            Availability available = availability(installerOf(c), spec);
            Optional<String> refused = !available.isAvailable() ? Optional.of("unavailable: " + available.detail())
                    : refusal(installerOf(c), spec).map(r -> "cannot build this specification: " + r)
                    .or(() -> automatic(installerOf(c), spec) ? Optional.empty()
                    : Optional.of("chosen only when named, or for a specification that needs it"));
            if (refused.isEmpty()) {
                return new Choice(installerOf(c), "the available backend with the highest priority ("
                        + c.priority() + ")" + (skipped.isEmpty() ? "" : "; passed over: " + String.join("; ", skipped)));
            }
            skipped.add(c.name() + " (priority " + c.priority() + "): " + refused.get());
        }
        throw new BackendSelectionException(noneFits(candidates, skipped));
    }

    private static Optional<String> refusal(Installer installer, EnvironmentSpec spec) {
        try {
            Optional<String> r = installer.cannotBuild(spec);
            if (r != null && r.isPresent()) {
                return r;
            }
            List<String> refused = new ArrayList<>();
            for (dev.isoenv.InstallerArgument a : spec.installerArguments()) {
                Optional<String> why = installer.cannotApply(a);
                if (why != null && why.isPresent()) {
                    refused.add(a + " (" + why.get() + ")");
                }
            }
            return refused.isEmpty() ? Optional.empty()
                    : Optional.of("it cannot apply the installer argument" + (refused.size() == 1 ? " " : "s ")
                    + String.join(", ", refused));
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("its check of the specification failed: " + e);
        }
    }

    private static Availability availability(Installer installer, EnvironmentSpec spec) {
        try {
            Availability a = installer.availabilityFor(spec);
            return a == null ? Availability.unavailable("its availability probe returned nothing") : a;
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability probe failed: " + e);
        }
    }

    private static boolean automatic(Installer installer, EnvironmentSpec spec) {
        try {
            return installer.chosenAutomaticallyFor(spec);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Returns the backend name that applies before automatic selection: the specification's, else the system
     * property's, else the environment variable's. Reading it starts no process.
     *
     * @param requestedName the name from the specification, if any
     * @return the explicit name, lower case, if one was given anywhere
     */
    public Optional<String> explicitName(Optional<String> requestedName) {
        Optional<NamedRequest> named = named(requestedName);
        return named.isPresent() ? Optional.of(named.get().name) : Optional.empty();
    }

    // Plain code, no lambdas: the warm path asks this at every program start, where each lambda costs a class.
    private Optional<NamedRequest> named(Optional<String> requestedName) {
        if (requestedName.isPresent()) {
            return Optional.of(new NamedRequest(requestedName.get(), "the specification"));
        }
        Optional<NamedRequest> property = fromSetting(systemProperties.apply(PROPERTY), "system property " + PROPERTY);
        return property.isPresent() ? property
                : fromSetting(environment.get(VARIABLE), "environment variable " + VARIABLE);
    }

    private Installer selectNamed(NamedRequest request, EnvironmentSpec spec) {
        List<BackendCandidate> candidates = candidates();
        for (BackendCandidate c : candidates) {
            if (c.name().equalsIgnoreCase(request.name)) {
                Availability available = availability(installerOf(c), spec);
                if (!available.isAvailable()) {
                    throw new BackendSelectionException("The backend '" + c.name() + "' named by " + request.source
                            + " is not available: " + available.detail() + ". Fix that, or name another backend."
                            + describe(candidates));
                }
                Optional<String> refused = refusal(installerOf(c), spec);
                if (refused.isPresent()) {
                    throw new BackendSelectionException("The backend '" + c.name() + "' named by " + request.source
                            + " cannot build this specification: " + refused.get() + ". Name a backend that can, or"
                            + " change the specification." + describe(candidates));
                }
                return installerOf(c);
            }
        }
        throw new UnknownBackendException("No backend is named '" + request.name + "' (named by " + request.source
                + "). " + (candidates.isEmpty()
                ? "No backend is installed at all: add isoenv-venv (or isoenv-uv, isoenv-conda) to the class path."
                : "Use one of the backends found, or add the jar of the one you meant.") + describe(candidates));
    }

    private String noneFits(List<BackendCandidate> candidates, List<String> refusals) {
        if (candidates.isEmpty()) {
            return "No isoenv backend was found on the class path or module path. Add isoenv-venv (stdlib venv and"
                    + " pip), isoenv-uv or isoenv-conda as a dependency." + failures();
        }
        StringBuilder b = new StringBuilder("None of the isoenv backends found can build this environment on this"
                + " machine. Fix one of the reasons below, name a backend, or add another backend.\nBackends found:");
        for (String r : refusals) {
            b.append("\n  - ").append(r);
        }
        return b + failures();
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
