package dev.isoenv.conda;

import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a conda prefix's files say, read without a process: the packages in {@code conda-meta/NAME-VERSION-BUILD.json}
 * (the last two dashes split it), site-packages, and the conda packages and channels isoenv last applied
 * ({@value #APPLIED}; the tools read only the {@code *.json} files of {@code conda-meta}).
 */
final class CondaPrefix {
    /** isoenv's record of the conda packages and channels applied, in {@code conda-meta}. */
    static final String APPLIED = "isoenv-conda-packages.txt";

    record Package(String name, String version, String build) {
    }

    private CondaPrefix() { }

    /**
     * Marks {@code root} as a conda environment with an empty {@code conda-meta/history}, so that {@code install -p}
     * accepts it (conda's {@code PrefixData.is_environment()}, micromamba's {@code MAMBA_NOT_ALLOW_NOT_ENV_PREFIX};
     * the sources are named in the test fixtures' README).
     */
    static void mark(Path root) {
        try {
            Path history = Files.createDirectories(root.resolve("conda-meta")).resolve("history");
            if (!Files.exists(history)) {
                Files.createFile(history);
            }
        } catch (IOException e) {
            throw new EnvironmentCreationException("Cannot create " + root.resolve("conda-meta/history") + ": " + e
                    + ". Check that the location is writable.", e);
        }
    }

    static Map<String, Package> installed(Path root) {
        Map<String, Package> packages = new TreeMap<>();
        Path meta = root.resolve("conda-meta");
        if (!Files.isDirectory(meta)) {
            return packages;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(meta, "*.json")) {
            for (Path file : files) {
                String base = file.getFileName().toString();
                base = base.substring(0, base.length() - ".json".length());
                int buildDash = base.lastIndexOf('-');
                int versionDash = buildDash <= 0 ? -1 : base.lastIndexOf('-', buildDash - 1);
                if (versionDash > 0) {
                    Package p = new Package(base.substring(0, versionDash), base.substring(versionDash + 1, buildDash),
                            base.substring(buildDash + 1));
                    packages.put(p.name().toLowerCase(java.util.Locale.ROOT), p);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot read " + meta + ": " + e.getMessage(), e);
        }
        return packages;
    }

    /**
     * Returns the site-packages directory of a prefix's Python: {@code Lib/site-packages} on Windows, {@code
     * lib/pythonX.Y/site-packages} elsewhere ({@code lib/pythonX.Yt} for a free-threaded build).
     */
    static Path sitePackages(Path root, OperatingSystem os, String pythonVersion) {
        if (os.isWindows()) {
            return root.resolve("Lib").resolve("site-packages");
        }
        String minor = minor(pythonVersion);
        Path lib = root.resolve("lib");
        Path plain = lib.resolve("python" + minor);
        Path threaded = lib.resolve("python" + minor + "t");
        return (!Files.isDirectory(plain) && Files.isDirectory(threaded) ? threaded : plain).resolve("site-packages");
    }

    /** Returns each {@code *.dist-info}'s normalized name and its {@code INSTALLER} ({@code conda}, {@code pip}). */
    static Map<String, String> installers(Path sitePackages) {
        Map<String, String> installers = new TreeMap<>();
        try (DirectoryStream<Path> infos = Files.newDirectoryStream(sitePackages, "*.dist-info")) {
            for (Path info : infos) {
                String base = info.getFileName().toString();
                int dash = base.lastIndexOf('-', base.length() - ".dist-info".length());
                Path installer = info.resolve("INSTALLER");
                if (dash > 0 && Files.isRegularFile(installer)) {
                    installers.put(dev.isoenv.Requirement.normalize(base.substring(0, dash)),
                            Files.readString(installer, StandardCharsets.UTF_8).strip());
                }
            }
        } catch (IOException e) { // none readable: the caller falls back to conda-meta's names
        }
        return installers;
    }

    /** Returns a version's major.minor, such as {@code 3.12} for {@code 3.12.4}. */
    static String minor(String version) {
        String[] parts = version.split("\\.");
        return parts[0] + "." + (parts.length > 1 ? parts[1] : "0");
    }

    /** Returns what {@link #recordApplied} wrote: lines {@code channel NAME} and {@code package SPEC}. */
    static Optional<List<String>> applied(Path root) {
        Path file = root.resolve("conda-meta").resolve(APPLIED);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static List<String> record(EnvironmentSpec spec) {
        List<String> lines = new ArrayList<>();
        for (String c : spec.condaChannels()) {
            lines.add("channel " + c);
        }
        for (String p : spec.condaPackages()) {
            lines.add("package " + p);
        }
        return lines;
    }

    static void recordApplied(Path root, EnvironmentSpec spec) {
        Path file = root.resolve("conda-meta").resolve(APPLIED);
        try {
            Files.write(file, record(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EnvironmentCreationException("Cannot write " + file + ": " + e + ". Check that the location is"
                    + " writable.", e);
        }
    }
}
