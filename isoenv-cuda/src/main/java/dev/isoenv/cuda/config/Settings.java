package dev.isoenv.cuda.config;

import dev.isoenv.spi.ProbeContext;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads {@link Setting}s: the system property wins over the environment variable, and a blank value counts as
 * unset. Tests build one from maps; production code uses {@link #system()} or {@link #of(ProbeContext)}.
 */
public final class Settings {
    private final UnaryOperator<String> properties;
    private final Map<String, String> environment;
    private final Map<String, String> specOptions;
    private final Map<String, String> clientOptions;

    private Settings(UnaryOperator<String> properties, Map<String, String> environment) {
        this(properties, environment, Map.of(), Map.of());
    }

    private Settings(UnaryOperator<String> properties, Map<String, String> environment,
                     Map<String, String> specOptions, Map<String, String> clientOptions) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.environment = Map.copyOf(environment);
        this.specOptions = Map.copyOf(specOptions);
        this.clientOptions = Map.copyOf(clientOptions);
    }

    /**
     * Returns these settings under a specification's and a client's options: each setting's option is its system
     * property without the {@code isoenv.} prefix ({@code torch.index-url}, {@code cuda.driver}), and the
     * specification's option wins over the client's, which wins over the system property and the variable.
     *
     * @param spec the specification's options ({@link dev.isoenv.EnvironmentSpec#backendOptions()})
     * @param client the client's options ({@link dev.isoenv.spi.PlanningContext#options()})
     * @return the layered settings
     */
    public Settings withOptions(Map<String, String> spec, Map<String, String> client) {
        return new Settings(properties, environment, spec, client);
    }

    /**
     * Tells whether a specification or client option sets this setting.
     *
     * @param setting the setting
     * @return true if an option, not a system property or variable, gives its value
     */
    public boolean setByOption(Setting setting) {
        return present(specOptions.get(setting.option())) || present(clientOptions.get(setting.option()));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * Returns the settings of this JVM: its system properties and its environment.
     *
     * @return the system settings
     */
    public static Settings system() {
        return new Settings(System::getProperty, System.getenv());
    }

    /**
     * Returns settings read from a probe context's system properties and variables.
     *
     * @param context the probe context
     * @return the settings
     */
    public static Settings of(ProbeContext context) {
        return new Settings(context::systemProperty, context.environment());
    }

    /**
     * Returns settings read from explicit lookups.
     *
     * @param properties looks up a system property, returning null when unset
     * @param environment the environment variables
     * @return the settings
     */
    public static Settings of(UnaryOperator<String> properties, Map<String, String> environment) {
        return new Settings(properties, environment);
    }

    /**
     * Returns settings from maps, for tests.
     *
     * @param properties the system properties
     * @param environment the environment variables
     * @return the settings
     */
    public static Settings of(Map<String, String> properties, Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(properties);
        return new Settings(copy::get, environment);
    }

    /**
     * Looks a setting up.
     *
     * @param setting the setting
     * @return its value and where it came from, or empty when it is unset or blank
     */
    public Optional<Value> lookup(Setting setting) {
        String fromSpec = specOptions.get(setting.option());
        if (present(fromSpec)) {
            return Optional.of(new Value(fromSpec.strip(), "the specification's option " + setting.option()));
        }
        String fromClient = clientOptions.get(setting.option());
        if (present(fromClient)) {
            return Optional.of(new Value(fromClient.strip(), "the client's option " + setting.option()));
        }
        String fromProperty = properties.apply(setting.property());
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Optional.of(new Value(fromProperty.strip(), "system property " + setting.property()));
        }
        String fromVariable = environment.get(setting.variable());
        if (fromVariable != null && !fromVariable.isBlank()) {
            return Optional.of(new Value(fromVariable.strip(), "environment variable " + setting.variable()));
        }
        return Optional.empty();
    }

    /**
     * Tells whether a boolean setting is on; anything but {@code false}, {@code 0}, {@code no} or {@code off}
     * (ignoring case) counts as on.
     *
     * @param setting the setting
     * @param defaultValue the value when the setting is unset
     * @return the value
     */
    public boolean isEnabled(Setting setting, boolean defaultValue) {
        return lookup(setting).map(v -> !v.value().matches("(?i)false|0|no|off")).orElse(defaultValue);
    }

    /** A setting's value and where it came from. */
    public static final class Value {
        private final String value;
        private final String source;

        Value(String value, String source) {
            this.value = value;
            this.source = source;
        }

        /**
         * Returns the value, stripped of surrounding white space.
         *
         * @return the value
         */
        public String value() {
            return value;
        }

        /**
         * Returns where the value came from, such as "system property isoenv.torch.variant".
         *
         * @return the source
         */
        public String source() {
            return source;
        }

        @Override
        public String toString() {
            return source + "=" + value;
        }
    }
}
