package dev.isoenv.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a backend built: the environment's layout, the version of its Python, a description of the base
 * interpreter it came from, and, when the backend knows them, the interpreter's PEP 508 marker variables.
 */
public final class CreatedEnvironment {
    private final EnvironmentLayout layout;
    private final String pythonVersion;
    private final String baseInterpreter;
    private final Map<String, String> markers;

    /**
     * Creates the value.
     *
     * @param layout where things are in the new environment
     * @param pythonVersion the full Python version, such as {@code 3.11.7}
     * @param baseInterpreter where the interpreter came from, such as a path or "uv managed 3.12.4"
     */
    public CreatedEnvironment(EnvironmentLayout layout, String pythonVersion, String baseInterpreter) {
        this(layout, pythonVersion, baseInterpreter, Map.of());
    }

    /**
     * Creates the value with the interpreter's PEP 508 marker environment, when the backend read it anyway (the
     * venv backend does, when it checks the interpreter). Without it, isoenv runs the new environment's Python
     * once to read it; it is recorded with the environment and used to evaluate {@code Requires-Dist} markers.
     *
     * @param layout where things are in the new environment
     * @param pythonVersion the full Python version, such as {@code 3.11.7}
     * @param baseInterpreter where the interpreter came from, such as a path or "uv managed 3.12.4"
     * @param markers the marker variables ({@code python_version}, {@code sys_platform}, ...), or empty
     */
    public CreatedEnvironment(EnvironmentLayout layout, String pythonVersion, String baseInterpreter,
                              Map<String, String> markers) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
        this.baseInterpreter = Objects.requireNonNull(baseInterpreter, "baseInterpreter");
        this.markers = Map.copyOf(markers);
    }

    /**
     * Returns the interpreter's PEP 508 marker environment.
     *
     * @return the marker variables, or empty when the backend did not read them
     */
    public Map<String, String> markers() {
        return markers;
    }

    /**
     * Returns the layout.
     *
     * @return the layout
     */
    public EnvironmentLayout layout() {
        return layout;
    }

    /**
     * Returns the full Python version.
     *
     * @return the version
     */
    public String pythonVersion() {
        return pythonVersion;
    }

    /**
     * Returns where the interpreter came from.
     *
     * @return the base interpreter description
     */
    public String baseInterpreter() {
        return baseInterpreter;
    }
}
