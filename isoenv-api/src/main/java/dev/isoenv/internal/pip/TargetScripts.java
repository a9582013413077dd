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
 * Where the console scripts of a {@code pip install --target} are, and where they go. pip installs a {@code --target}
 * through its home scheme, which is {@code posix_home} on every operating system (CPython's
 * {@code sysconfig._get_preferred_schemes()} names it for Windows too, and distutils' {@code --home} does the same), so
 * the scripts are in {@code <target>/bin} and each {@code RECORD} names them {@code ../../bin/NAME}, relative to that
 * scheme's {@code lib/python}; they move into the environment's scripts folder ({@code bin}, or {@code Scripts} on
 * Windows), and the {@code RECORD} lines are written for the new place, so that pip's uninstall and isoenv's lock
 * export find them. Only the scheme's folder is taken: a package named {@code Scripts} stays a package.
 */
final class TargetScripts {
    private TargetScripts() {
    }

    /** The folder of {@code --target} that holds pip's console scripts: the home scheme's, on every system. */
    static String folder(EnvironmentLayout environment) {
        return "bin";
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
