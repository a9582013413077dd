package dev.isoenv.internal.pip;

import dev.isoenv.spi.EnvironmentLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the console scripts of a {@code pip install --target} are, and where they go. pip writes them into
 * {@code <target>/bin} on POSIX and {@code <target>/Scripts} on Windows (its home scheme, on this machine's operating
 * system, which is the target's) and records them in each {@code RECORD} as {@code ../../bin/NAME}, relative to that
 * scheme's {@code lib/python}; they move into the environment's scripts folder, and the {@code RECORD} lines are
 * written for the new place, so that pip's uninstall and isoenv's lock export find them. Only the scheme's folder is
 * taken: a package that happens to be named {@code Scripts} (or {@code bin} on Windows) stays a package.
 */
final class TargetScripts {
    private TargetScripts() {
    }

    /** The folder of {@code --target} that holds pip's console scripts on the environment's operating system. */
    static String folder(EnvironmentLayout environment) {
        return environment.operatingSystem().isWindows() ? "Scripts" : "bin";
    }

    /**
     * Rewrites the {@code RECORD} lines of the scripts of every {@code .dist-info} in {@code target} (the scratch
     * folder of a {@code --target} install) for where the scripts go: the environment's scripts folder, relative to
     * its site-packages.
     */
    static void rewriteRecords(EnvironmentLayout environment, Path target) throws IOException {
        String from = "../../" + folder(environment) + "/";
        String to = environment.sitePackages().relativize(environment.scriptsDirectory()).toString()
                .replace('\\', '/') + "/";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target, "*.dist-info")) {
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
