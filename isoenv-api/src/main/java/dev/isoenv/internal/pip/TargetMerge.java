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

    /** Moves one file; tests replace it to make a move fail half-way. */
    @FunctionalInterface
    interface Mover {
        void move(Path from, Path to) throws IOException;
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
     *     replaced distribution and not the same bytes; nothing was changed
     * @throws EnvironmentStateException if a move fails; what was moved is moved back, so the environment is as it
     *     was, unless moving back failed too, which the message says
     */
    static void merge(EnvironmentLayout environment, Path scratch, Collection<String> replaced, String what,
                      ProcessResult install) {
        merge(environment, scratch, replaced, what, install,
                (from, to) -> Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
    }

    static void merge(EnvironmentLayout environment, Path scratch, Collection<String> replaced, String what,
                      ProcessResult install, Mover mover) {
        Path site = environment.sitePackages();
        Path scripts = environment.scriptsDirectory();
        Path root = environment.root().toAbsolutePath().normalize();
        Path scratchScripts = scratch.resolve(TargetScripts.folder(environment));
        // What the replaced versions had, kept here until the new files are all in place.
        Path kept = scratch.resolveSibling(scratch.getFileName() + "-replaced");
        List<Path[]> keptFiles = new ArrayList<>();
        List<Path> created = new ArrayList<>();
        try {
            if (Files.exists(kept, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.delete(kept);
            }
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
            Set<Path> same = new LinkedHashSet<>();
            List<Path[]> compiledClashes = new ArrayList<>();
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
                            if (!directory && !there && Files.isRegularFile(to, LinkOption.NOFOLLOW_LINKS)
                                    && Files.mismatch(from, to) == -1) {
                                // The same bytes another distribution installed (an old-style namespace package's
                                // __init__.py): left as it is, as pip would overwrite it with itself.
                                same.add(to);
                            } else if (isCompiled(to)) {
                                compiledClashes.add(new Path[] {from, to});
                            } else {
                                conflicts.add(to.toString());
                            }
                            continue;
                        }
                    }
                    moves.add(new Path[] {from, to});
                }
            }
            for (Path[] clash : compiledClashes) {
                // A compiled file of a source left as it is stays as it is too; of another source, it clashes.
                if (!same.contains(sourceOf(clash[1]))) {
                    conflicts.add(clash[1].toString());
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
            // The .dist-info folders go in last: until they are there, no new version counts as installed.
            moves.sort(Comparator.comparing((Path[] m) -> isDistInfo(scratch, m[0])));
            for (Path file : owned) {
                // The .dist-info's own files go with their folder, below.
                if (distInfos.stream().noneMatch(file::startsWith)
                        && (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file))) {
                    keep(file, kept.resolve(root.relativize(file).toString()), keptFiles);
                }
            }
            for (Path distInfo : distInfos) {
                if (Files.exists(distInfo, LinkOption.NOFOLLOW_LINKS)) {
                    keep(distInfo, kept.resolve(root.relativize(distInfo).toString()), keptFiles);
                }
            }
            for (Path[] move : moves) {
                if (Files.isDirectory(move[0], LinkOption.NOFOLLOW_LINKS)) {
                    createDirectories(move[1], created);
                } else {
                    createDirectories(move[1].getParent(), created);
                    mover.move(move[0], move[1]);
                    created.add(move[1]);
                }
            }
        } catch (IOException e) {
            String back = moveBack(created, keptFiles);
            throw new EnvironmentStateException(FileProblems.describe("move the installed files into", site, e)
                    + (back.isEmpty() ? " What was moved was moved back: the environment is as it was. Call ensure()"
                    + " again." : " Moving back failed too (" + back + "): the environment may be incomplete; delete"
                    + " it so that it is rebuilt."), e);
        }
        // Done: what the replaced versions had is not needed any more.
        for (Path[] k : keptFiles) {
            try {
                removeEmptyParents(k[0].getParent(), site, scripts);
            } catch (IOException e) {
                // An empty folder left behind changes nothing.
            }
        }
        try {
            if (Files.exists(kept, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.delete(kept);
            }
        } catch (IOException e) {
            // Removed at the next install for another platform.
        }
    }

    private static void keep(Path file, Path keptAt, List<Path[]> keptFiles) throws IOException {
        Files.createDirectories(keptAt.getParent());
        Files.move(file, keptAt);
        keptFiles.add(new Path[] {file, keptAt});
    }

    /** Creates a folder and its missing parents, noting each one created so that it can be removed again. */
    private static void createDirectories(Path folder, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = folder; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            created.add(p);
        }
    }

    /** Undoes a merge that failed half-way; returns what could not be undone, or an empty string. */
    private static String moveBack(List<Path> created, List<Path[]> keptFiles) {
        List<String> failed = new ArrayList<>();
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                failed.add(created.get(i) + ": " + e);
            }
        }
        for (int i = keptFiles.size() - 1; i >= 0; i--) {
            Path[] k = keptFiles.get(i);
            try {
                Files.createDirectories(k[0].getParent());
                Files.move(k[1], k[0]);
            } catch (IOException e) {
                failed.add(k[0] + ": " + e);
            }
        }
        return String.join("; ", failed);
    }

    private static boolean isDistInfo(Path scratch, Path from) {
        Path relative = scratch.relativize(from);
        return relative.getNameCount() > 0 && relative.getName(0).toString().endsWith(".dist-info");
    }

    private static boolean isCompiled(Path file) {
        return file.getParent() != null && file.getParent().getFileName() != null
                && file.getParent().getFileName().toString().equals("__pycache__")
                && file.getFileName().toString().endsWith(".pyc");
    }

    /** The source of {@code pkg/__pycache__/mod.cpython-311.pyc}: {@code pkg/mod.py}. */
    private static Path sourceOf(Path compiled) {
        String name = compiled.getFileName().toString();
        int dot = name.indexOf('.');
        return compiled.getParent().getParent().resolve((dot < 0 ? name : name.substring(0, dot)) + ".py");
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
