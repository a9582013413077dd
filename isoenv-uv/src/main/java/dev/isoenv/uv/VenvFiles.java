package dev.isoenv.uv;

import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads, without starting a process, what {@code uv venv} wrote and what the base interpreter ships: the keys of
 * {@code pyvenv.cfg} (uv writes {@code home}, {@code implementation}, {@code uv}, {@code version_info} and
 * {@code include-system-site-packages}, crates/uv-virtualenv/src/virtualenv.rs), the site-packages folder, and the
 * folder of pip wheels that the base interpreter's {@code ensurepip} bundles.
 */
final class VenvFiles {
    private VenvFiles() {
    }

    /** Reads the {@code key = value} lines of {@code pyvenv.cfg}, keys in lower case; empty if unreadable. */
    static Map<String, String> pyvenvCfg(Path root) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("pyvenv.cfg"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    keys.put(line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                            line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            // Missing or unreadable: the caller reports what it lacks.
        }
        return keys;
    }

    /**
     * Returns site-packages: {@code Lib/site-packages} on Windows; on POSIX {@code lib/pythonX.Y/site-packages}, or
     * the folder of that form that uv made (such as {@code python3.13t} when free-threaded, or {@code pypy3.10}).
     */
    static Path sitePackages(Path root, String version, OperatingSystem os) {
        if (os.isWindows()) {
            return root.resolve("Lib").resolve("site-packages");
        }
        Path expected = root.resolve("lib").resolve("python" + minor(version)).resolve("site-packages");
        if (!Files.isDirectory(expected)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("lib"))) {
                for (Path dir : dirs) {
                    if (Files.isDirectory(dir.resolve("site-packages"))) {
                        return dir.resolve("site-packages");
                    }
                }
            } catch (IOException e) {
                // No lib folder: the expected path, which the caller reports if it needs it.
            }
        }
        return expected;
    }

    /**
     * Finds the folder holding the pip wheel that the base interpreter bundles for {@code ensurepip}:
     * {@code <home>/../lib/pythonX.Y/ensurepip/_bundled} on POSIX, {@code <home>\Lib\ensurepip\_bundled} on Windows,
     * or Debian's and Fedora's {@code /usr/share/python-wheels}, where {@code home} is {@code pyvenv.cfg}'s, as given
     * and with links resolved, or the folder of the base interpreter's resolved path. Returns the first that holds a
     * {@code pip-*.whl}.
     */
    static Optional<Path> bundledPip(String cfgHome, Optional<Path> basePython, String version, OperatingSystem os) {
        List<Path> homes = new ArrayList<>();
        try {
            if (cfgHome != null) {
                homes.add(Path.of(cfgHome));
            }
            if (basePython.isPresent()) {
                homes.add(basePython.get().toRealPath().getParent());
            }
        } catch (IOException | InvalidPathException e) {
            // The folders read so far.
        }
        List<Path> candidates = new ArrayList<>();
        for (Path home : homes) {
            List<Path> forms = new ArrayList<>(List.of(home));
            try {
                forms.add(home.toRealPath());
            } catch (IOException | InvalidPathException e) {
                // Not there: only the given form.
            }
            for (Path h : forms) {
                candidates.add(os.isWindows() ? h.resolve("Lib").resolve("ensurepip").resolve("_bundled")
                        : h.resolveSibling("lib").resolve("python" + minor(version)).resolve("ensurepip")
                        .resolve("_bundled"));
            }
        }
        if (!os.isWindows()) {
            candidates.add(Path.of("/usr/share/python-wheels"));
        }
        for (Path dir : candidates) {
            try (DirectoryStream<Path> wheels = Files.newDirectoryStream(dir, "pip-*.whl")) {
                if (wheels.iterator().hasNext()) {
                    return Optional.of(dir);
                }
            } catch (IOException e) {
                // Not this one.
            }
        }
        return Optional.empty();
    }

    /** {@code 3.12} of {@code 3.12.4}. */
    static String minor(String version) {
        String[] parts = version.split("\\.");
        return parts.length < 2 ? version : parts[0] + "." + parts[1].replaceAll("[^0-9].*", "");
    }
}
