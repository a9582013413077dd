package dev.isoenv.internal.lock;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.PackageLock;
import dev.isoenv.internal.io.FileProblems;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes an environment's distributions as a PEP 751 lock file.
 *
 * <ul>
 *   <li>{@code created-by = "isoenv"}; {@code requires-python} is the environment's Python, major and minor
 *       ({@code ==3.11.*}); when a wheel is for one platform only, {@code environments} names this one
 *       ({@code sys_platform} and {@code platform_machine}).</li>
 *   <li>Each distribution with its exact version and, where an installation report gave them
 *       ({@link ArtifactRecord}), the file's URL (without credentials) and hashes: a wheel as
 *       {@code [[packages.wheels]]}, a source distribution as {@code [packages.sdist]}, a direct URL as
 *       {@code [packages.archive]}.</li>
 *   <li>A distribution whose file is unknown (installed by a backend or a pip without installation reports) is written
 *       with its name and version only, and listed in {@code [tool.isoenv] files-unknown}: installing that lock then
 *       fails with a message naming it, rather than installing something unchecked.</li>
 * </ul>
 */
public final class LockExporter {
    private static final Pattern LOCK_NAME = Pattern.compile("pylock\\.toml|pylock\\.[^.]+\\.toml");

    private LockExporter() {
    }

    /**
     * Writes the lock file.
     *
     * @param output where to write it, named {@code pylock.toml} or {@code pylock.NAME.toml}
     * @param distributions the distributions to lock
     * @param artifacts what installation reports recorded, by normalized name
     * @param markers the environment's marker variables
     * @param backend the backend that built the environment
     * @return the lock as written, read back
     */
    public static PackageLock export(Path output, List<InstalledDistribution> distributions,
                                     Map<String, ArtifactRecord.Entry> artifacts, Map<String, String> markers,
                                     String backend) {
        Path file = output.toAbsolutePath().normalize();
        if (file.getFileName() == null || !LOCK_NAME.matcher(file.getFileName().toString()).matches()) {
            throw new InvalidSpecException("A lock file must be named pylock.toml or pylock.NAME.toml (PEP 751), not "
                    + file.getFileName() + ".");
        }
        Map<String, InstalledDistribution> byName = new TreeMap<>();
        for (InstalledDistribution d : distributions) {
            byName.put(d.normalizedName(), d);
        }
        List<Map<String, Object>> packages = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        boolean platformSpecific = false;
        for (InstalledDistribution d : byName.values()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", d.normalizedName());
            p.put("version", d.version());
            ArtifactRecord.Entry e = artifacts.get(d.normalizedName());
            if (e == null || !e.version().equals(d.version()) || e.hashes().isEmpty() || e.url().isEmpty()) {
                unknown.add(d.normalizedName() + "==" + d.version());
                packages.add(p);
                continue;
            }
            String url = ArtifactRecord.withoutCredentials(e.url());
            Map<String, Object> f = new LinkedHashMap<>();
            String fileName = fileName(url);
            if (e.direct()) {
                f.put("url", url);
                f.put("hashes", new TreeMap<>(e.hashes()));
                p.put("archive", f);
            } else {
                f.put("name", fileName);
                f.put("url", url);
                f.put("hashes", new TreeMap<>(e.hashes()));
                if (fileName.endsWith(".whl")) {
                    p.put("wheels", List.of(f));
                    platformSpecific |= !fileName.endsWith("-any.whl");
                } else {
                    p.put("sdist", f);
                }
            }
            packages.add(p);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("lock-version", "1.0");
        if (platformSpecific && markers.containsKey("sys_platform") && markers.containsKey("platform_machine")) {
            top.put("environments", List.of("sys_platform == '" + markers.get("sys_platform")
                    + "' and platform_machine == '" + markers.get("platform_machine") + "'"));
        }
        String python = markers.getOrDefault("python_version", "");
        if (python.matches("[0-9]+\\.[0-9]+")) {
            top.put("requires-python", "==" + python + ".*");
        }
        top.put("created-by", "isoenv");
        Map<String, Object> isoenv = new LinkedHashMap<>();
        isoenv.put("backend", backend);
        isoenv.put("python", markers.getOrDefault("python_full_version", ""));
        if (!unknown.isEmpty()) {
            isoenv.put("files-unknown", unknown);
            isoenv.put("files-unknown-reason", "installed without a pip installation report (pip 22.2 or newer"
                    + " with the venv or conda backend writes one); these entries cannot be installed from this lock");
        }
        String text = LockToml.write(top, packages, Map.of("isoenv", isoenv));
        write(file, text);
        if (!unknown.isEmpty()) {
            System.getLogger("dev.isoenv").log(Level.WARNING, "isoenv: {0} has no file URL or hash for {1}: they"
                    + " were installed without a pip installation report. The lock names them with their versions"
                    + " only, and cannot be installed until they are locked again.", file, unknown);
        }
        return PackageLock.read(file);
    }

    private static String fileName(String url) {
        String path = java.net.URI.create(url).getRawPath();
        return path == null ? "" : java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1),
                StandardCharsets.UTF_8);
    }

    private static void write(Path file, String text) {
        try {
            Path folder = file.getParent();
            Files.createDirectories(folder);
            Path temporary = Files.createTempFile(folder, ".pylock", ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("write the lock file", file, e), e);
        }
    }
}
