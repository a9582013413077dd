package dev.isoenv.internal.store;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.Requirement;
import dev.isoenv.StoreGarbage;
import dev.isoenv.internal.io.CacheDirectory;
import dev.isoenv.internal.io.Sha256;
import dev.isoenv.internal.metadata.DistributionScanner;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * isoenv's shared store of installed distributions, one per user: each file once, named by its SHA-256
 * ({@code objects/ab/abcdef…}), a manifest per distribution ({@code dists/}), the distributions each install step
 * resolved to ({@code resolutions/}), and which environment uses which distribution ({@code refs/}).
 *
 * <ul>
 *   <li>{@link #add} takes a distribution that pip installed into an environment, checks every file against the hash
 *       its {@code RECORD} declares, and hard-links the files into the store (copying where links are impossible,
 *       as across file systems). Shared files are made read-only, so that a tool that opens one for writing fails
 *       instead of changing every environment; pip and isoenv replace files by renaming, which never touches
 *       another environment's copy.</li>
 *   <li>{@link #link} puts a stored distribution into another environment by hard links, with its own
 *       {@code RECORD}, {@code INSTALLER} and launchers written for that environment's interpreter; nothing is
 *       downloaded or unpacked.</li>
 *   <li>{@link #collect} removes what no environment uses, or, as a dry run, says what it would remove. An
 *       environment never loses a file to a collection: its hard link keeps the file's data.</li>
 * </ul>
 *
 * <p>Its place: the option {@value #OPTION} (of the specification or the client), else the system property
 * {@value #PROPERTY}, else the environment variable {@value #VARIABLE}, else {@code store} in isoenv's cache
 * directory ({@link CacheDirectory}). Links need the store and the environments on one file system; elsewhere files
 * are copied, which saves the download and the unpacking but not the disk.
 */
public final class SharedStore {
    /** The option, of a specification or a client, that sets the store's directory. */
    public static final String OPTION = "store.dir";
    /** The system property that sets the store's directory. */
    public static final String PROPERTY = "isoenv.store.dir";
    /** The environment variable that sets the store's directory. */
    public static final String VARIABLE = "ISOENV_STORE_DIR";

    private static final System.Logger LOG = System.getLogger("dev.isoenv");
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(5);
    private static final String LAYOUT = "v1";

    private final Path directory;
    private final Path root;
    private final OperatingSystem os;

    private SharedStore(Path directory, OperatingSystem os) {
        this.directory = directory;
        this.root = directory.resolve(LAYOUT);
        this.os = os;
    }

    /**
     * Opens the store at {@code directory}, which is made when first written.
     *
     * @param directory the store's directory
     * @param os the operating system
     * @return the store
     */
    public static SharedStore at(Path directory, OperatingSystem os) {
        return new SharedStore(directory.toAbsolutePath(), os);
    }

    /**
     * Finds where the store is, by the rules of the class comment.
     *
     * @param specOptions the specification's options
     * @param clientOptions the client's options
     * @param os the operating system
     * @param environment the process environment
     * @param systemProperties looks up a system property
     * @return the directory, or empty when nothing says where it is (no home directory)
     */
    public static Optional<Path> locate(Map<String, String> specOptions, Map<String, String> clientOptions,
                                        OperatingSystem os, Map<String, String> environment,
                                        UnaryOperator<String> systemProperties) {
        for (String value : new String[] {specOptions.get(OPTION), clientOptions.get(OPTION),
                systemProperties.apply(PROPERTY), os.variable(environment, VARIABLE)}) {
            if (value != null && !value.isBlank()) {
                try {
                    return Optional.of(Path.of(value.strip()).toAbsolutePath());
                } catch (InvalidPathException e) {
                    LOG.log(System.Logger.Level.WARNING, "isoenv: the shared store''s directory {0} is not a valid"
                            + " path; the store is not used", value);
                    return Optional.empty();
                }
            }
        }
        return CacheDirectory.of(os, environment, systemProperties).map(d -> d.resolve("store"));
    }

    /**
     * Returns the store's directory.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Adding what pip installed
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Adds a distribution that is installed in {@code layout} to the store, unless it is there already; when it is,
     * the environment's copies of its files become links to the stored ones. Nothing is added when a file does not
     * match the hash its {@code RECORD} declares, when a file lies outside the environment or in its scripts folder
     * (other than the launchers of its entry points), or when it is an editable install; the reason is logged and
     * the environment is left as it is. Data files elsewhere in the environment ({@code share/man/...}) are shared.
     *
     * @param layout the environment
     * @param python the environment's Python, {@code major.minor}
     * @param platform the environment's platform, such as {@code linux x86_64}
     * @param distribution the installed distribution
     * @return the stored distribution's key, or empty when it cannot be shared
     */
    public Optional<String> add(EnvironmentLayout layout, String python, String platform,
                                InstalledDistribution distribution) {
        return add(layout, python, platform, distribution, Map.of());
    }

    /**
     * Adds a distribution as {@link #add(EnvironmentLayout, String, String, InstalledDistribution)} does, with where
     * pip got its file ({@code url}, {@code direct}, {@code hash.ALG}), which environments it is linked into inherit
     * for their lock files.
     *
     * @param layout the environment
     * @param python the environment's Python, {@code major.minor}
     * @param platform the environment's platform
     * @param distribution the installed distribution
     * @param artifact where its file came from; empty when unknown
     * @return the stored distribution's key, or empty when it cannot be shared
     */
    public Optional<String> add(EnvironmentLayout layout, String python, String platform,
                                InstalledDistribution distribution, Map<String, String> artifact) {
        try {
            // The key comes from the hashes RECORD declares, so that a distribution already stored costs no hashing.
            Optional<Candidate> planned = candidate(layout, python, platform, distribution, false);
            if (planned.isEmpty()) {
                return Optional.empty();
            }
            String key = planned.get().key;
            Path manifest = manifest(key);
            Optional<Candidate> verified = Optional.empty();
            if (!Files.isRegularFile(manifest) || !complete(StoredDistribution.read(manifest))) {
                verified = candidate(layout, python, platform, distribution, true);
                if (verified.isEmpty()) {
                    return Optional.empty();
                }
            }
            try (StoreLock lock = lock()) {
                if (Files.isRegularFile(manifest)) {
                    StoredDistribution stored = StoredDistribution.read(manifest);
                    // Objects a collection removed (or a failure never wrote) come back from this environment's
                    // verified files, so that the distribution is shared again.
                    if (verified.isPresent()) {
                        Map<String, String> actual = new java.util.HashMap<>();
                        for (StoredDistribution.File f : verified.get().files) {
                            actual.put(f.path, f.sha256);
                        }
                        for (StoredDistribution.File f : stored.files) {
                            if (!Files.isRegularFile(object(f.sha256)) && f.sha256.equals(actual.get(f.path))) {
                                Path file = layout.sitePackages().resolve(f.path);
                                if (f.kind == StoredDistribution.Kind.LINK) {
                                    store(file, f.sha256);
                                } else {
                                    storeCopy(file, f.sha256);
                                }
                            }
                        }
                    }
                    if (!os.isWindows()) {
                        for (StoredDistribution.File f : stored.files) {
                            Path file = layout.sitePackages().resolve(f.path);
                            if (f.kind == StoredDistribution.Kind.LINK && Files.isRegularFile(object(f.sha256))
                                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                                    && !Files.isSameFile(file, object(f.sha256))) {
                                replaceWithLink(file, object(f.sha256));
                            }
                        }
                    }
                } else {
                    Candidate c = verified.orElseThrow();
                    for (StoredDistribution.File f : c.files) {
                        Path file = layout.sitePackages().resolve(f.path);
                        if (f.kind == StoredDistribution.Kind.LINK) {
                            store(file, f.sha256);
                        } else {
                            storeCopy(file, f.sha256);
                        }
                    }
                    writeAtomically(manifest, new StoredDistribution(key, distribution.name(),
                            distribution.version(), python, platform, c.hasScripts, c.files, artifact).text());
                }
                referenceLocked(layout, List.of(key));
            }
            return Optional.of(key);
        } catch (dev.isoenv.OperationInterruptedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "isoenv: could not add {0} {1} from {2} to the shared store {3}:"
                    + " {4}; it stays installed there, unshared", distribution.name(), distribution.version(),
                    layout.root(), directory, e.toString());
            return Optional.empty();
        }
    }

    /** Whether every object of a stored distribution is there. */
    private boolean complete(StoredDistribution d) {
        for (StoredDistribution.File f : d.files) {
            if (!Files.isRegularFile(object(f.sha256))) {
                return false;
            }
        }
        return true;
    }

    /** A distribution checked and ready to store: its key and files. */
    private static final class Candidate {
        final String key;
        final List<StoredDistribution.File> files;
        final boolean hasScripts;

        Candidate(String key, List<StoredDistribution.File> files, boolean hasScripts) {
            this.key = key;
            this.files = files;
            this.hasScripts = hasScripts;
        }
    }

    /**
     * Checks what of a distribution can be shared, and its key. With {@code hash}, every file is hashed and checked
     * against what RECORD declares, and the files carry their actual hashes; without, they carry the declared ones
     * (bytecode, which RECORD declares none for, carries an empty hash), which is enough for the key.
     */
    private Optional<Candidate> candidate(EnvironmentLayout layout, String python, String platform,
                                          InstalledDistribution distribution, boolean hash) throws IOException {
        Path site = layout.sitePackages();
        Optional<Path> found = distInfo(site, distribution);
        if (found.isEmpty()) {
            return refuse(distribution, "its .dist-info directory was not found");
        }
        Path info = found.get();
        String infoName = info.getFileName().toString();
        Path directUrl = info.resolve("direct_url.json");
        if (Files.isRegularFile(directUrl)
                && Files.readString(directUrl, StandardCharsets.UTF_8).replace(" ", "").contains("\"editable\":true")) {
            return refuse(distribution, "it is an editable install of a source folder");
        }
        Path installer = info.resolve("INSTALLER");
        if (!Files.isRegularFile(installer)
                || !Files.readString(installer, StandardCharsets.UTF_8).strip().equals("pip")) {
            // conda's packages are linked from conda's own package cache, uv's from uv's.
            return refuse(distribution, "pip did not install it");
        }
        Path recordFile = info.resolve("RECORD");
        if (!Files.isRegularFile(recordFile)) {
            return refuse(distribution, "it has no RECORD");
        }
        List<RecordFile.Entry> record = RecordFile.read(recordFile);
        List<ConsoleScripts.Script> scripts = Files.isRegularFile(info.resolve("entry_points.txt"))
                ? ConsoleScripts.parse(Files.readString(info.resolve("entry_points.txt"), StandardCharsets.UTF_8))
                : List.of();
        Set<String> launchers = new LinkedHashSet<>();
        for (ConsoleScripts.Script s : scripts) {
            launchers.add(s.name());
            launchers.add(s.name() + ".exe");
            launchers.add(s.name() + "-script.py");
            launchers.add(s.name() + "-script.pyw");
        }
        Set<String> ownFiles = Set.of(infoName + "/RECORD", infoName + "/INSTALLER", infoName + "/REQUESTED",
                infoName + "/direct_url.json");
        Path scriptsDirectory = layout.scriptsDirectory().toAbsolutePath().normalize();
        Path siteRoot = site.toAbsolutePath().normalize();
        Path envRoot = layout.root().toAbsolutePath().normalize();
        List<StoredDistribution.File> files = new ArrayList<>();
        TreeSet<String> declared = new TreeSet<>();
        boolean hasScripts = false;
        Set<String> seen = new java.util.HashSet<>();
        for (RecordFile.Entry e : record) {
            String path = e.path();
            if (path.indexOf('\t') >= 0 || path.indexOf('\n') >= 0 || path.indexOf('\\') >= 0 || !seen.add(path)) {
                return refuse(distribution, "its RECORD names " + path + " in a form isoenv does not share");
            }
            if (ownFiles.contains(path)) {
                if (!path.endsWith("/REQUESTED")) {
                    Path file = site.resolve(path);
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        files.add(new StoredDistribution.File(StoredDistribution.Kind.COPY, hash ? Sha256.hex(file) : "",
                                false, path));
                    }
                }
                continue;
            }
            Path file = siteRoot.resolve(path).normalize();
            if (!file.startsWith(siteRoot)) {
                if (file.getParent() != null && file.getParent().equals(scriptsDirectory)
                        && launchers.contains(file.getFileName().toString())) {
                    hasScripts = true;
                    continue;
                }
                // Data files elsewhere in the environment (share/man/..., include/...) are shared like the rest;
                // other scripts are not, as pip wrote the environment's interpreter into them.
                if (!file.startsWith(envRoot) || file.startsWith(scriptsDirectory)) {
                    return refuse(distribution, "it installs " + path + " outside site-packages and its data");
                }
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return refuse(distribution, path + " is missing or not a plain file");
            }
            if (e.hasUncheckableHash()) {
                return refuse(distribution, "its RECORD gives " + path + " a hash other than sha256");
            }
            Optional<String> expected = e.sha256();
            if (expected.isEmpty() && !isBytecode(path)) {
                return refuse(distribution, "its RECORD declares no hash for " + path);
            }
            String actual = hash ? Sha256.hex(file) : expected.orElse("");
            if (expected.isPresent() && !expected.get().equals(actual)) {
                return refuse(distribution, path + " does not match the hash its RECORD declares (it was changed"
                        + " after installation)");
            }
            expected.ifPresent(h -> declared.add(path + "\t" + h));
            files.add(new StoredDistribution.File(StoredDistribution.Kind.LINK, actual, Files.isExecutable(file),
                    path));
        }
        if (declared.isEmpty()) {
            return refuse(distribution, "its RECORD declares no hashes");
        }
        // Content first, the RECORD last: a link interrupted half-way leaves no metadata, so the distribution looks
        // absent and is linked again.
        files.sort((a, b) -> Integer.compare(rank(a, infoName), rank(b, infoName)));
        StringBuilder identity = new StringBuilder("python ").append(python).append('\n').append("platform ")
                .append(platform).append('\n');
        for (String line : declared) {
            identity.append(line).append('\n');
        }
        String digest = Sha256.hex(identity.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        String key = Requirement.normalize(distribution.name()) + "-" + safe(distribution.version()) + "-" + digest;
        return Optional.of(new Candidate(key, files, hasScripts));
    }

    private static int rank(StoredDistribution.File f, String infoName) {
        if (f.path.equals(infoName + "/RECORD")) {
            return 3;
        }
        if (f.path.startsWith(infoName + "/")) {
            return f.kind == StoredDistribution.Kind.COPY ? 2 : 1;
        }
        return 0;
    }

    private static Optional<Candidate> refuse(InstalledDistribution d, String why) {
        LOG.log(System.Logger.Level.DEBUG, "isoenv: {0} {1} is not shared through the store: {2}", d.name(),
                d.version(), why);
        return Optional.empty();
    }

    private static boolean isBytecode(String path) {
        return path.endsWith(".pyc") && path.contains("__pycache__/");
    }

    private static String safe(String version) {
        return version.replaceAll("[^A-Za-z0-9.+_]", "_");
    }

    /** Finds the {@code .dist-info} directory of a distribution by its metadata's name and version. */
    static Optional<Path> distInfo(Path site, InstalledDistribution d) throws IOException {
        String name = d.normalizedName();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(site, "*.dist-info")) {
            for (Path entry : entries) {
                String dir = entry.getFileName().toString();
                int dash = dir.lastIndexOf('-', dir.length() - ".dist-info".length() - 1);
                if (dash <= 0 || !Requirement.normalize(dir.substring(0, dash)).equals(name)) {
                    continue;
                }
                Path metadata = entry.resolve("METADATA");
                if (!Files.isRegularFile(metadata)) {
                    continue;
                }
                for (String line : Files.readAllLines(metadata, StandardCharsets.UTF_8)) {
                    if (line.isEmpty()) {
                        break;
                    }
                    if (line.regionMatches(true, 0, "Version:", 0, 8)) {
                        if (line.substring(8).strip().equals(d.version())) {
                            return Optional.of(entry);
                        }
                        break;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Puts an environment's file into the store as {@code sha256}: a hard link where possible, else a copy. */
    private void store(Path file, String sha256) throws IOException {
        Path object = object(sha256);
        if (Files.isRegularFile(object)) {
            if (!Files.isSameFile(file, object)) {
                replaceWithLink(file, object);
            }
            return;
        }
        Files.createDirectories(object.getParent());
        Path temporary = temporary();
        try {
            try {
                if (os.isWindows()) {
                    // Read-only is one attribute of all links to a file on Windows, which pip clears: copies there.
                    throw new IOException("no links on Windows");
                }
                Files.createLink(temporary, file);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, temporary, StandardCopyOption.COPY_ATTRIBUTES);
            }
            makeReadOnly(temporary);
            moveIntoPlace(temporary, object);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Stores a file that each environment gets its own copy of. */
    private void storeCopy(Path file, String sha256) throws IOException {
        Path object = object(sha256);
        if (Files.isRegularFile(object)) {
            return;
        }
        Files.createDirectories(object.getParent());
        Path temporary = temporary();
        try {
            Files.copy(file, temporary);
            makeReadOnly(temporary);
            moveIntoPlace(temporary, object);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Makes {@code file} a link to {@code object}, atomically; it stays as it is where links are impossible. */
    private static void replaceWithLink(Path file, Path object) {
        Path temporary = file.resolveSibling(".~isoenv-" + UUID.randomUUID());
        try {
            Files.createLink(temporary, object);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // It stays the environment's own copy.
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static void moveIntoPlace(Path temporary, Path object) throws IOException {
        try {
            Files.move(temporary, object, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another process stored the same content first.
        }
        if (Files.exists(temporary) && Files.isRegularFile(object)) {
            deleteQuietly(temporary);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Linking into an environment
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Installs a stored distribution into {@code layout} by linking its files (copying where links are impossible,
     * and on Windows), with metadata of its own: {@code INSTALLER}, {@code REQUESTED} when it was asked for,
     * launchers for the environment's interpreter, and a {@code RECORD} that lists them. A file of another
     * distribution at the same path is replaced, as pip does. The {@code .dist-info} folder is built under a
     * {@code ~} name and renamed into place last, so that a link interrupted at any point leaves a distribution
     * that no one takes as installed (isoenv removes such {@code ~} leftovers before the next install).
     *
     * @param layout the environment
     * @param key the stored distribution
     * @param requested whether the distribution was asked for by name (not only a dependency)
     * @param python the environment's Python, {@code major.minor}; a distribution stored for another is refused
     * @param platform the environment's platform; a distribution stored for another is refused
     * @return false, with nothing of it left behind, when the store no longer has it whole, it was stored for
     *     another Python or platform, or it cannot be linked here
     */
    public boolean link(EnvironmentLayout layout, String key, boolean requested, String python, String platform) {
        List<Path> created = new ArrayList<>();
        Path staging = null;
        try (StoreLock lock = lock()) {
            Path manifest = manifest(key);
            if (!Files.isRegularFile(manifest)) {
                return false;
            }
            StoredDistribution d = StoredDistribution.read(manifest);
            if (!d.python.equals(python) || !d.platform.equals(platform) || !complete(d)
                    || (d.hasScripts && os.isWindows())) {
                // Windows launchers are executables that pip makes; pip installs such a distribution itself.
                return false;
            }
            String infoName = null;
            for (StoredDistribution.File f : d.files) {
                if (f.path.endsWith("/RECORD") && f.path.indexOf('/') == f.path.length() - "/RECORD".length()) {
                    infoName = f.path.substring(0, f.path.indexOf('/'));
                }
            }
            Path siteRoot = layout.sitePackages().toAbsolutePath().normalize();
            Path envRoot = layout.root().toAbsolutePath().normalize();
            Path scripts = layout.scriptsDirectory().toAbsolutePath().normalize();
            if (infoName == null || Files.exists(siteRoot.resolve(infoName), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.createDirectories(siteRoot);
            staging = siteRoot.resolve("~isoenv-" + UUID.randomUUID() + ".dist-info");
            Files.createDirectory(staging);
            String record = null;
            for (StoredDistribution.File f : d.files) {
                boolean metadata = f.path.startsWith(infoName + "/");
                Path target = metadata ? staging.resolve(f.path.substring(infoName.length() + 1))
                        : siteRoot.resolve(f.path).normalize();
                if (!target.startsWith(envRoot) || target.startsWith(scripts)) {
                    throw new IOException("the store's manifest " + manifest + " names a path outside the"
                            + " environment's site-packages and data");
                }
                if (metadata && f.path.equals(infoName + "/RECORD")) {
                    record = Files.readString(object(f.sha256), StandardCharsets.UTF_8);
                    continue;
                }
                if (!metadata && Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                        && Files.isSameFile(target, object(f.sha256))) {
                    continue;
                }
                boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                Files.createDirectories(target.getParent());
                place(object(f.sha256), target, f.kind == StoredDistribution.Kind.LINK);
                if (!existed && !metadata) {
                    created.add(target);
                }
            }
            if (record == null) {
                return false;
            }
            List<String> lines = new ArrayList<>();
            for (String line : record.split("\r?\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String path = RecordFile.parse(line).get(0).path();
                Path file = siteRoot.resolve(path).normalize();
                // The launchers and REQUESTED are this environment's own, listed below.
                if (!file.startsWith(scripts) && !path.equals(infoName + "/REQUESTED")) {
                    lines.add(line);
                }
            }
            Path entryPoints = staging.resolve("entry_points.txt");
            if (Files.isRegularFile(entryPoints)) {
                List<ConsoleScripts.Script> declared = ConsoleScripts.parse(Files.readString(entryPoints,
                        StandardCharsets.UTF_8));
                if (!declared.isEmpty()) {
                    if (ConsoleScripts.shebang(layout.python(), os).isEmpty()) {
                        // A path the /bin/sh form cannot quote safely: pip writes these launchers.
                        throw new IOException("the interpreter's path " + layout.python() + " cannot be written"
                                + " into a launcher safely");
                    }
                    for (Path script : ConsoleScripts.write(declared, layout.scriptsDirectory(), layout.python(),
                            os)) {
                        created.add(script);
                        lines.add(recordLine(siteRoot.relativize(script.toAbsolutePath().normalize()), script));
                    }
                }
            }
            if (requested) {
                Path marker = staging.resolve("REQUESTED");
                Files.write(marker, new byte[0]);
                lines.add(recordLine(Path.of(infoName, "REQUESTED"), marker));
            }
            Files.writeString(staging.resolve("RECORD"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.move(staging, siteRoot.resolve(infoName), StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            referenceLocked(layout, List.of(key));
            return true;
        } catch (dev.isoenv.OperationInterruptedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "isoenv: could not link {0} from the shared store {1} into {2}: {3};"
                    + " the installer installs it instead", key, directory, layout.root(), e.toString());
            for (Path p : created) {
                deleteQuietly(p);
            }
            return false;
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    /** Puts an object at {@code target}: a link (a copy where links are impossible, and on Windows) or a copy. */
    private void place(Path object, Path target, boolean link) throws IOException {
        Path temporary = target.resolveSibling(".~isoenv-" + UUID.randomUUID());
        try {
            boolean linked = false;
            if (link && !os.isWindows()) {
                try {
                    Files.createLink(temporary, object);
                    linked = true;
                } catch (IOException | UnsupportedOperationException e) {
                    linked = false;
                }
            }
            if (!linked) {
                // A copy keeps the object's time, which compiled bytecode is checked against, and is the
                // environment's own, writable file.
                Files.copy(object, temporary, StandardCopyOption.COPY_ATTRIBUTES);
                makeWritable(temporary);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            // A rename onto another link of the same file leaves the source: it goes here.
            Files.deleteIfExists(temporary);
        }
    }

    /** A RECORD line for a file this environment wrote: its path relative to site-packages, hash and size. */
    private static String recordLine(Path relative, Path file) throws IOException {
        String path = relative.toString().replace('\\', '/');
        if (path.indexOf(',') >= 0 || path.indexOf('"') >= 0) {
            path = "\"" + path.replace("\"", "\"\"") + "\"";
        }
        byte[] digest = java.util.HexFormat.of().parseHex(Sha256.hex(file));
        return path + ",sha256=" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + ","
                + Files.size(file);
    }

    /**
     * Finds, among {@code preferred} (the distributions the same step resolved to before, so from the same indexes,
     * installer arguments and interpreter), the stored distribution of a name and version for a Python and
     * platform.
     *
     * @param distribution the name and version
     * @param python the Python, {@code major.minor}
     * @param platform the platform, as {@link #platform(Map)} gives it
     * @param preferred the keys to choose from
     * @return the key, or empty if the store has no such distribution
     */
    public Optional<String> find(InstalledDistribution distribution, String python, String platform,
                                 Collection<String> preferred) {
        for (String key : preferred) {
            try {
                StoredDistribution d = StoredDistribution.read(manifest(key));
                if (Requirement.normalize(d.name).equals(distribution.normalizedName())
                        && d.version.equals(distribution.version()) && d.python.equals(python)
                        && d.platform.equals(platform)) {
                    return Optional.of(d.key);
                }
            } catch (IOException e) {
                // Gone since: not a candidate.
            }
        }
        return Optional.empty();
    }

    /**
     * Returns where a stored distribution's file came from, as pip's report said when it was added.
     *
     * @param key the key
     * @return {@code url}, {@code direct} and {@code hash.ALG} entries; empty when unknown
     */
    public Map<String, String> artifact(String key) {
        try {
            return StoredDistribution.read(manifest(key)).artifact;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Tells whether a stored distribution was stored for this Python and platform.
     *
     * @param key the key
     * @param python the Python, {@code major.minor}
     * @param platform the platform
     * @return true if the store has it for them
     */
    public boolean isFor(String key, String python, String platform) {
        try {
            StoredDistribution d = StoredDistribution.read(manifest(key));
            return d.python.equals(python) && d.platform.equals(platform);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads a stored distribution's name and version.
     *
     * @param key the key
     * @return its name and version, or empty if the store does not have it
     */
    public Optional<InstalledDistribution> distribution(String key) {
        try {
            StoredDistribution d = StoredDistribution.read(manifest(key));
            return Optional.of(InstalledDistribution.of(d.name, d.version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Resolutions and references
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Returns the distributions an install step resolved to when an environment last ran it, if all are stored.
     *
     * @param step the step's identity: its requirements, constraints, indexes and options, and the Python
     * @return the stored distributions' keys
     */
    public Optional<List<String>> resolution(String step) {
        Path file = root.resolve("resolutions").resolve(Sha256.hex(step.getBytes(StandardCharsets.UTF_8)));
        try {
            List<String> keys = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    keys.add(line.strip());
                }
            }
            for (String key : keys) {
                if (!Files.isRegularFile(manifest(key))) {
                    return Optional.empty();
                }
            }
            return keys.isEmpty() ? Optional.empty() : Optional.of(keys);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Remembers what an install step resolved to, for the next environment that runs the same step.
     *
     * @param step the step's identity
     * @param keys the stored distributions
     */
    public void rememberResolution(String step, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Path file = root.resolve("resolutions").resolve(Sha256.hex(step.getBytes(StandardCharsets.UTF_8)));
        try (StoreLock lock = lock()) {
            writeAtomically(file, String.join("\n", new TreeSet<>(keys)) + "\n");
        } catch (IOException | dev.isoenv.LockTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "isoenv: could not record a resolution in {0}: {1}", directory, e);
        }
    }

    /**
     * Records that an environment uses stored distributions, besides those it was recorded with before.
     *
     * @param layout the environment
     * @param keys the stored distributions
     */
    public void reference(EnvironmentLayout layout, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try (StoreLock lock = lock()) {
            referenceLocked(layout, keys);
        } catch (IOException | dev.isoenv.LockTimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "isoenv: could not record the shared store''s use by {0}: {1}",
                    layout.root(), e.toString());
        }
    }

    /** Records the use, the store's lock being held: so that no collection can come between a link and it. */
    private void referenceLocked(EnvironmentLayout layout, Collection<String> keys) throws IOException {
        Path root = layout.root().toAbsolutePath().normalize();
        Path file = refFile(root);
        Set<String> all = new TreeSet<>(keys);
        if (Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() >= 2 && lines.get(0).equals(root.toString())) {
                all.addAll(lines.subList(2, lines.size()));
            }
        }
        all.removeIf(String::isBlank);
        writeAtomically(file, root + "\n" + layout.sitePackages().toAbsolutePath().normalize() + "\n"
                + String.join("\n", all) + "\n");
    }

    /**
     * Forgets an environment, so that a collection may remove what only it used.
     *
     * @param environmentRoot the environment's directory
     */
    public void forget(Path environmentRoot) {
        try (StoreLock lock = lock()) {
            Files.deleteIfExists(refFile(environmentRoot.toAbsolutePath().normalize()));
        } catch (IOException | dev.isoenv.LockTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "isoenv: could not forget {0} in the store: {1}", environmentRoot, e);
        }
    }

    private Path refFile(Path environmentRoot) {
        return root.resolve("refs").resolve(Sha256.hex(environmentRoot.toString().getBytes(StandardCharsets.UTF_8))
                + ".ref");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Garbage collection
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Removes the distributions no environment uses and the files that only they held; with {@code dryRun}, removes
     * nothing and says what it would remove. An environment is in use while its directory has isoenv's record; it
     * uses a stored distribution while that distribution is installed there in the same version.
     *
     * @param dryRun true to remove nothing
     * @return what was, or would be, removed
     * @throws IOException if the store cannot be read, or a file cannot be removed
     */
    public StoreGarbage collect(boolean dryRun) throws IOException {
        if (!Files.isDirectory(root)) {
            return StoreGarbage.of(directory, dryRun, List.of(), 0, 0);
        }
        try (StoreLock lock = lock()) {
            Set<String> live = new java.util.HashSet<>();
            List<Path> staleRefs = new ArrayList<>();
            for (Path ref : list(root.resolve("refs"))) {
                List<String> lines = Files.readAllLines(ref, StandardCharsets.UTF_8);
                if (lines.size() < 2) {
                    staleRefs.add(ref);
                    continue;
                }
                Path environment = Path.of(lines.get(0));
                if (!Files.isDirectory(environment.resolve(".isoenv"))) {
                    staleRefs.add(ref);
                    continue;
                }
                Set<String> installed = new java.util.HashSet<>();
                for (InstalledDistribution d : DistributionScanner.scan(Path.of(lines.get(1)))) {
                    installed.add(d.normalizedName() + " " + d.version());
                }
                for (String key : lines.subList(2, lines.size())) {
                    Optional<InstalledDistribution> d = distribution(key);
                    if (d.isPresent() && installed.contains(d.get().normalizedName() + " " + d.get().version())) {
                        live.add(key);
                    }
                }
            }
            Set<String> inUse = new java.util.HashSet<>();
            List<Path> deadManifests = new ArrayList<>();
            List<InstalledDistribution> deadNames = new ArrayList<>();
            for (Path manifest : list(root.resolve("dists"))) {
                StoredDistribution d;
                try {
                    d = StoredDistribution.read(manifest);
                } catch (IOException e) {
                    deadManifests.add(manifest);
                    continue;
                }
                if (live.contains(d.key)) {
                    for (StoredDistribution.File f : d.files) {
                        inUse.add(f.sha256);
                    }
                } else {
                    deadManifests.add(manifest);
                    deadNames.add(InstalledDistribution.of(d.name, d.version));
                }
            }
            long files = 0;
            long bytes = 0;
            List<Path> deadObjects = new ArrayList<>();
            for (Path shard : list(root.resolve("objects"))) {
                for (Path object : list(shard)) {
                    // A file an environment still links to frees nothing, whatever the records say: it stays.
                    if (!inUse.contains(object.getFileName().toString()) && links(object) <= 1) {
                        deadObjects.add(object);
                        files++;
                        bytes += Files.size(object);
                    }
                }
            }
            if (!dryRun) {
                // Manifests first: a distribution is never listed with objects missing because a removal stopped.
                List<IOException> failures = new ArrayList<>();
                for (List<Path> batch : List.of(deadManifests, staleRefs, deadObjects)) {
                    for (Path p : batch) {
                        try {
                            delete(p);
                        } catch (IOException e) {
                            failures.add(e);
                        }
                    }
                }
                for (Path resolution : list(root.resolve("resolutions"))) {
                    for (String key : Files.readAllLines(resolution, StandardCharsets.UTF_8)) {
                        if (!key.isBlank() && !Files.isRegularFile(manifest(key.strip()))) {
                            deleteQuietly(resolution);
                            break;
                        }
                    }
                }
                deleteQuietly(root.resolve("tmp"));
                if (!failures.isEmpty()) {
                    IOException first = failures.get(0);
                    throw new IOException(failures.size() + " files of the shared store could not be removed, such"
                            + " as: " + first.getMessage(), first);
                }
            }
            deadNames.sort(java.util.Comparator.comparing(InstalledDistribution::normalizedName)
                    .thenComparing(InstalledDistribution::version));
            return StoreGarbage.of(directory, dryRun, deadNames, files, bytes);
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            List<Path> out = new ArrayList<>();
            s.sorted().forEach(out::add);
            return out;
        }
    }

    private void delete(Path file) throws IOException {
        if (os.isWindows()) {
            makeWritable(file);
        }
        Files.deleteIfExists(file);
    }

    /** How many names a file has: 1 when only the store links to it; 1 where the file system cannot tell. */
    private static int links(Path file) {
        try {
            Object n = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return n instanceof Integer ? (Integer) n : 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files
    // ---------------------------------------------------------------------------------------------------------

    private StoreLock lock() throws IOException {
        Files.createDirectories(root);
        return StoreLock.acquire(root.resolve(".lock"), LOCK_TIMEOUT);
    }

    Path object(String sha256) {
        return root.resolve("objects").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private Path manifest(String key) {
        return root.resolve("dists").resolve(key + ".dist");
    }

    private Path temporary() throws IOException {
        Path tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        return tmp.resolve(UUID.randomUUID().toString());
    }

    private void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = temporary();
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static void makeReadOnly(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            permissions.remove(PosixFilePermission.OWNER_WRITE);
            permissions.remove(PosixFilePermission.GROUP_WRITE);
            permissions.remove(PosixFilePermission.OTHERS_WRITE);
            posix.setPermissions(permissions);
            return;
        }
        DosFileAttributeView dos = Files.getFileAttributeView(file, DosFileAttributeView.class);
        if (dos != null) {
            dos.setReadOnly(true);
        }
    }

    private static void makeWritable(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (permissions.add(PosixFilePermission.OWNER_WRITE)) {
                posix.setPermissions(permissions);
            }
            return;
        }
        DosFileAttributeView dos = Files.getFileAttributeView(file, DosFileAttributeView.class);
        if (dos != null) {
            dos.setReadOnly(false);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                com.google.common.io.MoreFiles.deleteRecursively(path,
                        com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
            } else {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Left for the next collection.
        }
    }

    @Override
    public String toString() {
        return "shared store " + directory;
    }

    /** For messages: the platform words of a marker environment. */
    public static String platform(Map<String, String> markers) {
        return markers.getOrDefault("sys_platform", "?") + " " + markers.getOrDefault("platform_machine", "?") + " "
                + markers.getOrDefault("implementation_name", "?").toLowerCase(Locale.ROOT);
    }
}
