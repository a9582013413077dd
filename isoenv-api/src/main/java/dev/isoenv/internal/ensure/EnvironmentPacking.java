package dev.isoenv.internal.ensure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackOptions;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.io.Sha256;
import dev.isoenv.internal.pack.ArchiveFormat;
import dev.isoenv.internal.pack.ArchiveReader;
import dev.isoenv.internal.pack.ArchiveWriter;
import dev.isoenv.internal.pack.Bytes;
import dev.isoenv.internal.pack.CondaMeta;
import dev.isoenv.internal.pack.ElfRunPath;
import dev.isoenv.internal.pack.ElfVersionNeeds;
import dev.isoenv.internal.pack.LinuxLibc;
import dev.isoenv.internal.pack.PrefixRewriter;
import dev.isoenv.internal.pack.ScriptLauncher;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Packs an environment into a {@code .tar.gz} or a {@code .zip} (the name's ending chooses; {@code internal.pack}
 * writes both) that unpacks anywhere on a machine of the same platform, and unpacks one (the file's first bytes
 * choose). What the archive holds, in this order: the manifest {@value #MANIFEST}; the environment's PEP 751 lock
 * {@value #LOCK}; then every file, directory and symbolic link of the environment, sorted by path, with fixed
 * timestamps, owners and modes ({@code 0755} for directories and executables, {@code 0644} otherwise), so that the same
 * environment gives the same bytes.
 *
 * <p>What changes on the way: hard links (the shared store's) become regular files; a console script whose first line
 * is {@code #!<root>/bin/python} gets a {@code /bin/sh} trampoline that runs the {@code python} beside it, as uv's
 * relocatable scripts do; any other text file that names the environment's path (the activation scripts,
 * {@code pyvenv.cfg}'s {@code command}) gets {@value #PLACEHOLDER} instead, listed in the manifest, which unpacking
 * replaces with the new location; a symbolic link to a path inside the environment becomes relative; a compiled
 * {@code .pyc} that checks its source's timestamp gets the archive's fixed timestamp, so it stays valid. Of the state
 * folder only the state record and the artifact record go in; the store's keys, temporary files and the lock stay out.
 *
 * <p>A conda prefix (the conda backend) holds its own interpreter: the manifest says {@code "bundled": true} and names
 * no base interpreter. Its binary files that name its path and that conda's records ({@link CondaMeta}) list as
 * binary with a prefix placeholder go in unchanged and are listed in the manifest's {@code prefix.binary_files} with
 * the path they hold; unpacking writes the new location over it ({@link PrefixRewriter}), after refusing a location
 * longer than that path before extracting anything. Any other binary file that names the path (a pickle, a marshalled
 * module, a stored zip entry, an SQLite database: formats that store a string's length, which that rewrite would
 * corrupt) goes in unchanged and is listed as not rewritten, as for a venv. On Windows all are listed as not
 * rewritten.
 *
 * <p>With {@link PackOptions#bundleInterpreter()} the archive is a Python installation instead of a venv: see
 * {@link InterpreterBundle}, which lays the environment over its base installation and makes that relocatable.
 */
public final class EnvironmentPacking {
    /** The manifest's name, the archive's first entry. */
    static final String MANIFEST = "isoenv-pack.json";
    /** The lock's name at the archive's root. */
    static final String LOCK = "pylock.toml";
    /** What stands for the environment's path in text files, until unpacking writes the new one. */
    static final String PLACEHOLDER = "/isoenv-pack-placeholder/prefix";
    private static final int FORMAT = 1;
    private static final Set<String> STATE_FILES = Set.of(StateRecord.DIRECTORY + "/state.properties",
            StateRecord.DIRECTORY + "/" + dev.isoenv.internal.lock.ArtifactRecord.FILE);
    private static final long TEXT_LIMIT = 4L << 20;
    /** The backends whose environments pack() packs: those that make a virtual environment, and conda's prefixes. */
    private static final Set<String> PACKED_BACKENDS = Set.of("venv", "uv", "conda");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvironmentPacking() {
    }

    /** One entry of the payload, as it goes into the archive. */
    private record Item(String path, char kind, int mode, Path source, byte[] content, long size, String sha256,
                        String link) {
        String digestLine() {
            return kind + "\0" + Integer.toOctalString(mode) + "\0" + path + "\0"
                    + (kind == 'L' ? link : kind == 'F' ? sha256 + "\0" + size : "") + "\n";
        }
    }

    /**
     * Packs an environment; see {@link Environment#pack(Path)}.
     *
     * @param environment the environment
     * @param archive the {@code .tar.gz} to write
     * @return the archive as its manifest describes it
     */
    public static EnvironmentArchive pack(Environment environment, Path archive) {
        return pack(environment, archive, PackOptions.defaults());
    }

    /**
     * Packs an environment; see {@link Environment#pack(Path, PackOptions)}.
     *
     * @param environment the environment
     * @param archive the {@code .tar.gz} to write
     * @param options how to pack it
     * @return the archive as its manifest describes it
     */
    public static EnvironmentArchive pack(Environment environment, Path archive, PackOptions options) {
        Path root = environment.root().toAbsolutePath().normalize();
        Path file = archive.toAbsolutePath().normalize();
        ArchiveFormat format = ArchiveFormat.forName(file.getFileName() == null ? ""
                : file.getFileName().toString()).orElseThrow(() -> new InvalidSpecException("pack() writes a"
                + " gzip-compressed tar or a zip, chosen by the name's ending: name the archive " + file + " with"
                + " .tar.gz, .tgz or .zip at the end."));
        if (file.startsWith(root)) {
            throw new InvalidSpecException("The archive " + file + " would be inside the environment it packs ("
                    + root + "). Write it somewhere else.");
        }
        try (EnvironmentLock held = EnvironmentLock.acquire(root, environment.spec().timeouts().lock())) {
            Optional<StateRecord> read = StateRecord.read(root);
            if (read.isEmpty() || !read.get().isCreated() || read.get().installedFingerprint().isEmpty()) {
                throw new EnvironmentStateException("The environment at " + root + " has no complete install to"
                        + " pack: its last ensure() did not finish. Call ensure() first, then pack it.");
            }
            StateRecord state = read.get();
            EnvironmentLayout layout = state.layout(root);
            // A conda prefix holds its own interpreter: the archive bundles it, and names no base interpreter.
            boolean bundled = layout.kind() == EnvironmentLayout.Kind.CONDA_PREFIX;
            // With bundleInterpreter, a venv's archive is a Python installation instead: see InterpreterBundle.
            if (options.bundleInterpreter() && !bundled) {
                checkBundleable(root, state);
            }
            InterpreterBundle bundle = options.bundleInterpreter() && !bundled
                    ? InterpreterBundle.of(root, layout, state.pythonVersion()) : null;
            String missing = bundled
                    ? ConsoleScriptTrampoline.missingBundled(relative(root, layout.python()), state.pythonVersion())
                    : bundle != null ? ConsoleScriptTrampoline.missingBundled(bundle.python(), state.pythonVersion())
                    : ConsoleScriptTrampoline.missingBase(base(root, state), state.pythonVersion());
            Path temporary = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createDirectories(file.getParent());
                byte[] lock = exportLock(environment, file.getParent());
                List<Item> items = new ArrayList<>();
                items.add(new Item(LOCK, 'F', 0644, null, lock, lock.length, Sha256.hex(lock), ""));
                List<String> prefixFiles = new ArrayList<>();
                List<String> binaryFiles = new ArrayList<>();
                Set<String> condaBinaries = bundled ? CondaMeta.binaryPrefixFiles(root) : Set.of();
                collect(root, layout, items, prefixFiles, binaryFiles, condaBinaries, missing, bundle);
                List<BinaryFile> rewritten = bundled ? rewrittenOnUnpack(root, binaryFiles, condaBinaries) : List.of();
                if (!binaryFiles.isEmpty()) {
                    Logging.logger().log(System.Logger.Level.WARNING, "isoenv: {0} binary file(s) of {1} name its"
                            + " path and are packed as they are, so they may not work where the archive is unpacked:"
                            + " {2}", binaryFiles.size(), root, String.join(", ", binaryFiles));
                }
                warnOfZipLinks(format, file, items);
                MessageDigest payload = Sha256.digest();
                for (Item item : items) {
                    payload.update(item.digestLine().getBytes(StandardCharsets.UTF_8));
                }
                String payloadSha = HexFormat.of().formatHex(payload.digest());
                String baseInterpreter = bundled || bundle != null ? "" : base(root, state);
                List<String> requested = state.requested().stream().map(Redactor::maskUrlCredentials).toList();
                Map<String, String> choices = maskedChoices(state.installedChoices());
                // The file's own hash is known once it is written; the manifest does not hold it.
                java.util.function.Function<String, EnvironmentArchive> described = fileSha -> EnvironmentArchive.of(
                        file, fileSha, payloadSha, builtFor(state).name(), state.pythonVersion(), baseInterpreter,
                        requested, choices);
                long bytes = items.stream().filter(i -> i.kind() == 'F').mapToLong(Item::size).sum();
                Optional<LinuxLibc.Libc> libc = libcNeeded(items, bundled || bundle != null);
                byte[] manifest = manifest(described.apply(""), state, items.size(), bytes, prefixFiles, binaryFiles,
                        bundled || bundle != null, rewritten, libc);
                MessageDigest whole = Sha256.digest();
                try (ArchiveWriter out = format.writer(new BufferedOutputStream(new DigestOutputStream(
                        Files.newOutputStream(temporary), whole), 1 << 16), file.getParent())) {
                    out.file(MANIFEST, 0644, manifest);
                    for (Item item : items) {
                        write(out, item);
                    }
                }
                EnvironmentArchive result = described.apply(HexFormat.of().formatHex(whole.digest()));
                move(temporary, file);
                Logging.logger().log(System.Logger.Level.INFO, "isoenv: packed {0} into {1} ({2} entries)", root,
                        file, items.size());
                return result;
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("pack the environment into", file, e), e);
            } finally {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // Left behind: a hidden temporary file beside the archive.
                }
            }
        }
    }

    /**
     * Refuses to bundle the interpreter of an environment built for another platform ({@code target.platform}): its
     * packages are the target's, but its base interpreter is this machine's, which the target cannot run ("Exec format
     * error"), under a manifest that names the target.
     */
    private static void checkBundleable(Path root, StateRecord state) {
        dev.isoenv.internal.platform.TargetPlatform target = builtFor(state);
        if (!target.isCurrent()) {
            throw new InvalidSpecException("Cannot bundle the interpreter of the environment at " + root + ": it was"
                    + " built for " + target.name() + ", but its base interpreter is this machine's, built for "
                    + platform() + ", which a " + target.name() + " machine cannot run. Build and pack the environment"
                    + " with bundleInterpreter(true) on a " + target.name() + " machine, or pack it without bundling"
                    + " (PackOptions.defaults()) for " + target.name() + " machines that have the base Python.");
        }
    }

    /**
     * A zip keeps links as Unix link entries, which isoenv's unpack, Info-ZIP's unzip and Apache Commons Compress
     * (when asked) restore; Hadoop's {@code FileUtil.unZip} (Spark's {@code --archives}, {@code addArchive}), Ray's
     * runtime_env {@code unzip_package} and Python's {@code zipfile} write each as a small file that holds the
     * target's path, so a virtual environment's {@code bin/python} link does not run there.
     */
    private static void warnOfZipLinks(ArchiveFormat format, Path file, List<Item> items) {
        List<String> links = items.stream().filter(i -> i.kind() == 'L').map(Item::path).toList();
        if (format == ArchiveFormat.ZIP && !links.isEmpty()) {
            Logging.logger().log(System.Logger.Level.WARNING, "isoenv: the zip {0} holds {1} symbolic link(s) ({2});"
                    + " Isoenv.unpack restores them, but Hadoop''s FileUtil.unZip (Spark''s --archives), Ray''s"
                    + " runtime_env and Python''s zipfile write each as a file holding its target, and the environment"
                    + " does not run: unpack the zip with Isoenv.unpack on the worker, or pack a .tar.gz for those"
                    + " tools", file, links.size(),
                    String.join(", ", links.subList(0, Math.min(5, links.size()))));
        }
    }

    private static byte[] exportLock(Environment environment, Path folder) throws IOException {
        Path directory = Files.createTempDirectory(folder, ".isoenv-pack-lock");
        Path lock = directory.resolve(LOCK);
        try {
            EnvironmentAdministration.exportLockFile(environment, lock);
            return Files.readAllBytes(lock);
        } finally {
            try {
                dev.isoenv.internal.io.FileTrees.delete(directory);
            } catch (IOException e) {
                // Left behind: a hidden folder beside the archive; the export's own outcome matters more.
            }
        }
    }

    /** Every file, directory and link of the environment, sorted by path, as they go into the archive. */
    private static void collect(Path root, EnvironmentLayout layout, List<Item> items, List<String> prefixFiles,
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
    private static List<String> prefixes(Path root) throws IOException {
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
    private static String linkTarget(String rel, Path link, List<String> prefixes) throws IOException {
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
    private static byte[] transform(String rel, Path file, byte[] bytes, String scripts, List<String> prefixes,
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
            s = trampoline(s, scripts, prefixes, missing);
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
     * A script that starts {@code #!<root>/bin/python...}, or pip's {@code #!/bin/sh} form for a long or spaced path
     * (a second line {@code '''exec' "<root>/bin/python..." "$0" "$@"}), made to run the Python beside it wherever it
     * is: the {@code /bin/sh} trampoline that pip and uv write, which Python reads as a string literal; see
     * {@link ConsoleScriptTrampoline}. Without a {@code realpath} command it fails, naming it, rather than run a
     * {@code python} from the current directory; when the {@code python} beside it cannot be run (a base interpreter
     * this machine lacks) it prints {@code missing} and exits with status 127.
     */
    static String trampoline(String script, String scripts, List<String> prefixes, String missing) {
        int end = script.indexOf('\n');
        if (!script.startsWith("#!") || end < 0) {
            return script;
        }
        String exe = script.substring(2, end).strip();
        String rest = script.substring(end + 1);
        if (exe.equals("/bin/sh")) {
            int second = script.indexOf('\n', end + 1);
            String line = second < 0 ? "" : script.substring(end + 1, second);
            String tail = " \"$0\" \"$@\"";
            String close = "' '''\n";
            if (!line.startsWith("'''exec' ") || !line.endsWith(tail) || !script.startsWith(close, second + 1)) {
                return script;
            }
            exe = line.substring("'''exec' ".length(), line.length() - tail.length());
            if (exe.length() >= 2 && exe.startsWith("\"") && exe.endsWith("\"")) {
                exe = exe.substring(1, exe.length() - 1);
            }
            rest = script.substring(second + 1 + close.length());
        }
        for (String prefix : prefixes) {
            String dir = prefix + "/" + scripts + "/";
            if (exe.startsWith(dir)) {
                String python = exe.substring(dir.length());
                if (python.matches("python[0-9.]*")) {
                    return ConsoleScriptTrampoline.header(python, missing) + rest;
                }
            }
        }
        return script;
    }

    /**
     * A compiled module whose header checks its source's timestamp, with the archive's fixed timestamp in that
     * header when it matched the source's, so that the unpacked file, with the fixed timestamp, is still valid; null
     * to write it as it is.
     */
    private static byte[] pyc(Path file, byte[] bytes) throws IOException {
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

    private static long le(byte[] b, int offset) {
        return (b[offset] & 0xffL) | (b[offset + 1] & 0xffL) << 8 | (b[offset + 2] & 0xffL) << 16
                | (b[offset + 3] & 0xffL) << 24;
    }

    private static Optional<String> utf8(byte[] bytes) {
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

    private static boolean executable(Path p) {
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

    private static void write(ArchiveWriter out, Item item) throws IOException {
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

    /**
     * The C library the environment needs: what its Linux wheels need, from their {@code .dist-info/WHEEL} files,
     * and, when the archive carries its interpreter ({@code scanElf}: a bundled interpreter, a conda prefix), also the
     * newest {@code GLIBC_x.y} version that any ELF file going into the archive needs ({@link ElfVersionNeeds}): the
     * interpreter, its {@code libpython} and a conda package's libraries say so in no wheel tag.
     */
    private static Optional<LinuxLibc.Libc> libcNeeded(List<Item> items, boolean scanElf) throws IOException {
        if (OperatingSystem.current() != OperatingSystem.LINUX) {
            return Optional.empty();
        }
        List<Path> wheels = new ArrayList<>();
        for (Item item : items) {
            if (item.kind() == 'F' && item.source() != null && item.path().endsWith(".dist-info/WHEEL")) {
                wheels.add(item.source());
            }
        }
        Optional<LinuxLibc.Libc> needed = LinuxLibc.needed(wheels);
        if (!scanElf || needed.isPresent() && !needed.get().kind().equals("glibc")) {
            return needed;
        }
        LinuxLibc.Libc newest = needed.orElse(null);
        for (Item item : items) {
            if (item.kind() != 'F') {
                continue;
            }
            Optional<LinuxLibc.Libc> elf = item.content() != null
                    ? ElfRunPath.isElf(item.content())
                        ? ElfVersionNeeds.glibcNeeded(ByteBuffer.wrap(item.content()), item.path()) : Optional.empty()
                    : ElfVersionNeeds.glibcNeeded(item.source(), item.path());
            if (elf.isPresent() && (newest == null || newer(elf.get(), newest))) {
                newest = elf.get();
            }
        }
        return Optional.ofNullable(newest);
    }

    private static boolean newer(LinuxLibc.Libc a, LinuxLibc.Libc b) {
        return a.major() != b.major() ? a.major() > b.major() : a.minor() > b.minor();
    }

    private static byte[] manifest(EnvironmentArchive archive, StateRecord state, int entries, long bytes,
                                   List<String> prefixFiles, List<String> binaryFiles, boolean bundled,
                                   List<BinaryFile> rewritten, Optional<LinuxLibc.Libc> libc) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("isoenv", version());
        m.put("backend", state.backend());
        ObjectNode python = m.putObject("python");
        python.put("version", state.pythonVersion());
        python.put("request", state.pythonRequest());
        python.put("base", archive.baseInterpreter().orElse(""));
        python.put("bundled", bundled);
        ObjectNode platform = m.putObject("platform");
        platform.put("name", archive.platform());
        dev.isoenv.internal.platform.TargetPlatform target = builtFor(state);
        platform.put("os", target.os());
        platform.put("arch", target.arch());
        Map<String, String> markers = state.markers();
        platform.put("sys_platform", markers.getOrDefault("sys_platform", ""));
        platform.put("platform_machine", markers.getOrDefault("platform_machine", ""));
        if (libc.isPresent()) {
            // What the compiled wheels need, which unpacking checks against the machine's C library.
            ObjectNode needs = platform.putObject("libc");
            needs.put("kind", libc.get().kind());
            needs.put("version", libc.get().version());
            needs.put("needed_by", libc.get().neededBy());
        }
        ArrayNode requirements = m.putArray("requirements");
        archive.requirements().forEach(requirements::add);
        ObjectNode choices = m.putObject("choices");
        archive.choices().forEach(choices::put);
        m.put("accelerator", archive.choices().getOrDefault("torch.variant", "none"));
        m.put("lock", LOCK);
        ObjectNode payload = m.putObject("payload");
        payload.put("entries", entries);
        // The files' content bytes, uncompressed: unpack stops as soon as the archive holds more than declared.
        payload.put("bytes", bytes);
        payload.put("sha256", archive.payloadSha256());
        ObjectNode prefix = m.putObject("prefix");
        prefix.put("placeholder", PLACEHOLDER);
        ArrayNode files = prefix.putArray("files");
        prefixFiles.forEach(files::add);
        // Compiled modules (.pyc) name their source's path for tracebacks only, and are not checked.
        ArrayNode binary = prefix.putArray("binary_files_not_rewritten");
        binaryFiles.forEach(binary::add);
        if (!rewritten.isEmpty()) {
            ArrayNode rewrite = prefix.putArray("binary_files");
            for (BinaryFile b : rewritten) {
                ObjectNode f = rewrite.addObject();
                f.put("path", b.path());
                b.prefixes().forEach(f.putArray("prefixes")::add);
            }
        }
        return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m).replace("\r\n", "\n") + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> maskedChoices(Map<String, String> choices) {
        Map<String, String> out = new TreeMap<>();
        choices.forEach((k, v) -> out.put(k, Redactor.maskUrlCredentials(v)));
        return out;
    }

    /** The base interpreter: {@code pyvenv.cfg}'s {@code executable}, else what the state record says. */
    private static String base(Path root, StateRecord state) {
        Path cfg = root.resolve("pyvenv.cfg");
        try {
            for (String line : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).strip().equals("executable")) {
                    return line.substring(eq + 1).strip();
                }
            }
        } catch (IOException e) {
            // A conda prefix has none; the record says.
        }
        return state.baseInterpreter();
    }

    private static String version() {
        String v = EnvironmentPacking.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** This machine's platform, as an archive names it: {@code linux-x86_64}, {@code macos-aarch64}. */
    static String platform() {
        return dev.isoenv.internal.platform.TargetPlatform.current().name();
    }

    /**
     * The platform the environment was built for: the one its specification named ({@code target.platform}), else
     * this machine's.
     */
    private static dev.isoenv.internal.platform.TargetPlatform builtFor(StateRecord state) {
        return state.targetPlatform().map(dev.isoenv.internal.platform.TargetPlatform::parse)
                .orElseGet(dev.isoenv.internal.platform.TargetPlatform::current);
    }

    /**
     * Unpacks an archive that {@link #pack} wrote; see {@link dev.isoenv.IsoenvClient#unpack(Path, Path)}.
     *
     * @param archive the archive
     * @param location where the environment goes: absent, or an empty directory
     * @param runner runs the environment's commands
     * @param processEnvironment the variables to activate on top of
     * @return the environment
     */
    public static Environment unpack(Path archive, Path location, CommandRunner runner,
                                     Map<String, String> processEnvironment) {
        return unpack(archive, location, null, runner, processEnvironment);
    }

    /**
     * Unpacks an archive that {@link #pack} wrote, first checking the whole file's SHA-256; see
     * {@link dev.isoenv.IsoenvClient#unpack(Path, Path, String)}.
     *
     * @param archive the archive
     * @param location where the environment goes: absent, or an empty directory
     * @param expectedSha256 the file's SHA-256 as published, 64 hex digits; null to check only the payload's hash
     * @param runner runs the environment's commands
     * @param processEnvironment the variables to activate on top of
     * @return the environment
     */
    public static Environment unpack(Path archive, Path location, String expectedSha256, CommandRunner runner,
                                     Map<String, String> processEnvironment) {
        Path file = archive.toAbsolutePath().normalize();
        Path target = EnvironmentAdministration.location(location);
        if (expectedSha256 != null && !expectedSha256.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidSpecException("The expected SHA-256 of " + file + " is not 64 hexadecimal digits: "
                    + Redactor.excerpt(expectedSha256) + ". Give the hash published beside the archive, as"
                    + " EnvironmentArchive.sha256() or sha256sum prints it.");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidArchiveException("There is no archive at " + file + ". Give the path of a .tar.gz or"
                    + " .zip that Environment.pack() wrote.", Reason.NOT_AN_ENVIRONMENT_ARCHIVE);
        }
        EnvironmentSpec plain = EnvironmentSpec.builder(target).build();
        try (EnvironmentLock held = EnvironmentLock.acquire(target, plain.timeouts().lock())) {
            try {
                checkTarget(target);
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("read", target, e), e);
            }
            String stagingPrefix = "." + target.getFileName() + ".isoenv-unpack-";
            sweepStale(target, stagingPrefix);
            Path staging = target.resolveSibling(stagingPrefix + UUID.randomUUID());
            // With a published hash, the archive is copied while it is hashed, and the copy, which only this process
            // writes, is what is extracted: a file changed between the check and the extraction cannot slip in.
            Path privateCopy = expectedSha256 == null ? null : target.resolveSibling(staging.getFileName() + ".archive");
            try {
                Path source = file;
                if (privateCopy != null) {
                    checkFileHash(file, privateCopy, expectedSha256.toLowerCase(Locale.ROOT));
                    source = privateCopy;
                }
                Files.createDirectories(staging);
                JsonNode manifest;
                Optional<StateRecord> read;
                try {
                    manifest = extract(file, source, staging, target);
                    read = StateRecord.read(staging);
                } catch (IsoenvException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Whatever else a hostile or damaged archive makes fail is reported as the archive's fault.
                    throw damaged(file, e);
                }
                if (read.isEmpty() || !read.get().isCreated()) {
                    throw new InvalidArchiveException("The archive " + file + " holds no complete isoenv"
                            + " environment (its state record is missing or incomplete). Pack the environment again"
                            + " after a successful ensure().", Reason.NOT_AN_ENVIRONMENT_ARCHIVE);
                }
                StateRecord state = read.get();
                checkState(file, staging, state, manifest.path("python").path("bundled").asBoolean(false));
                boolean emptied = false;
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target);
                    emptied = true;
                }
                try {
                    move(staging, target);
                } catch (IOException e) {
                    if (emptied) {
                        try {
                            Files.createDirectory(target);
                        } catch (IOException again) {
                            e.addSuppressed(again);
                        }
                    }
                    throw e;
                }
                Logging.logger().log(System.Logger.Level.INFO, "isoenv: unpacked {0} into {1}", file, target);
                return new ManagedEnvironment(state.layout(target), state.backend(), spec(target, manifest, state),
                        runner, processEnvironment, state.installedExplanation(), state.installedChoices());
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("unpack the archive into", target, e)
                        + " Nothing was left at " + target + ".", e);
            } finally {
                if (privateCopy != null) {
                    try {
                        Files.deleteIfExists(privateCopy);
                    } catch (IOException e) {
                        Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not remove {0}: {1}",
                                privateCopy, e);
                    }
                }
                if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        dev.isoenv.internal.io.FileTrees.delete(staging);
                    } catch (IOException e) {
                        Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not remove {0}: {1}",
                                staging, e);
                    }
                }
            }
        }
    }

    /**
     * Copies the archive to {@code copy}, readable and writable by its owner alone where the file system has POSIX
     * permissions, hashing what it copies, and refuses it, before anything is extracted, when the SHA-256 is not the
     * one published beside it. The copy is what is extracted then.
     */
    private static void checkFileHash(Path file, Path copy, String expected) {
        String actual;
        try {
            if (Files.getFileStore(copy.getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(copy, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(copy);
            }
            MessageDigest digest = Sha256.digest();
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(copy), digest)) {
                in.transferTo(out);
            }
            actual = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("read", file, e) + " Nothing was unpacked.", e);
        }
        if (!actual.equals(expected)) {
            throw new InvalidArchiveException("The archive " + file + " has SHA-256 " + actual + ", and the expected"
                    + " SHA-256 is " + expected + ": the file was changed after it was published, or it is not the"
                    + " archive that was published. Nothing was unpacked. Fetch the archive again from where it was"
                    + " published, and check that the expected hash is the one published with it.",
                    Reason.NOT_THE_PUBLISHED_FILE);
        }
    }

    /**
     * Removes the hidden folders that an unpack of the same location left when it was killed. The caller holds the
     * location's lock, so no live unpack of it is writing them.
     */
    private static void sweepStale(Path target, String stagingPrefix) {
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

    private static EnvironmentSpec spec(Path target, JsonNode manifest, StateRecord state) {
        List<String> requirements = new ArrayList<>();
        manifest.path("requirements").forEach(r -> requirements.add(r.asText()));
        try {
            return EnvironmentSpec.builder(target).backend(state.backend()).requirements(requirements).build();
        } catch (IsoenvException e) {
            return EnvironmentSpec.builder(target).backend(state.backend()).build();
        }
    }

    private static void checkTarget(Path target) throws IOException {
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

    /** Extracts the archive into {@code staging}, checking each entry, the platform, the interpreter and the hash. */
    /** Extracts {@code source} (the archive, or a private copy of it) into staging; messages name {@code file}. */
    private static JsonNode extract(Path file, Path source, Path staging, Path target) throws IOException {
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
                manifest = JSON.readTree(reader.content().readAllBytes());
            } catch (IOException e) {
                throw notOurs(file, e);
            }
            if (manifest.path("format").asInt(-1) != FORMAT) {
                throw new InvalidArchiveException("The archive " + file + " has manifest format "
                        + shown(manifest.path("format").asText("?")) + "; this isoenv reads format " + FORMAT
                        + ". Unpack it with the isoenv version that packed it ("
                        + shown(manifest.path("isoenv").asText("?")) + "), or a newer isoenv.",
                        Reason.UNSUPPORTED_FORMAT);
            }
            checkPlatform(file, manifest);
            checkInterpreter(file, manifest);
            checkBinaryRoom(file, target, manifest);
            long declaredEntries = declared(file, manifest, "entries");
            declaredBytes = declared(file, manifest, "bytes");
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
        rewritePrefix(file, staging, target, manifest);
        return manifest;
    }

    /**
     * What the manifest declares the payload holds ({@code payload.entries}, {@code payload.bytes}): a whole number
     * from 0 up. Extraction stops as soon as the archive holds more.
     */
    private static long declared(Path file, JsonNode manifest, String field) {
        JsonNode n = manifest.path("payload").path(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw inconsistent(file, "its payload." + field + " is " + (n.isMissingNode() ? "missing"
                    : shown(n.toString())) + ", where pack() writes a whole number");
        }
        return n.asLong();
    }

    /**
     * Refuses to start when the file store that will hold the environment has less usable space than the archive
     * declares, with a margin of one 4 KiB block per entry for what the file system rounds up.
     */
    private static void checkSpace(Path staging, Path target, long entries, long bytes) throws IOException {
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

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / (double) (1 << 20), bytes);
    }

    /**
     * Writes the target's path into the files the manifest lists. The manifest is not covered by the payload's hash,
     * so what it says is checked against what pack() writes: the built-in placeholder only, each file once, a text file
     * no larger than pack() rewrites, that holds the placeholder.
     */
    private static void rewritePrefix(Path file, Path staging, Path target, JsonNode manifest) throws IOException {
        JsonNode prefix = manifest.path("prefix");
        if (!PLACEHOLDER.equals(prefix.path("placeholder").textValue())) {
            throw inconsistent(file, "its placeholder is not " + PLACEHOLDER);
        }
        JsonNode files = prefix.path("files");
        if (!files.isMissingNode() && !files.isArray()) {
            throw inconsistent(file, "its list of files to rewrite is not a list");
        }
        Set<String> seen = new java.util.HashSet<>();
        Path realStaging = staging.toRealPath();
        for (JsonNode f : files) {
            if (!f.isTextual() || !seen.add(f.asText())) {
                throw inconsistent(file, "it lists a file to rewrite twice, or not by name: " + shown(f.toString()));
            }
            Path p;
            try {
                p = staging.resolve(f.asText()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw unsafe(file, f.asText());
            }
            if (!p.startsWith(staging) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    || !p.toRealPath().startsWith(realStaging)) {
                throw unsafe(file, f.asText());
            }
            if (Files.size(p) > TEXT_LIMIT) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", larger than the " + (TEXT_LIMIT >> 20)
                        + " MiB of text that pack() rewrites");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            } catch (CharacterCodingException e) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", which is not UTF-8 text");
            }
            if (!text.contains(PLACEHOLDER)) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", which does not hold the placeholder");
            }
            Set<PosixFilePermission> perms = posix(p);
            Files.writeString(p, text.replace(PLACEHOLDER, target.toString()), StandardCharsets.UTF_8);
            if (perms != null) {
                Files.setPosixFilePermissions(p, perms);
            }
        }
        rewriteBinaries(file, staging, target, manifest);
    }

    /** A binary file of a conda prefix that names the prefix, and the forms of it it holds, which unpack rewrites. */
    private record BinaryFile(String path, List<String> prefixes) {
    }

    /**
     * Takes out of {@code binaryFiles} those that unpacking rewrites, as conda and conda-pack do ({@link
     * PrefixRewriter}): each binary file that conda's records ({@code listed}, {@link CondaMeta}) mark
     * {@code file_mode: binary} with a prefix placeholder, up to {@link PrefixRewriter#MAX_FILE_SIZE}. The rewrite
     * shifts the rest of a NUL-terminated string, sound for the C strings that conda's binary files hold the prefix in,
     * not for formats that store a string's length (a marshalled {@code .pyc}, a pickle, a stored zip entry, an SQLite
     * database): every other binary file that names the path stays listed as not rewritten. On Windows none: conda's
     * binary replacement differs there, and they stay listed as not rewritten.
     */
    private static List<BinaryFile> rewrittenOnUnpack(Path root, List<String> binaryFiles, Set<String> listed)
            throws IOException {
        List<BinaryFile> out = new ArrayList<>();
        if (OperatingSystem.current() == OperatingSystem.WINDOWS) {
            return out;
        }
        List<String> prefixes = prefixes(root);
        for (java.util.Iterator<String> it = binaryFiles.iterator(); it.hasNext(); ) {
            String rel = it.next();
            Path p = root.resolve(rel);
            if (listed.contains(rel) && Files.size(p) <= PrefixRewriter.MAX_FILE_SIZE) {
                out.add(new BinaryFile(rel, PrefixRewriter.holds(p, prefixes)));
                it.remove();
            }
        }
        return out;
    }

    /**
     * Refuses, before anything is extracted, a location longer than the path that the archive's binary files name:
     * the new path is written over the old one inside them, padded with NUL bytes, so it cannot be longer.
     */
    private static void checkBinaryRoom(Path file, Path target, JsonNode manifest) {
        JsonNode list = manifest.path("prefix").path("binary_files");
        if (list.isMissingNode()) {
            return;
        }
        if (!list.isArray()) {
            throw inconsistent(file, "its list of binary files to rewrite is not a list");
        }
        String shortest = null;
        String example = null;
        for (JsonNode f : list) {
            if (!f.path("path").isTextual() || !f.path("prefixes").isArray() || f.path("prefixes").isEmpty()) {
                throw inconsistent(file, "it lists a binary file to rewrite without its name or the paths it holds: "
                        + shown(f.toString()));
            }
            for (JsonNode prefix : f.path("prefixes")) {
                if (!prefix.isTextual() || prefix.asText().isEmpty()) {
                    throw inconsistent(file, "it lists " + shown(f.path("path").asText()) + " with a path to replace"
                            + " that is no path");
                }
                String p = prefix.asText();
                if (shortest == null || p.getBytes(StandardCharsets.UTF_8).length
                        < shortest.getBytes(StandardCharsets.UTF_8).length) {
                    shortest = p;
                    example = f.path("path").asText("");
                }
            }
        }
        if (shortest != null && !PrefixRewriter.fits(shortest, target.toString())) {
            throw tooLong(file, target, shortest, example);
        }
    }

    private static InvalidArchiveException tooLong(Path file, Path target, String built, String example) {
        int room = built.getBytes(StandardCharsets.UTF_8).length;
        return new InvalidArchiveException("The archive " + file + " holds binary files that name the path the"
                + " environment was built at, " + shown(built) + " (" + room + " bytes), such as " + shown(example)
                + ". Unpacking writes the new location over that path inside them, as conda does, which works only"
                + " for a location that is not longer, and " + target + " has " + target.toString()
                .getBytes(StandardCharsets.UTF_8).length + " bytes. Nothing was unpacked. Unpack it at a shorter"
                + " location (at most " + room + " bytes), or build and pack the environment at a longer path.",
                Reason.LOCATION_TOO_LONG);
    }

    /**
     * Writes the target's path over the building machine's in the binary files the manifest lists, as conda does
     * ({@link PrefixRewriter}). The manifest is not covered by the payload's hash, so each entry is checked as for the
     * text files: each file once, by name, inside the staging folder, not through a link, with non-empty paths.
     */
    private static void rewriteBinaries(Path file, Path staging, Path target, JsonNode manifest) throws IOException {
        JsonNode list = manifest.path("prefix").path("binary_files");
        Set<String> seen = new java.util.HashSet<>();
        Path realStaging = staging.toRealPath();
        for (JsonNode f : list) {
            String rel = f.path("path").textValue();
            if (rel == null || !seen.add(rel) || !f.path("prefixes").isArray()) {
                throw inconsistent(file, "it lists a binary file to rewrite twice, or not by name: "
                        + shown(f.toString()));
            }
            List<String> prefixes = new ArrayList<>();
            for (JsonNode prefix : f.path("prefixes")) {
                if (!prefix.isTextual() || prefix.asText().isEmpty()) {
                    throw inconsistent(file, "it lists " + shown(rel) + " with a path to replace that is no path");
                }
                prefixes.add(prefix.asText());
            }
            prefixes.sort((a, b) -> b.length() - a.length());
            Path p;
            try {
                p = staging.resolve(rel).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw unsafe(file, rel);
            }
            if (!p.startsWith(staging) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    || !p.toRealPath().startsWith(realStaging)) {
                throw unsafe(file, rel);
            }
            if (Files.size(p) > PrefixRewriter.MAX_FILE_SIZE) {
                throw inconsistent(file, "it lists " + shown(rel) + ", larger than the binary files that pack()"
                        + " rewrites");
            }
            try {
                PrefixRewriter.rewrite(p, prefixes, target.toString());
            } catch (PrefixRewriter.TooLong e) {
                throw tooLong(file, target, prefixes.get(prefixes.size() - 1), rel);
            }
        }
    }

    private static InvalidArchiveException inconsistent(Path file, String what) {
        return new InvalidArchiveException("The archive " + file + " is damaged or was not written by"
                + " Environment.pack(): its manifest does not match its content (" + what + "). Nothing was unpacked."
                + " Copy the archive again from where it was packed, or pack the environment again.", Reason.DAMAGED);
    }

    /** The link an entry names, refusing text that is no path here. */
    private static Path linkPath(Path file, ArchiveReader.Entry entry) {
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
    private static void checkLinks(Path file, Path staging, JsonNode manifest) throws IOException {
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
            String rel = relative(staging, link);
            Path to = Files.readSymbolicLink(link);
            if (to.isAbsolute() ? !isInterpreterLink(rel, to, manifest)
                    : resolveInside(staging, link.getParent(), separators(to.toString()), 0) == null) {
                throw new InvalidArchiveException("The archive " + file + " holds a link that points outside the"
                        + " environment (" + Redactor.excerpt(rel + " -> " + to) + "). Nothing was unpacked. Use an"
                        + " archive that Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
            }
        }
    }

    private static boolean isInterpreterLink(String rel, Path to, JsonNode manifest) {
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
    private static Path resolveInside(Path staging, Path dir, String text, int depth) throws IOException {
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
                next = resolveInside(staging, at, separators(inner.toString()), depth + 1);
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
    private static void checkState(Path file, Path staging, StateRecord state, boolean bundled) throws IOException {
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

    private static String line(char kind, int mode, String path, String rest) {
        return kind + "\0" + Integer.toOctalString(mode) + "\0" + path + "\0" + rest + "\n";
    }

    private static void checkPlatform(Path file, JsonNode manifest) {
        String built = shown(manifest.path("platform").path("name").asText(""));
        String here = platform();
        if (!built.equals(here)) {
            throw new InvalidArchiveException("The archive " + file + " was built for " + built + ", and this machine"
                    + " is " + here + ": its interpreter and compiled packages cannot run here. Unpack it on a "
                    + built + " machine, or build and pack the environment on a " + here + " machine.",
                    Reason.OTHER_PLATFORM);
        }
        JsonNode libc = manifest.path("platform").path("libc");
        if (libc.isObject() && OperatingSystem.current() == OperatingSystem.LINUX) {
            java.util.regex.Matcher version = java.util.regex.Pattern.compile("(\\d{1,4})\\.(\\d{1,4})")
                    .matcher(libc.path("version").asText(""));
            String kind = libc.path("kind").asText("");
            Optional<LinuxLibc.Libc> machine = LinuxLibc.current();
            if (version.matches() && (kind.equals("glibc") || kind.equals("musl")) && machine.isPresent()) {
                LinuxLibc.Libc needed = new LinuxLibc.Libc(kind, Integer.parseInt(version.group(1)),
                        Integer.parseInt(version.group(2)), shown(libc.path("needed_by").asText("")));
                Optional<String> why = LinuxLibc.refusal(needed, machine.get());
                if (why.isPresent()) {
                    throw new InvalidArchiveException("The archive " + file + " cannot run on this machine: "
                            + why.get() + ". Unpack it on a machine with " + needed + " or newer, or build the"
                            + " environment on the oldest machine it must run on (pip then picks wheels for that C"
                            + " library).", Reason.OTHER_PLATFORM);
                }
            }
        }
    }

    private static void checkInterpreter(Path file, JsonNode manifest) {
        String base = manifest.path("python").path("base").asText("");
        String shownBase = shown(base);
        if (base.isEmpty() || manifest.path("python").path("bundled").asBoolean(false)) {
            return;
        }
        Path p;
        try {
            p = Path.of(base);
        } catch (java.nio.file.InvalidPathException e) {
            p = null;
        }
        if (p == null || !p.isAbsolute() || !Files.isRegularFile(p)) {
            String version = shown(manifest.path("python").path("version").asText("?"));
            throw new PythonNotFoundException("The archive " + file + " runs on the Python interpreter " + shownBase
                    + " (CPython " + version + "), which it does not bundle, and this machine has none at that path."
                    + " Install Python " + version + " at that path on this machine (the same installation as on the"
                    + " building machine, such as the same pyenv version or system package), or pack an environment"
                    + " built on an interpreter installed where every worker has it.");
        }
        String needed = majorMinor(manifest.path("python").path("version").asText(""));
        if (needed == null || OperatingSystem.current() == OperatingSystem.WINDOWS) {
            return;
        }
        String found = foundVersion(p, needed);
        if (found != null) {
            throw new PythonNotFoundException("The archive " + file + " runs on the Python interpreter " + shownBase
                    + ": found " + found + " at " + shownBase + ", the environment needs " + needed + "; install"
                    + " Python " + needed + " at that path or rebuild the archive on an interpreter that every worker"
                    + " has.");
        }
    }

    /** {@code 3.11} of {@code 3.11.7}, or null when the text is no version. */
    static String majorMinor(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(\\D.*)?").matcher(version);
        return m.matches() ? m.group(1) + "." + m.group(2) : null;
    }

    /**
     * What is wrong with the interpreter at {@code base} for an environment of Python {@code needed} (such as
     * {@code 3.11}), as "3.12" or a description, or null when it looks right. Nothing is run: the interpreter's real
     * file name ({@code python3.12}) gives its version where it has one, and its installation must hold the standard
     * library {@code <prefix>/lib/python3.11} (or {@code lib64}), where {@code <prefix>} is the folder above the
     * interpreter's {@code bin}, for the base as named or as its links resolve.
     */
    static String foundVersion(Path base, String needed) {
        Path real;
        try {
            real = base.toRealPath();
        } catch (IOException e) {
            real = base;
        }
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("python(\\d+\\.\\d+)[a-z]*")
                .matcher(real.getFileName().toString());
        if (name.matches() && !name.group(1).equals(needed)) {
            return name.group(1);
        }
        for (Path p : List.of(real, base)) {
            Path prefix = p.getParent() == null ? null : p.getParent().getParent();
            if (prefix != null && (Files.isDirectory(prefix.resolve("lib").resolve("python" + needed))
                    || Files.isDirectory(prefix.resolve("lib64").resolve("python" + needed)))) {
                return null;
            }
        }
        Path prefix = real.getParent() == null ? null : real.getParent().getParent();
        java.util.TreeSet<String> others = new java.util.TreeSet<>();
        if (prefix != null) {
            for (String lib : List.of("lib", "lib64")) {
                try (var children = Files.newDirectoryStream(prefix.resolve(lib), "python[0-9]*.[0-9]*")) {
                    for (Path c : children) {
                        if (Files.isDirectory(c) && Files.isRegularFile(c.resolve("os.py"))) {
                            others.add(c.getFileName().toString().substring("python".length()));
                        }
                    }
                } catch (IOException e) {
                    // No such folder.
                }
            }
        }
        return others.isEmpty() ? "an interpreter without the standard library of Python " + needed + " (no "
                + (prefix == null ? "lib/python" + needed : prefix.resolve("lib").resolve("python" + needed))
                + ")" : String.join(", ", others);
    }

    /** The entry's path in the staging folder, refusing one that would reach outside it. */
    private static Path safePath(Path file, Path staging, ArchiveReader.Entry entry) throws IOException {
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

    /** Text from an archive, as a message may show it: no control characters, at most 500 characters. */
    private static String shown(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 500; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.length() < text.length() ? b + "..." : b.toString();
    }

    private static InvalidArchiveException unsafe(Path file, String name) {
        return new InvalidArchiveException("The archive " + file + " holds an entry that would be written outside the"
                + " target or through a link (" + Redactor.excerpt(name) + "). Nothing was unpacked. Use an archive"
                + " that Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
    }

    private static InvalidArchiveException special(Path file, String rel) {
        return new InvalidArchiveException("The archive " + file + " holds " + shown(rel) + ", a hard link, device or"
                + " other special entry, which an environment archive never holds. Use an archive that"
                + " Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
    }

    private static InvalidArchiveException notOurs(Path file, Exception cause) {
        return new InvalidArchiveException("The file " + file + " is not an environment archive: Environment.pack()"
                + " writes a gzip-compressed tar or a zip whose first entry is " + MANIFEST + ". Pack the environment with"
                + " Environment.pack() and unpack that archive.", Reason.NOT_AN_ENVIRONMENT_ARCHIVE, cause);
    }

    private static InvalidArchiveException damaged(Path file, Exception cause) {
        return new InvalidArchiveException("The archive " + file + " is damaged or cut short (" + (cause.getMessage() == null
                ? cause.getClass().getSimpleName() : shown(cause.getMessage())) + "). Nothing was unpacked. Copy it again from where it was packed.",
                Reason.DAMAGED, cause);
    }

    private static void permissions(Path path, int mode) throws IOException {
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

    private static Set<PosixFilePermission> posix(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String relative(Path root, Path p) {
        return separators(root.relativize(p).toString());
    }

    private static String separators(String s) {
        return java.io.File.separatorChar == '\\' ? s.replace('\\', '/') : s;
    }
}
