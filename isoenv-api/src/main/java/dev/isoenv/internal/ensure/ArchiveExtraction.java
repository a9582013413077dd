package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.ArchiveRefusals.damaged;
import static dev.isoenv.internal.ensure.ArchiveRefusals.inconsistent;
import static dev.isoenv.internal.ensure.ArchiveRefusals.notOurs;
import static dev.isoenv.internal.ensure.ArchiveRefusals.shown;
import static dev.isoenv.internal.ensure.ArchiveRefusals.special;
import static dev.isoenv.internal.ensure.ArchiveRefusals.unsafe;
import static dev.isoenv.internal.ensure.EnvironmentPacking.MANIFEST;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.io.Sha256;
import dev.isoenv.internal.pack.ArchiveFormat;
import dev.isoenv.internal.pack.ArchiveReader;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Extraction of an archive into a staging folder beside the target, with the checks that make unpacking safe: the
 * target is new or empty, stale staging folders of a killed unpack are swept, the file's published SHA-256 is checked
 * on a private copy, the manifest comes first and is checked ({@link PackManifest}), the disk has room, each entry's
 * path stays inside the staging folder and is no special file, the entries and bytes stay within what the manifest
 * declares, every link leads inside the environment (but the venv's interpreter link), the payload's hash matches, and
 * the state record describes an environment for this system. Then the new location is written in
 * ({@link PrefixRelocation}).
 */
final class ArchiveExtraction {
    /** The backends whose environments pack() packs: those that make a virtual environment, and conda's prefixes. */
    private static final Set<String> PACKED_BACKENDS = Set.of("venv", "uv", "conda");

    private ArchiveExtraction() {
    }

    static void checkTarget(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(target)) {
                if (children.findAny().isEmpty()) {
                    return;
                }
            }
        }
        throw new EnvironmentConflictException("The location " + target + " is not empty. unpack() writes only into"
                + " a new or empty directory: choose another, or delete what is there (Isoenv.delete for an"
                + " environment isoenv made).");
    }

    /**
     * Removes the hidden folders that an unpack of the same location left when it was killed. The caller holds the
     * location's lock, so no live unpack of it is writing them.
     */
    static void sweepStale(Path target, String stagingPrefix) {
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (var siblings = Files.newDirectoryStream(parent,
                p -> p.getFileName().toString().startsWith(stagingPrefix))) {
            for (Path stale : siblings) {
                try {
                    dev.isoenv.internal.io.FileTrees.delete(stale);
                    Logging.logger().log(System.Logger.Level.INFO, "isoenv: removed {0}, left by an unpack that"
                            + " did not finish", stale);
                } catch (IOException e) {
                    Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not remove {0}: {1}", stale, e);
                }
            }
        } catch (IOException e) {
            Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not list {0}: {1}", parent, e);
        }
    }

    /**
     * Copies the archive into a new folder {@code copyFolder} that only its owner may enter (where the file system has
     * POSIX permissions), hashing what it copies, and refuses it, before anything is extracted, when the SHA-256 is not
     * the one published beside it. The copy is written to a new file, never through a link, and is what is extracted
     * then; the caller removes the folder.
     *
     * @return the copy
     */
    static Path checkFileHash(Path file, Path copyFolder, String expected) {
        String actual;
        Path copy = copyFolder.resolve("archive");
        try {
            if (Files.getFileStore(copyFolder.getParent()).supportsFileAttributeView("posix")) {
                Files.createDirectory(copyFolder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(copyFolder);
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("create", copyFolder, e) + " (a private copy of"
                    + " the archive, to check its hash). Nothing was unpacked.", e);
        }
        MessageDigest digest = Sha256.digest();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(Files.newOutputStream(copy, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), digest)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new EnvironmentStateException(FileProblems.describe("write", copy, e) + " (a private copy of"
                            + " the archive, to check its hash). Nothing was unpacked.", e);
                }
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("read", file, e) + " Nothing was unpacked.", e);
        }
        actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(expected)) {
            throw new InvalidArchiveException("The archive " + file + " has SHA-256 " + actual + ", and the expected"
                    + " SHA-256 is " + expected + ": the file was changed after it was published, or it is not the"
                    + " archive that was published. Nothing was unpacked. Fetch the archive again from where it was"
                    + " published, and check that the expected hash is the one published with it.",
                    Reason.NOT_THE_PUBLISHED_FILE);
        }
        return copy;
    }

    /** Extracts {@code source} (the archive, or a private copy of it) into staging; messages name {@code file}. */
    static JsonNode extract(Path file, Path source, Path staging, Path target) throws IOException {
        JsonNode manifest;
        MessageDigest payload = Sha256.digest();
        int entries = 0;
        long bytes = 0;
        long declaredBytes;
        ArchiveFormat format = ArchiveFormat.detect(source).orElseThrow(() -> notOurs(file, null));
        ArchiveReader opened;
        try {
            opened = format.reader(source);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            // A zip's framing is read first, from its end: a cut-short zip is damaged, not someone else's file.
            throw format == ArchiveFormat.ZIP ? damaged(file, e) : notOurs(file, e);
        }
        try (ArchiveReader reader = opened) {
            Optional<ArchiveReader.Entry> first;
            try {
                first = reader.next();
                if (first.isEmpty() || !first.get().name().equals(MANIFEST)
                        || first.get().type() != ArchiveReader.Type.FILE || first.get().size() > 16 << 20) {
                    throw notOurs(file, null);
                }
                manifest = PackManifest.JSON.readTree(reader.content().readAllBytes());
            } catch (IOException e) {
                throw notOurs(file, e);
            }
            if (manifest.path("format").asInt(-1) != PackManifest.FORMAT) {
                throw new InvalidArchiveException("The archive " + file + " has manifest format "
                        + shown(manifest.path("format").asText("?")) + "; this isoenv reads format "
                        + PackManifest.FORMAT
                        + ". Unpack it with the isoenv version that packed it ("
                        + shown(manifest.path("isoenv").asText("?")) + "), or a newer isoenv.",
                        Reason.UNSUPPORTED_FORMAT);
            }
            PackManifest.checkPlatform(file, manifest);
            PackManifest.checkInterpreter(file, manifest);
            PrefixRelocation.checkBinaryRoom(file, target, manifest);
            long declaredEntries = PackManifest.declared(file, manifest, "entries");
            declaredBytes = PackManifest.declared(file, manifest, "bytes");
            checkSpace(staging, target, declaredEntries, declaredBytes);
            while (true) {
                Optional<ArchiveReader.Entry> next;
                try {
                    next = reader.next();
                } catch (IOException e) {
                    throw damaged(file, e);
                }
                if (next.isEmpty()) {
                    break;
                }
                ArchiveReader.Entry entry = next.get();
                entries++;
                if (entry.type() != ArchiveReader.Type.FILE && entry.type() != ArchiveReader.Type.DIRECTORY
                        && entry.type() != ArchiveReader.Type.SYMLINK) {
                    throw special(file, entry.name());
                }
                if (entries > declaredEntries) {
                    throw inconsistent(file, "it declares " + declaredEntries + " entries, and the archive holds more:"
                            + " extraction stopped at entry " + entries + ", " + shown(entry.name()));
                }
                if (entry.type() == ArchiveReader.Type.FILE && entry.size() > declaredBytes - bytes) {
                    throw inconsistent(file, "it declares " + declaredBytes + " bytes of file content in all, and "
                            + shown(entry.name()) + " alone has " + entry.size() + " bytes"
                            + (bytes == 0 ? "" : " after the " + bytes + " bytes already found")
                            + ": extraction stopped before writing it");
                }
                Path path = safePath(file, staging, entry);
                String rel = entry.name();
                switch (entry.type()) {
                    case DIRECTORY -> {
                        Files.createDirectories(path);
                        payload.update(line('D', entry.mode(), rel, "").getBytes(StandardCharsets.UTF_8));
                    }
                    case SYMLINK -> {
                        Files.createSymbolicLink(path, linkPath(file, entry));
                        payload.update(line('L', 0777, rel, entry.link()).getBytes(StandardCharsets.UTF_8));
                    }
                    case FILE -> {
                        MessageDigest content = Sha256.digest();
                        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(path), content)) {
                            reader.content().transferTo(out);
                        } catch (java.io.EOFException e) {
                            throw damaged(file, e);
                        }
                        bytes += entry.size();
                        permissions(path, entry.mode());
                        // As the archive gives it, so that a compiled module that checks its source's time stays valid.
                        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.from(entry.mtime(),
                                java.util.concurrent.TimeUnit.SECONDS));
                        payload.update(line('F', entry.mode(), rel, HexFormat.of().formatHex(content.digest()) + "\0"
                                + entry.size()).getBytes(StandardCharsets.UTF_8));
                    }
                    default -> throw special(file, rel);
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw damaged(file, e);
        }
        checkLinks(file, staging, manifest);
        String expected = manifest.path("payload").path("sha256").asText("");
        String actual = HexFormat.of().formatHex(payload.digest());
        if (!expected.equals(actual) || manifest.path("payload").path("entries").asInt(-1) != entries) {
            throw new InvalidArchiveException("The archive " + file + " was changed after it was packed: its content"
                    + " has SHA-256 " + actual + ", its manifest records " + expected + ". Nothing was unpacked. Copy"
                    + " the archive again from where it was packed, or pack the environment again.",
                    Reason.HASH_MISMATCH);
        }
        if (bytes != declaredBytes) {
            throw inconsistent(file, "it declares " + declaredBytes + " bytes of file content, and the archive holds "
                    + bytes);
        }
        PrefixRelocation.rewritePrefix(file, staging, target, manifest);
        return manifest;
    }

    /**
     * Refuses to start when the file store that will hold the environment has less usable space than the archive
     * declares, with a margin of one 4 KiB block per entry for what the file system rounds up.
     */
    static void checkSpace(Path staging, Path target, long entries, long bytes) throws IOException {
        long blocks = entries > Long.MAX_VALUE / 4096 ? Long.MAX_VALUE : entries * 4096L;
        long needed = bytes > Long.MAX_VALUE - blocks ? Long.MAX_VALUE : bytes + blocks;
        long free = Files.getFileStore(staging).getUsableSpace();
        if (free < needed) {
            throw new EnvironmentStateException("Not enough disk space to unpack into " + target + ": the archive"
                    + " declares " + bytes + " bytes in " + entries + " entries, so unpacking needs about "
                    + mebibytes(needed) + ", and the file system that holds " + target.getParent() + " has "
                    + mebibytes(free) + " free. Nothing was unpacked. Free space there, or unpack to a location on"
                    + " a larger file system.");
        }
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / (double) (1 << 20), bytes);
    }

    /** The entry's path in the staging folder, refusing one that would reach outside it. */
    static Path safePath(Path file, Path staging, ArchiveReader.Entry entry) throws IOException {
        String name = entry.name();
        boolean unsafe = name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")
                || (name.length() > 1 && name.charAt(1) == ':');
        boolean windows = OperatingSystem.current() == OperatingSystem.WINDOWS;
        for (String part : name.split("/")) {
            unsafe |= part.isEmpty() || part.equals("..") || part.equals(".");
            if (windows && !part.isEmpty()) {
                String stem = part.split("\\.", 2)[0].strip().toUpperCase(Locale.ROOT);
                unsafe |= part.endsWith(".") || part.endsWith(" ") || part.chars().anyMatch(c -> "<>:\"|?*".indexOf(c) >= 0)
                        || stem.matches("CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]|CONIN\\$|CONOUT\\$");
            }
        }
        Path path;
        try {
            path = unsafe ? null : staging.resolve(name).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            path = null;
        }
        if (path == null || !path.startsWith(staging) || path.equals(staging) || name.equals(MANIFEST)) {
            throw unsafe(file, name);
        }
        // No entry is written through a link an earlier entry made, nor over an earlier entry.
        for (Path p = path.getParent(); !p.equals(staging); p = p.getParent()) {
            if (Files.isSymbolicLink(p)
                    || Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw unsafe(file, name);
            }
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !(entry.type() == ArchiveReader.Type.DIRECTORY
                && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))) {
            throw unsafe(file, name);
        }
        if (!Files.isDirectory(path.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path.getParent());
        }
        return path;
    }

    /** The link an entry names, refusing text that is no path here. */
    static Path linkPath(Path file, ArchiveReader.Entry entry) {
        String link = entry.link();
        if (link.isEmpty() || link.contains("\0") || link.contains("\\")) {
            throw unsafe(file, entry.name() + " -> " + link);
        }
        try {
            return Path.of(link);
        } catch (java.nio.file.InvalidPathException e) {
            throw unsafe(file, entry.name() + " -> " + link);
        }
    }

    /**
     * Refuses any link that leads outside the staging folder, followed as the system would follow it (links within
     * the link's path included), once every entry is written. The one exception is the venv's interpreter link: an
     * absolute link {@code bin/python*} to the manifest's base interpreter or a file beside it.
     */
    static void checkLinks(Path file, Path staging, JsonNode manifest) throws IOException {
        List<Path> links = new ArrayList<>();
        Files.walkFileTree(staging, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink()) {
                    links.add(f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path link : links) {
            String rel = PackedEntries.relative(staging, link);
            Path to = Files.readSymbolicLink(link);
            if (to.isAbsolute() ? !isInterpreterLink(rel, to, manifest)
                    : resolveInside(staging, link.getParent(), PackedEntries.separators(to.toString()), 0) == null) {
                throw new InvalidArchiveException("The archive " + file + " holds a link that points outside the"
                        + " environment (" + Redactor.excerpt(rel + " -> " + to) + "). Nothing was unpacked. Use an"
                        + " archive that Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
            }
        }
    }

    static boolean isInterpreterLink(String rel, Path to, JsonNode manifest) {
        int slash = rel.indexOf('/');
        if (slash < 0 || rel.indexOf('/', slash + 1) >= 0 || !Set.of("bin", "Scripts").contains(rel.substring(0, slash))
                || !rel.substring(slash + 1).matches("python[0-9.]*(\\.exe)?")) {
            return false;
        }
        String base = manifest.path("python").path("base").asText("");
        try {
            Path b = Path.of(base);
            if (base.isEmpty() || !b.isAbsolute()) {
                return false;
            }
            Path t = to.normalize();
            // The base itself, or another Python of its folder (a venv's python3 link to /usr/bin/python3 beside the
            // recorded /usr/bin/python3.11): a link named python* to a file that is not named python* is refused.
            if (t.equals(b.normalize()) || b.normalize().getParent() != null && t.getParent() != null
                    && t.getParent().equals(b.normalize().getParent()) && t.getFileName() != null
                    && t.getFileName().toString().matches("python[0-9.]*(\\.exe)?")) {
                return true;
            }
            // A base reached through a link (a venv records the resolved interpreter, and links to the one it ran).
            return Files.isRegularFile(t) && Files.isRegularFile(b) && t.toRealPath().equals(b.toRealPath());
        } catch (java.nio.file.InvalidPathException | IOException e) {
            return false;
        }
    }

    /**
     * Where a relative link's text leads from {@code dir}, following the links met on the way (not the last part),
     * or null when that leaves {@code staging} or goes through an absolute link.
     */
    static Path resolveInside(Path staging, Path dir, String text, int depth) throws IOException {
        if (depth > 40) {
            return null;
        }
        Path at = dir;
        String[] parts = text.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (at.equals(staging) || !at.startsWith(staging)) {
                    return null;
                }
                at = at.getParent();
                continue;
            }
            Path next = at.resolve(part);
            if (i < parts.length - 1 && Files.isSymbolicLink(next)) {
                Path inner = Files.readSymbolicLink(next);
                if (inner.isAbsolute()) {
                    return null;
                }
                next = resolveInside(staging, at, PackedEntries.separators(inner.toString()), depth + 1);
                if (next == null) {
                    return null;
                }
            }
            at = next;
        }
        return at.startsWith(staging) ? at : null;
    }

    /**
     * Refuses a state record that does not describe a virtual environment for this system inside the target, built
     * by a backend that makes one: unpack is the first place a state record comes from another machine.
     */
    static void checkState(Path file, Path staging, StateRecord state, boolean bundled) throws IOException {
        String problem = null;
        EnvironmentLayout layout = null;
        try {
            layout = state.layout(staging);
        } catch (RuntimeException e) {
            problem = "its layout cannot be read";
        }
        if (problem == null) {
            Path site = layout.sitePackages().normalize();
            // A venv packed with its interpreter is a Python installation, whose layout is a prefix's.
            EnvironmentLayout.Kind kind = state.backend().equals("conda") || bundled
                    ? EnvironmentLayout.Kind.CONDA_PREFIX : EnvironmentLayout.Kind.VIRTUAL_ENVIRONMENT;
            if (!PACKED_BACKENDS.contains(state.backend())) {
                problem = "backend " + shown(state.backend()) + " is not one whose environments pack() packs";
            } else if (layout.kind() != kind) {
                problem = kind == EnvironmentLayout.Kind.VIRTUAL_ENVIRONMENT ? "it is not a virtual environment"
                        : state.backend().equals("conda") ? "it is not a conda prefix" : "it is not a Python installation";
            } else if (layout.operatingSystem() != OperatingSystem.current()) {
                problem = "it was made for " + layout.operatingSystem();
            } else if (!site.startsWith(staging) || site.equals(staging)
                    || !Files.isDirectory(site, LinkOption.NOFOLLOW_LINKS)
                    || !site.toRealPath().startsWith(staging.toRealPath())) {
                problem = "its site-packages folder is not a folder inside the environment";
            }
        }
        if (problem != null) {
            throw new InvalidArchiveException("The archive " + file + " holds a state record that isoenv will not use"
                    + " (" + problem + "). Nothing was unpacked. Use an archive that Environment.pack() wrote.",
                    Reason.UNSAFE_ENTRY);
        }
    }

    static String line(char kind, int mode, String path, String rest) {
        return kind + "\0" + Integer.toOctalString(mode) + "\0" + path + "\0" + rest + "\n";
    }

    static void permissions(Path path, int mode) throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = java.util.EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(path, perms);
    }
}
