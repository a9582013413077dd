package dev.isoenv.spi;

import dev.isoenv.layout.EnvironmentLayout;
import java.util.Objects;

/**
 * What a backend built: the environment's layout, the version of its Python, and a description of the base
 * interpreter it came from.
 */
public final class CreatedEnvironment {
    private final EnvironmentLayout layout;
    private final String pythonVersion;
    private final String baseInterpreter;

    /**
     * Creates the value.
     *
     * @param layout where things are in the new environment
     * @param pythonVersion the full Python version, such as {@code 3.11.7}
     * @param baseInterpreter where the interpreter came from, such as a path or "uv managed 3.12.4"
     */
    public CreatedEnvironment(EnvironmentLayout layout, String pythonVersion, String baseInterpreter) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
        this.baseInterpreter = Objects.requireNonNull(baseInterpreter, "baseInterpreter");
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
