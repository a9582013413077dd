package dev.isoenv.uv;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The specification's {@code uv.*} backend options, validated: {@code uv.path} (the uv executable to use),
 * {@code uv.cache-dir} (uv's cache folder, {@code --cache-dir}) and {@code uv.link-mode} (how uv puts files from
 * its cache into environments, {@code --link-mode}: clone, copy, hardlink or symlink). Any other {@code uv.*} key is
 * refused, so that a typo never passes silently.
 */
record UvOptions(Optional<Path> uv, Optional<Path> cacheDir, Optional<String> linkMode) {
    static final String PATH = "uv.path";
    static final String CACHE_DIR = "uv.cache-dir";
    static final String LINK_MODE = "uv.link-mode";
    private static final List<String> KNOWN = List.of(CACHE_DIR, LINK_MODE, PATH);
    /** The values of uv's {@code --link-mode} (crates/uv-install-wheel, {@code LinkMode}). */
    static final List<String> LINK_MODES = List.of("clone", "copy", "hardlink", "symlink");

    /** Reads the {@code uv.*} options; an unknown key or an invalid value is an {@link InvalidSpecException}. */
    static UvOptions of(EnvironmentSpec spec) {
        Map<String, String> options = spec.backendOptions();
        for (String key : options.keySet()) {
            if (key.startsWith("uv.") && !KNOWN.contains(key)) {
                throw new InvalidSpecException("Unknown uv backend option '" + key + "'; the uv backend knows "
                        + String.join(", ", KNOWN) + ".");
            }
        }
        Optional<String> mode = Optional.ofNullable(options.get(LINK_MODE)).map(String::strip);
        if (mode.isPresent() && !LINK_MODES.contains(mode.get())) {
            throw new InvalidSpecException("The uv backend option " + LINK_MODE + " is '" + mode.get() + "'; give one"
                    + " of " + String.join(", ", LINK_MODES) + ".");
        }
        return new UvOptions(path(options, PATH), path(options, CACHE_DIR), mode);
    }

    private static Optional<Path> path(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            if (value.isBlank()) {
                throw new InvalidPathException(value, "empty");
            }
            return Optional.of(Path.of(value.strip()).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new InvalidSpecException("The uv backend option " + key + " is '" + value + "', which is not a"
                    + " path: " + e.getReason() + ".");
        }
    }
}
