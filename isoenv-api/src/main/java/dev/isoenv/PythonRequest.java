package dev.isoenv;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Python an environment is built on: a version such as {@code "3.11"}, an exact interpreter, or
 * whatever Python the machine offers by default. The version is chosen per environment and never inherited
 * from the program that calls isoenv.
 */
public final class PythonRequest {
    private static final Pattern VERSION = Pattern.compile("3(\\.[0-9]{1,2}){0,2}");
    private static final PythonRequest DEFAULT = new PythonRequest(null, null);

    private final String version;
    private final Path interpreter;

    private PythonRequest(String version, Path interpreter) {
        this.version = version;
        this.interpreter = interpreter;
    }

    /**
     * Requests the machine's default Python 3 (the newest one found when several are installed).
     *
     * @return the default request
     */
    public static PythonRequest defaultPython() {
        return DEFAULT;
    }

    /**
     * Requests a Python version such as {@code "3.11"} or {@code "3.11.7"}. A shorter version matches any
     * longer one that starts with it.
     *
     * @param version a CPython 3 version prefix
     * @return the request
     * @throws InvalidSpecException if the version is not of the form 3, 3.X or 3.X.Y
     */
    public static PythonRequest version(String version) {
        String v = Objects.requireNonNull(version, "version").strip();
        if (!VERSION.matcher(v).matches()) {
            throw new InvalidSpecException("Python version '" + version + "' is not valid: give a CPython 3"
                    + " version such as \"3.11\" or \"3.11.7\", or use PythonRequest.interpreter(path) for an exact"
                    + " interpreter.");
        }
        return new PythonRequest(v, null);
    }

    /**
     * Requests an exact interpreter, such as {@code /opt/python3.12/bin/python3}.
     *
     * @param interpreter the interpreter's path
     * @return the request
     */
    public static PythonRequest interpreter(Path interpreter) {
        return new PythonRequest(null, Objects.requireNonNull(interpreter, "interpreter").toAbsolutePath().normalize());
    }

    /**
     * Returns the requested version prefix.
     *
     * @return the version, if a version was requested
     */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /**
     * Returns the requested interpreter.
     *
     * @return the interpreter path, if one was requested
     */
    public Optional<Path> interpreter() {
        return Optional.ofNullable(interpreter);
    }

    /**
     * Tells whether this is the default request.
     *
     * @return true if neither a version nor an interpreter was requested
     */
    public boolean isDefault() {
        return version == null && interpreter == null;
    }

    /**
     * Tells whether an interpreter of {@code actualVersion} satisfies a version request. Interpreter and
     * default requests accept any version.
     *
     * @param actualVersion a full version such as {@code 3.11.7}
     * @return true if the version matches the requested prefix
     */
    public boolean acceptsVersion(String actualVersion) {
        if (version == null) {
            return true;
        }
        return actualVersion.equals(version) || actualVersion.startsWith(version + ".");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PythonRequest && Objects.equals(((PythonRequest) o).version, version)
                && Objects.equals(((PythonRequest) o).interpreter, interpreter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, interpreter);
    }

    /** Returns {@code "3.11"}, {@code "interpreter /path"} or {@code "default"}. */
    @Override
    public String toString() {
        if (version != null) {
            return version;
        }
        return interpreter != null ? "interpreter " + interpreter : "default";
    }
}
