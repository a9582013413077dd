package dev.isoenv.venv.interpreter;

import dev.isoenv.internal.io.CacheDirectory;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The facts that running an interpreter reported, kept on disk so that a new JVM need not run it again, in the
 * {@code interpreters} folder of isoenv's {@link CacheDirectory cache directory}, one small file per interpreter path.
 *
 * <p>Two kinds of entries:
 * <ul>
 *   <li><b>Facts</b> of an interpreter run by a path: what it printed, valid while the file behind the path has the
 *       same {@link FileStamp stamp} (real path, size, modification time, file key), the operating system reports
 *       the same version (markers such as {@code platform_release} follow the kernel), and isoenv asks with the same
 *       script.</li>
 *   <li><b>Shim resolutions</b>: the interpreter a version manager's shim ran, valid while the shim's {@link
 *       ShimContext context} is the same. The target's own facts entry is then checked as above, so a shim whose
 *       interpreter was removed or replaced is run again.</li>
 * </ul>
 * Only successful inspections are stored: a failure is always retried. The cache is an optimisation and never fails
 * a call: an entry that is missing, unreadable, corrupt, of another format or stale is a miss; a directory that
 * cannot be created or written is no cache. Entries are written whole to a temporary file and renamed into place, so
 * concurrent JVMs read either the old entry or the new one.
 */
final class InterpreterFactsCache {
    private static final System.Logger LOG = System.getLogger("dev.isoenv");
    private static final String FORMAT = "1";
    private static final String FACTS = "facts";
    private static final String SHIM = "shim";

    private final Path directory;
    private final String system;
    private final String script;

    /**
     * Creates a cache.
     *
     * @param directory the folder of the entries, or null for no cache
     * @param system the operating system's name, version and architecture, which entries must match
     * @param script identifies the inspection script, which entries must match
     */
    InterpreterFactsCache(Path directory, String system, String script) {
        this.directory = directory;
        this.system = system;
        this.script = script;
    }

    /**
     * Returns the cache in isoenv's cache directory for these variables, for the inspection script given.
     *
     * @param os the operating system
     * @param environment the process environment, which may set the cache directory
     * @param script the inspection script
     * @return the cache, or one that holds nothing when there is no cache directory
     */
    static InterpreterFactsCache forEnvironment(OperatingSystem os, Map<String, String> environment, String script) {
        return new InterpreterFactsCache(CacheDirectory.of(os, environment).map(d -> d.resolve("interpreters"))
                .orElse(null), currentSystem(), Integer.toHexString(script.hashCode()) + "-" + script.length());
    }

    /** The running system as the JVM sees it: a kernel upgrade changes it. */
    static String currentSystem() {
        return System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " "
                + System.getProperty("os.arch", "");
    }

    /**
     * Returns what the interpreter at {@code invoked} printed when it was last run, if that is still valid.
     *
     * @param invoked the path the interpreter is run by
     * @return its output, or empty
     */
    Optional<String> facts(Path invoked) {
        Optional<Properties> entry = read(invoked, FACTS);
        return entry.map(p -> p.getProperty("output"));
    }

    /**
     * Returns the interpreter the shim at {@code shim} ran, if its context is the same.
     *
     * @param shim the shim
     * @param context its {@link ShimContext} now
     * @return the interpreter it ran, or empty
     */
    Optional<Path> shimTarget(Path shim, String context) {
        Optional<Properties> entry = read(shim, SHIM).filter(p -> context.equals(p.getProperty("context")));
        try {
            return entry.map(p -> Path.of(p.getProperty("target")));
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * Stores what the interpreter at {@code invoked} printed.
     *
     * @param invoked the path it was run by
     * @param output its output
     */
    void putFacts(Path invoked, String output) {
        Properties p = new Properties();
        p.setProperty("output", output);
        write(invoked, FACTS, p);
    }

    /**
     * Stores the interpreter a shim ran.
     *
     * @param shim the shim
     * @param context its {@link ShimContext} when it ran
     * @param target the interpreter it ran, whose facts are stored under its own path
     */
    void putShim(Path shim, String context, Path target) {
        Properties p = new Properties();
        p.setProperty("context", context);
        p.setProperty("target", target.toString());
        write(shim, SHIM, p);
    }

    /** The entry's file: named by a 64-bit FNV-1a hash of the path, which the entry holds in full and is checked. */
    Path file(Path invoked) {
        String key = invoked.toString();
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return directory.resolve(String.format("%016x.properties", h));
    }

    private Optional<Properties> read(Path invoked, String kind) {
        if (directory == null) {
            return Optional.empty();
        }
        Optional<FileStamp> stamp = FileStamp.of(invoked);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        Path file = file(invoked);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "isoenv: ignoring the unreadable interpreter cache entry {0}: {1}", file, e);
            return Optional.empty();
        }
        boolean valid = FORMAT.equals(p.getProperty("format")) && kind.equals(p.getProperty("kind"))
                && invoked.toString().equals(p.getProperty("invoked"))
                && stamp.get().text().equals(p.getProperty("stamp"))
                && system.equals(p.getProperty("system")) && script.equals(p.getProperty("script"))
                && (FACTS.equals(kind) ? p.getProperty("output") != null
                : p.getProperty("context") != null && p.getProperty("target") != null);
        return valid ? Optional.of(p) : Optional.empty();
    }

    private void write(Path invoked, String kind, Properties content) {
        if (directory == null) {
            return;
        }
        Optional<FileStamp> stamp = FileStamp.of(invoked);
        if (stamp.isEmpty()) {
            return;
        }
        Properties p = new Properties();
        p.putAll(content);
        p.setProperty("format", FORMAT);
        p.setProperty("kind", kind);
        p.setProperty("invoked", invoked.toString());
        p.setProperty("stamp", stamp.get().text());
        p.setProperty("system", system);
        p.setProperty("script", script);
        Path target = file(invoked);
        Path temp = null;
        try {
            createDirectory();
            temp = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(w, "isoenv interpreter facts; a cache, safe to delete");
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "isoenv: could not write the interpreter cache entry {0}: {1}", target, e);
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException ignored) {
                    // Nothing more to do; a stray temporary file is harmless.
                }
            }
        }
    }

    /** Creates the folder, readable by this user only where the file system has POSIX permissions. */
    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory.getParent());
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(directory);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another JVM made it meanwhile.
        }
    }
}
