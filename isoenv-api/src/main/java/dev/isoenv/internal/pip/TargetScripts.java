package dev.isoenv.internal.pip;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.spi.EnvironmentLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the console scripts of a {@code pip install --target} where the environment keeps them. pip writes them into
 * {@code <target>/bin} (its home scheme; {@code Scripts} on Windows) and records them in each {@code RECORD} as
 * {@code ../../bin/NAME}, relative to that scheme's {@code lib/python}; they move into the environment's scripts
 * folder, replacing a script of the same name, and the {@code RECORD} lines are written for the new place, so that
 * pip's uninstall and isoenv's lock export find them.
 */
final class TargetScripts {
    private TargetScripts() {
    }

    static void move(EnvironmentLayout environment) {
        Path site = environment.sitePackages();
        Path scripts = environment.scriptsDirectory();
        try {
            for (String folder : List.of("bin", "Scripts")) {
                Path from = site.resolve(folder);
                if (!Files.isDirectory(from) || from.equals(scripts)) {
                    continue;
                }
                Files.createDirectories(scripts);
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
                    for (Path entry : entries) {
                        Files.move(entry, scripts.resolve(entry.getFileName().toString()),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.delete(from);
                rewriteRecords(site, "../../" + folder + "/",
                        site.relativize(scripts).toString().replace('\\', '/') + "/");
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("move the console scripts into", scripts, e),
                    e);
        }
    }

    private static void rewriteRecords(Path site, String from, String to) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(site, "*.dist-info")) {
            for (Path distInfo : entries) {
                Path record = distInfo.resolve("RECORD");
                if (!Files.isRegularFile(record)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
                List<String> out = new ArrayList<>(lines.size());
                boolean changed = false;
                for (String line : lines) {
                    if (line.startsWith(from)) {
                        out.add(to + line.substring(from.length()));
                        changed = true;
                    } else {
                        out.add(line);
                    }
                }
                if (changed) {
                    Files.write(record, out, StandardCharsets.UTF_8);
                }
            }
        }
    }
}
