package dev.isoenv.internal.io;

import dev.isoenv.spi.OperatingSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where isoenv keeps what it may forget at any time, such as the facts of the interpreters it ran, per user and by
 * the operating system's conventions:
 * <ul>
 *   <li>the system property {@value #PROPERTY}, else the environment variable {@value #VARIABLE}, when set;</li>
 *   <li>Linux and other Unix systems: {@code $XDG_CACHE_HOME/isoenv} when that is an absolute path (as the XDG Base
 *       Directory specification requires), else {@code ~/.cache/isoenv};</li>
 *   <li>macOS: {@code ~/Library/Caches/isoenv};</li>
 *   <li>Windows: {@code %LOCALAPPDATA%\isoenv\Cache}, else {@code ~\AppData\Local\isoenv\Cache}.</li>
 * </ul>
 * The home directory is {@code HOME} ({@code USERPROFILE} on Windows), else the system property {@code user.home}.
 * Nothing is created here; users of the directory create what they need, and treat a directory they cannot use as no
 * cache at all.
 */
public final class CacheDirectory {
    /** The system property that sets the cache directory. */
    public static final String PROPERTY = "isoenv.cache.dir";
    /** The environment variable that sets the cache directory. */
    public static final String VARIABLE = "ISOENV_CACHE_DIR";

    private CacheDirectory() {
    }

    /**
     * Returns isoenv's cache directory for this process.
     *
     * @param os the operating system
     * @param environment the process environment
     * @return the directory, or empty when neither a setting nor a home directory says where it is
     */
    public static Optional<Path> of(OperatingSystem os, Map<String, String> environment) {
        return of(os, environment, System::getProperty);
    }

    /**
     * Returns isoenv's cache directory.
     *
     * @param os the operating system
     * @param environment the process environment
     * @param systemProperties looks up a system property (null when unset)
     * @return the directory, or empty when neither a setting nor a home directory says where it is
     */
    public static Optional<Path> of(OperatingSystem os, Map<String, String> environment,
                                    UnaryOperator<String> systemProperties) {
        Optional<Path> set = path(systemProperties.apply(PROPERTY));
        if (set.isEmpty()) {
            set = path(os.variable(environment, VARIABLE));
        }
        if (set.isPresent()) {
            return set.map(Path::toAbsolutePath);
        }
        if (os.isWindows()) {
            Optional<Path> local = path(os.variable(environment, "LOCALAPPDATA")).filter(Path::isAbsolute);
            return local.isPresent() ? local.map(p -> p.resolve("isoenv").resolve("Cache"))
                    : home(os, environment, systemProperties).map(h -> h.resolve("AppData").resolve("Local")
                    .resolve("isoenv").resolve("Cache"));
        }
        if (os == OperatingSystem.MACOS) {
            return home(os, environment, systemProperties).map(h -> h.resolve("Library").resolve("Caches")
                    .resolve("isoenv"));
        }
        Optional<Path> xdg = path(os.variable(environment, "XDG_CACHE_HOME")).filter(Path::isAbsolute);
        return xdg.isPresent() ? xdg.map(p -> p.resolve("isoenv"))
                : home(os, environment, systemProperties).map(h -> h.resolve(".cache").resolve("isoenv"));
    }

    private static Optional<Path> home(OperatingSystem os, Map<String, String> environment,
                                       UnaryOperator<String> systemProperties) {
        Optional<Path> home = path(os.variable(environment, os.isWindows() ? "USERPROFILE" : "HOME"));
        return (home.isPresent() ? home : path(systemProperties.apply("user.home"))).filter(Path::isAbsolute);
    }

    private static Optional<Path> path(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value.strip()));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
