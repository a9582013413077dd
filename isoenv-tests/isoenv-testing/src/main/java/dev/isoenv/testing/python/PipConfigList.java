package dev.isoenv.testing.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The machine's pip configuration as {@code python -m pip config list} prints it, for the fixtures that look for a
 * real wheel this machine offers ({@link MachineTorchWheel}, {@link MachineRayWheel}) instead of naming its path.
 */
final class PipConfigList {
    private PipConfigList() {
    }

    /** Asks the machine's pip for its configuration; an empty list when there is no such pip. */
    static List<String> read() {
        for (String python : List.of("python3", "python")) {
            try {
                Process p = new ProcessBuilder(python, "-m", "pip", "config", "list").redirectErrorStream(true)
                        .start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return out.lines().toList();
                }
            } catch (IOException e) {
                // No such interpreter: try the next name.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    /** The values of a key in pip's {@code config list} lines, such as {@code global.find-links='/a /b'}. */
    static List<String> values(List<String> config, String key) {
        List<String> values = new ArrayList<>();
        for (String line : config) {
            int eq = line.indexOf('=');
            if (eq < 0 || !line.substring(0, eq).endsWith("." + key)) {
                continue;
            }
            String value = line.substring(eq + 1).strip().replaceAll("^'|'$", "");
            for (String v : value.split("\\s+")) {
                if (!v.isEmpty() && !values.contains(v)) {
                    values.add(v);
                }
            }
        }
        return values;
    }

    /** The local ({@code file:}) indexes of the configuration, its index-url first, then its extra-index-urls. */
    static List<String> localIndexes(List<String> config) {
        List<String> indexes = new ArrayList<>(values(config, "index-url"));
        indexes.addAll(values(config, "extra-index-url"));
        indexes.removeIf(u -> !u.startsWith("file:"));
        return indexes;
    }

    /** The configuration's find-links folders, as paths ({@code file:} URLs read as their path). */
    static List<Path> findLinksFolders(List<String> config) {
        List<Path> folders = new ArrayList<>();
        for (String folder : values(config, "find-links")) {
            folders.add(Path.of(folder.startsWith("file:") ? URI.create(folder).getPath() : folder));
        }
        return folders;
    }

    /**
     * The wheels in a folder whose names match {@code glob} and {@code name}, sorted; none where it is no folder.
     *
     * @param folder a find-links folder
     * @param glob a first filter on names, such as {@code torch-*+cpu-*.whl}
     * @param name the pattern the whole file name must match
     * @return the wheels' absolute paths
     */
    static List<Path> wheelsIn(Path folder, String glob, Pattern name) {
        List<Path> wheels = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return wheels;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, glob)) {
            for (Path entry : entries) {
                if (name.matcher(entry.getFileName().toString()).matches()) {
                    wheels.add(entry.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        wheels.sort(Comparator.naturalOrder());
        return wheels;
    }
}
