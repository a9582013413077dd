package dev.isoenv.venv.interpreter;

import dev.isoenv.spi.OperatingSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What decides which interpreter a version manager's shim runs. A shim (pyenv's, pyenv-virtualenv's, asdf's or
 * mise's {@code shims/python3}) is a small script that picks an interpreter anew on every run: from variables such as
 * {@code PYENV_VERSION}, from a {@code .python-version} or {@code .tool-versions} file in the working directory or
 * one above it, from the global version file, and from the versions installed. Two runs of a shim with the same
 * context run the same interpreter; the text of the context is stored with a shim's resolution and compared.
 *
 * <p>The context holds the shim's own stamp; {@code PATH}, {@code HOME} and every variable whose name starts with
 * {@code PYENV}, {@code ASDF} or {@code MISE}; the working directory; the stamps of the version files found from it
 * (or from {@code PYENV_DIR}) up to the root; the global version files; and the stamps of the shims folder and of
 * the version folders beside it, which change when a version is installed, removed or rehashed. Reading it costs a
 * few dozen file-status calls and starts no process.
 */
final class ShimContext {
    private static final List<String> VARIABLE_PREFIXES = List.of("PYENV", "ASDF", "MISE");
    private static final List<String> LOCAL_FILES = List.of(".python-version", ".tool-versions", "mise.toml",
            ".mise.toml");

    private ShimContext() {
    }

    /**
     * Tells whether a candidate is a version manager's shim: a file in a folder named {@code shims}.
     *
     * @param candidate the candidate's path
     * @return true for a shim
     */
    static boolean isShim(Path candidate) {
        Path parent = candidate.getParent();
        return parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equalsIgnoreCase("shims");
    }

    /**
     * Returns the text of a shim's context.
     *
     * @param shim the shim
     * @param environment the variables the shim would run with
     * @param os the operating system
     * @param workingDirectory the directory the shim would run in
     * @return the context, empty when the shim itself cannot be stamped
     */
    static Optional<String> of(Path shim, Map<String, String> environment, OperatingSystem os,
                               Path workingDirectory) {
        Optional<FileStamp> own = FileStamp.of(shim);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder("shim=").append(own.get().text()).append('\n');
        Map<String, String> variables = new TreeMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey().toUpperCase(Locale.ROOT);
            if (name.equals("PATH") || name.equals("HOME") || VARIABLE_PREFIXES.stream().anyMatch(name::startsWith)) {
                variables.put(e.getKey(), e.getValue());
            }
        }
        variables.forEach((k, v) -> b.append("variable:").append(k).append('=').append(v).append('\n'));

        Path start = workingDirectory;
        String pyenvDir = os.variable(environment, "PYENV_DIR");
        if (pyenvDir != null && !pyenvDir.isBlank()) {
            start = path(pyenvDir).map(workingDirectory::resolve).orElse(workingDirectory);
        }
        b.append("directory=").append(start).append('\n');
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (String name : LOCAL_FILES) {
                stamp(b, "local", dir.resolve(name));
            }
        }

        Path shims = shim.toAbsolutePath().getParent();
        Path managerRoot = shims.getParent();
        stamp(b, "folder", shims);
        if (managerRoot != null) {
            stamp(b, "folder", managerRoot.resolve("versions"));
            stamp(b, "folder", managerRoot.resolve("installs").resolve("python"));
            stamp(b, "global", managerRoot.resolve("version"));
        }
        String pyenvRoot = os.variable(environment, "PYENV_ROOT");
        if (pyenvRoot != null && !pyenvRoot.isBlank()) {
            path(pyenvRoot).ifPresent(root -> {
                stamp(b, "folder", root.resolve("versions"));
                stamp(b, "global", root.resolve("version"));
            });
        }
        String home = os.variable(environment, os.isWindows() ? "USERPROFILE" : "HOME");
        if (home != null && !home.isBlank()) {
            path(home).ifPresent(h -> {
                stamp(b, "global", h.resolve(".pyenv").resolve("version"));
                stamp(b, "global", h.resolve(".tool-versions"));
                stamp(b, "global", h.resolve(".config").resolve("mise").resolve("config.toml"));
            });
        }
        return Optional.of(b.toString());
    }

    private static void stamp(StringBuilder b, String kind, Path file) {
        FileStamp.of(file).ifPresent(s -> b.append(kind).append(':').append(file).append('=').append(s.text())
                .append('\n'));
    }

    private static Optional<Path> path(String value) {
        try {
            return Optional.of(Path.of(value.strip()));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
