package dev.isoenv.venv.interpreter;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A base Python interpreter that was found and checked by running it: where it is, its version and
 * implementation, where a virtual environment built from it keeps site-packages, the pip wheel its
 * {@code ensurepip} bundles, and its PEP 508 marker environment, which a virtual environment built from it shares.
 */
public final class PythonInterpreter {
    private final Path executable;
    private final String version;
    private final String implementation;
    private final String venvPurelib;
    private final Path pipWheel;
    private final boolean insideVirtualEnvironment;
    private final Map<String, String> markers;

    /**
     * Creates the value, without a marker environment.
     *
     * @param executable the interpreter
     * @param version its full version, such as {@code 3.11.7}
     * @param implementation its implementation name, such as {@code cpython}
     * @param venvPurelib site-packages of a virtual environment, relative to its root, with {@code /} separators
     * @param pipWheel the pip wheel bundled with {@code ensurepip}, or null
     * @param insideVirtualEnvironment whether the interpreter itself runs inside a virtual environment
     */
    public PythonInterpreter(Path executable, String version, String implementation, String venvPurelib,
                             Path pipWheel, boolean insideVirtualEnvironment) {
        this(executable, version, implementation, venvPurelib, pipWheel, insideVirtualEnvironment, Map.of());
    }

    /**
     * Creates the value.
     *
     * @param executable the interpreter
     * @param version its full version, such as {@code 3.11.7}
     * @param implementation its implementation name, such as {@code cpython}
     * @param venvPurelib site-packages of a virtual environment, relative to its root, with {@code /} separators
     * @param pipWheel the pip wheel bundled with {@code ensurepip}, or null
     * @param insideVirtualEnvironment whether the interpreter itself runs inside a virtual environment
     * @param markers its PEP 508 marker variables ({@code python_version}, {@code sys_platform}, ...), or empty
     */
    public PythonInterpreter(Path executable, String version, String implementation, String venvPurelib,
                             Path pipWheel, boolean insideVirtualEnvironment, Map<String, String> markers) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.version = Objects.requireNonNull(version, "version");
        this.implementation = Objects.requireNonNull(implementation, "implementation");
        this.venvPurelib = Objects.requireNonNull(venvPurelib, "venvPurelib");
        this.pipWheel = pipWheel;
        this.insideVirtualEnvironment = insideVirtualEnvironment;
        this.markers = Collections.unmodifiableMap(new TreeMap<>(markers));
    }

    /**
     * Returns the interpreter's path.
     *
     * @return the executable
     */
    public Path executable() {
        return executable;
    }

    /**
     * Returns the full version.
     *
     * @return the version, such as {@code 3.11.7}
     */
    public String version() {
        return version;
    }

    /**
     * Returns the implementation name.
     *
     * @return such as {@code cpython} or {@code pypy}
     */
    public String implementation() {
        return implementation;
    }

    /**
     * Returns where a virtual environment built from this interpreter keeps site-packages, relative to the
     * environment's root, such as {@code lib/python3.11/site-packages} or {@code Lib/site-packages}.
     *
     * @return the relative path, with {@code /} separators
     */
    public String venvPurelib() {
        return venvPurelib;
    }

    /**
     * Returns the pip wheel that this interpreter's {@code ensurepip} would install.
     *
     * @return the wheel, if one was found
     */
    public Optional<Path> pipWheel() {
        return Optional.ofNullable(pipWheel);
    }

    /**
     * Tells whether the interpreter runs inside a virtual environment itself.
     *
     * @return true for a venv's interpreter
     */
    public boolean isInsideVirtualEnvironment() {
        return insideVirtualEnvironment;
    }

    /**
     * Returns the interpreter's PEP 508 marker environment, read when it was checked; a virtual environment built
     * from it has the same one.
     *
     * @return the marker variables by name, sorted; empty when they were not read
     */
    public Map<String, String> markers() {
        return markers;
    }

    /**
     * Returns the {@code major.minor} part of the version.
     *
     * @return such as {@code 3.11}
     */
    public String minorVersion() {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    @Override
    public String toString() {
        return implementation + " " + version + " at " + executable;
    }
}
