package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.EnvironmentPacking.LOCK;
import static dev.isoenv.internal.ensure.EnvironmentPacking.MANIFEST;
import static dev.isoenv.internal.ensure.EnvironmentPacking.PLACEHOLDER;

import dev.isoenv.internal.io.Sha256;
import dev.isoenv.internal.pack.ArchiveWriter;
import dev.isoenv.internal.pack.Bytes;
import dev.isoenv.internal.pack.PrefixRewriter;
import dev.isoenv.internal.pack.ScriptLauncher;
import dev.isoenv.spi.EnvironmentLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The entries of an environment as {@link EnvironmentPacking#pack} writes them into the archive: the walk of the
 * environment (every file, directory and link, sorted by path; of the state folder only the state record and the
 * artifact record), and what changes on the way: a console script gets the trampoline
 * ({@link ConsoleScriptTrampoline}), a text file that names the environment's path gets
 * {@link EnvironmentPacking#PLACEHOLDER} instead, a link into the environment becomes relative, a compiled
 * {@code .pyc} that checks its source's timestamp gets the archive's fixed timestamp, and a binary file that names the
 * path is listed. Also how an entry is written, and paths as the archive names them ({@code /}-separated, relative).
 */
final class PackedEntries {
    /** Of the state folder, only these go into the archive. */
    static final Set<String> STATE_FILES = Set.of(StateRecord.DIRECTORY + "/state.properties",
            StateRecord.DIRECTORY + "/" + dev.isoenv.internal.lock.ArtifactRecord.FILE);
    /** The largest file read as text: larger ones go in as they are, and unpacking rewrites no larger. */
    static final long TEXT_LIMIT = 4L << 20;

    private PackedEntries() {
    }

    /** One entry of the payload, as it goes into the archive. */
    record Item(String path, char kind, int mode, Path source, byte[] content, long size, String sha256,
                String link) {
        String digestLine() {
            return kind + "\0" + Integer.toOctalString(mode) + "\0" + path + "\0"
                    + (kind == 'L' ? link : kind == 'F' ? sha256 + "\0" + size : "") + "\n";
        }
    }

    /** Every file, directory and link of the environment, sorted by path, as they go into the archive. */
    static void collect(Path root, EnvironmentLayout layout, List<Item> items, List<String> prefixFiles,
                        List<String> binaryFiles, Set<String> largeBinaries, String missing,
                        InterpreterBundle bundle)
            throws IOException {
        List<String> prefixes = prefixes(root);
        if (bundle != null) {
            prefixes.addAll(bundle.prefixes());
            prefixes.sort((a, b) -> b.length() - a.length());
        }
        String scripts = relative(root, layout.scriptsDirectory());
        TreeMap<String, Path> paths = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    String rel = relative(root, dir);
                    if (rel.equals(StateRecord.DIRECTORY)) {
                        paths.put(rel, dir);
                    } else if (rel.startsWith(StateRecord.DIRECTORY + "/")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    } else {
                        paths.put(rel, dir);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String rel = relative(root, f);
                boolean state = rel.startsWith(StateRecord.DIRECTORY + "/");
                if ((!state || STATE_FILES.contains(rel)) && !rel.equals(MANIFEST) && !rel.equals(LOCK)) {
                    paths.put(rel, f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Map.Entry<String, Path> e : (bundle == null ? paths : bundle.merge(paths)).entrySet()) {
            String rel = e.getKey();
            Path p = e.getValue();
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                items.add(new Item(rel, 'L', 0777, null, null, 0, "", linkTarget(rel, p, prefixes)));
            } else if (attrs.isDirectory()) {
                items.add(new Item(rel, 'D', 0755, null, null, 0, "", ""));
            } else if (attrs.isRegularFile()) {
                int mode = executable(p) ? 0755 : 0644;
                Optional<byte[]> relocated = bundle != null && bundle.fromBase(rel)
                        ? bundle.relocated(rel, p) : Optional.empty();
                if (relocated.isPresent()) {
                    byte[] elf = relocated.get();
                    items.add(new Item(rel, 'F', mode, null, elf, elf.length, Sha256.hex(elf), ""));
                    continue;
                }
                if (attrs.size() > TEXT_LIMIT) {
                    // Too large to scan as text; a conda package's record says which of these name the prefix.
                    if (largeBinaries.contains(rel) && !PrefixRewriter.holds(p, prefixes).isEmpty()) {
                        binaryFiles.add(rel);
                    }
                    items.add(new Item(rel, 'F', mode, p, null, attrs.size(), Sha256.hex(p), ""));
                    continue;
                }
                byte[] bytes = Files.readAllBytes(p);
                boolean record = bundle != null && rel.equals(StateRecord.DIRECTORY + "/state.properties");
                if (record) {
                    bytes = bundle.stateRecord(bytes);
                }
                byte[] content = transform(rel, p, bytes, scripts, prefixes, prefixFiles, binaryFiles, missing);
                if (content == null && record) {
                    content = bytes;
                }
                if (content != null) {
                    items.add(new Item(rel, 'F', mode, null, content, content.length, Sha256.hex(content), ""));
                } else {
                    // Read again when written: small files are not all kept in memory.
                    items.add(new Item(rel, 'F', mode, p, null, bytes.length, Sha256.hex(bytes), ""));
                }
            }
            // Sockets, FIFOs and devices have no place in an environment and are left out.
        }
    }

    /** The environment's path as text files may name it: as given, and its real path where that differs. */
    static List<String> prefixes(Path root) throws IOException {
        List<String> prefixes = new ArrayList<>();
        prefixes.add(root.toString());
        String real = root.toRealPath().toString();
        if (!real.equals(root.toString())) {
            prefixes.add(real);
        }
        prefixes.sort((a, b) -> b.length() - a.length());
        return prefixes;
    }

    /** A link's target as the archive holds it: relative when it points into a packed prefix. */
    static String linkTarget(String rel, Path link, List<String> prefixes) throws IOException {
        Path target = Files.readSymbolicLink(link);
        if (target.isAbsolute()) {
            for (String prefix : prefixes) {
                Path p = Path.of(prefix);
                if (target.normalize().startsWith(p)) {
                    String from = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
                    return InterpreterBundle.relativePath(from, separators(p.relativize(target.normalize())
                            .toString()));
                }
            }
        }
        return separators(target.toString());
    }

    /**
     * The content to write instead of the file's, or null to write the file as it is: a console script with a
     * trampoline, a text file with the placeholder, a compiled file with the fixed timestamp.
     */
    static byte[] transform(String rel, Path file, byte[] bytes, String scripts, List<String> prefixes,
                            List<String> prefixFiles, List<String> binaryFiles, String missing)
            throws IOException {
        if (rel.endsWith(".pyc") && rel.contains("__pycache__/")) {
            return pyc(file, bytes.clone());
        }
        if (rel.startsWith(scripts + "/") && rel.toLowerCase(Locale.ROOT).endsWith(".exe")) {
            // A Windows console-script launcher: its shebang is made relative to the launcher's folder.
            Optional<byte[]> relocated = ScriptLauncher.relocate(bytes, prefixes,
                    scripts.substring(scripts.lastIndexOf('/') + 1));
            if (relocated.isPresent()) {
                return relocated.get();
            }
        }
        Optional<String> text = utf8(bytes);
        if (text.isEmpty()) {
            // Another binary that names the path cannot be rewritten here; the manifest lists it.
            for (String prefix : prefixes) {
                if (Bytes.indexOf(bytes, prefix.getBytes(StandardCharsets.UTF_8)) >= 0) {
                    binaryFiles.add(rel);
                    break;
                }
            }
            return null;
        }
        if (prefixes.stream().noneMatch(prefix -> names(text.get(), prefix))) {
            return null;
        }
        String s = text.get();
        if (rel.startsWith(scripts + "/") && rel.indexOf('/', scripts.length() + 1) < 0) {
            s = ConsoleScriptTrampoline.rewrite(s, scripts, prefixes, missing);
        }
        String named = s;
        if (prefixes.stream().anyMatch(prefix -> names(named, prefix))) {
            for (String prefix : prefixes) {
                s = boundary(prefix).matcher(s).replaceAll(java.util.regex.Matcher.quoteReplacement(PLACEHOLDER));
            }
            prefixFiles.add(rel);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The environment's path where text names it: followed by something that cannot continue a file name (a
     * {@code /}, a quote, whitespace, {@code :}, the end), so that {@code /root/env} does not match {@code /root/env2}.
     */
    static java.util.regex.Pattern boundary(String prefix) {
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "(?![\\p{L}\\p{N}._+~-])");
    }

    static boolean names(String text, String prefix) {
        return text.contains(prefix) && boundary(prefix).matcher(text).find();
    }

    /**
     * A compiled module whose header checks its source's timestamp, with the archive's fixed timestamp in that
     * header when it matched the source's, so that the unpacked file, with the fixed timestamp, is still valid; null
     * to write it as it is.
     */
    static byte[] pyc(Path file, byte[] bytes) throws IOException {
        if (bytes.length < 16 || le(bytes, 4) != 0) {
            return null;
        }
        String fileName = file.getFileName().toString();
        Path source = file.getParent().getParent().resolve(fileName.substring(0, fileName.indexOf('.')) + ".py");
        if (!Files.isRegularFile(source)) {
            return null;
        }
        long mtime = Files.getLastModifiedTime(source).toMillis() / 1000 & 0xffffffffL;
        if (le(bytes, 8) != mtime) {
            return null;
        }
        long fixed = ArchiveWriter.MTIME & 0xffffffffL;
        for (int i = 0; i < 4; i++) {
            bytes[8 + i] = (byte) (fixed >>> (8 * i));
        }
        return bytes;
    }

    static long le(byte[] b, int offset) {
        return (b[offset] & 0xffL) | (b[offset + 1] & 0xffL) << 8 | (b[offset + 2] & 0xffL) << 16
                | (b[offset + 3] & 0xffL) << 24;
    }

    static Optional<String> utf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static boolean executable(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".exe") || n.endsWith(".dll") || n.endsWith(".pyd");
        }
    }

    static void write(ArchiveWriter out, Item item) throws IOException {
        switch (item.kind()) {
            case 'D' -> out.directory(item.path(), item.mode());
            case 'L' -> out.symlink(item.path(), item.link());
            default -> {
                if (item.content() != null) {
                    out.file(item.path(), item.mode(), item.content());
                } else {
                    MessageDigest d = Sha256.digest();
                    try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(item.source()),
                            d)) {
                        out.file(item.path(), item.mode(), item.size(), in);
                    }
                    if (!HexFormat.of().formatHex(d.digest()).equals(item.sha256())) {
                        throw new IOException(item.path() + " changed while it was packed; stop what writes into the"
                                + " environment and pack it again");
                    }
                }
            }
        }
    }

    static String relative(Path root, Path p) {
        return separators(root.relativize(p).toString());
    }

    static String separators(String s) {
        return java.io.File.separatorChar == '\\' ? s.replace('\\', '/') : s;
    }
}
