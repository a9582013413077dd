package dev.isoenv.internal.pip;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.InstallationException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.io.FileTrees;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Moves what {@code pip install --target <scratch>} wrote into the environment, in place of pip's own
 * {@code --target --upgrade}, which deletes every top-level folder of the target that has a name it installs, and so
 * the files of other distributions in a namespace folder they share ({@code google/}, {@code nvidia/}). Folders are
 * merged; the distributions being replaced lose the files their {@code RECORD} names; a file that is there already
 * and is not one of those is a conflict, refused before anything changes; the console scripts go to the
 * environment's scripts folder ({@link TargetScripts}).
 */
final class TargetMerge {
    private TargetMerge() {
    }

    /**
     * Moves the scratch install into the environment.
     *
     * @param environment the environment
     * @param scratch the {@code --target} folder pip installed into
     * @param replaced the normalized names of the installed distributions that the scratch install replaces
     * @param what what was installed, for messages
     * @param install the pip command and its result, for a conflict's {@link InstallationException}
     * @throws InstallationException if a file of the scratch install is in the environment already, not owned by a
     *     replaced distribution; nothing was changed
     */
    static void merge(EnvironmentLayout environment, Path scratch, Collection<String> replaced, String what,
                      ProcessResult install) {
        Path site = environment.sitePackages();
        Path scripts = environment.scriptsDirectory();
        Path scratchScripts = scratch.resolve(TargetScripts.folder(environment));
        try {
            TargetScripts.rewriteRecords(environment, scratch);
            Set<Path> owned = new LinkedHashSet<>();
            List<Path> distInfos = new ArrayList<>();
            for (Path distInfo : distInfos(site)) {
                if (replaced.contains(distributionName(distInfo))) {
                    distInfos.add(distInfo);
                    owned.addAll(recordedFiles(site, distInfo, environment.root()));
                }
            }
            List<Path[]> moves = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(scratch)) {
                for (Path from : walk.sorted().collect(Collectors.toList())) {
                    if (from.equals(scratch) || from.equals(scratchScripts)) {
                        continue;
                    }
                    Path to = from.startsWith(scratchScripts)
                            ? scripts.resolve(scratchScripts.relativize(from).toString())
                            : site.resolve(scratch.relativize(from).toString());
                    boolean directory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
                    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                        boolean there = Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS);
                        boolean ownedByReplaced = owned.contains(to.normalize())
                                || distInfos.stream().anyMatch(to::startsWith);
                        if (directory && there) {
                            continue;
                        }
                        if (!ownedByReplaced || there) {
                            conflicts.add(to.toString());
                            continue;
                        }
                    }
                    moves.add(new Path[] {from, to});
                }
            }
            if (!conflicts.isEmpty()) {
                throw new InstallationException(what + ", moving it from " + scratch + " into " + site,
                        install.command(), install.exitCode(), List.of(), "pip installed it, but "
                        + (conflicts.size() == 1 ? "a file it brings is" : conflicts.size() + " files it brings are")
                        + " in the environment already, owned by another distribution: "
                        + String.join(", ", conflicts.subList(0, Math.min(5, conflicts.size())))
                        + (conflicts.size() > 5 ? ", ..." : "") + ". Two distributions that install the same file"
                        + " cannot both be installed; nothing was changed. Remove one of the requirements, or"
                        + " delete the environment if the file is a leftover.");
            }
            for (Path file : owned) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file)) {
                    Files.delete(file);
                    removeEmptyParents(file.getParent(), site, scripts);
                }
            }
            for (Path distInfo : distInfos) {
                if (Files.exists(distInfo, LinkOption.NOFOLLOW_LINKS)) {
                    FileTrees.delete(distInfo);
                }
            }
            for (Path[] move : moves) {
                if (Files.isDirectory(move[0], LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(move[1]);
                } else {
                    Files.createDirectories(move[1].getParent());
                    Files.move(move[0], move[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("move the installed files into", site, e)
                    + " The environment may be incomplete: call ensure() again, or delete it so that it is rebuilt.",
                    e);
        }
    }

    private static List<Path> distInfos(Path site) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(site)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(site, "*.dist-info")) {
            entries.forEach(out::add);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The normalized distribution name of a {@code name-version.dist-info} folder. */
    static String distributionName(Path distInfo) {
        String folder = distInfo.getFileName().toString();
        int dash = folder.indexOf('-');
        return Requirement.normalize(dash < 0 ? folder.substring(0, folder.length() - ".dist-info".length())
                : folder.substring(0, dash));
    }

    /** The files a {@code RECORD} names, absolute and normalized; those outside the environment are left out. */
    private static Set<Path> recordedFiles(Path site, Path distInfo, Path root) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        Path record = distInfo.resolve("RECORD");
        if (!Files.isRegularFile(record)) {
            return files;
        }
        for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
            String path = firstField(line);
            if (path.isEmpty()) {
                continue;
            }
            Path file = site.resolve(path).normalize();
            if (file.startsWith(root.toAbsolutePath().normalize())) {
                files.add(file);
            }
        }
        return files;
    }

    /** The first field of a CSV line, as a {@code RECORD} writes it ({@code "a,b.py",sha256=...,12}). */
    static String firstField(String line) {
        if (!line.startsWith("\"")) {
            int comma = line.indexOf(',');
            return (comma < 0 ? line : line.substring(0, comma)).strip();
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    out.append('"');
                    i++;
                } else {
                    break;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void removeEmptyParents(Path folder, Path site, Path scripts) throws IOException {
        for (Path p = folder; p != null && p.startsWith(site) && !p.equals(site) && !p.equals(scripts);
             p = p.getParent()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(p);
        }
    }
}
