package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * What isoenv knows about one environment, kept in {@code .isoenv/state.properties} inside it: which backend
 * and Python built it, where things are, whether creation finished, and the fingerprint of the last install
 * that fully succeeded. The record is written atomically (a temporary file, synced, then renamed), and the
 * fingerprint is written only after every install step and check succeeded, so a failed or killed install is
 * never mistaken for a finished one.
 */
final class StateRecord {
    static final String DIRECTORY = ".isoenv";
    private static final String FILE = "state.properties";
    private static final String FORMAT = "1";

    /** The logger, created by the first message (see {@link Logging}). */
    private static System.Logger log() {
        return Logging.logger();
    }

    private final Properties p;

    private StateRecord(Properties p) {
        this.p = p;
    }

    static Path file(Path root) {
        return root.resolve(DIRECTORY).resolve(FILE);
    }

    /**
     * Reads the record; empty when there is none. A record whose content is corrupt (a killed write, a hand edit)
     * counts as one left half-written, and the environment is repaired. A record that exists but cannot be read
     * (permissions, an I/O error), or that a newer isoenv wrote, is logged and refused: isoenv never rebuilds an
     * environment it cannot read.
     *
     * @throws EnvironmentStateException if the record exists but cannot be read, or has a newer format
     */
    static Optional<StateRecord> read(Path root) {
        Properties p = new Properties();
        Path file = file(root);
        if (!Files.isDirectory(root) || isFile(root.resolve(DIRECTORY))) {
            // No isoenv environment can be there; the location check says what is in the way.
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            log().log(System.Logger.Level.WARNING, "isoenv: the state record {0} is corrupt ({1}); the environment"
                    + " will be repaired", file, e.getMessage());
            return Optional.of(new StateRecord(new Properties()));
        } catch (IOException e) {
            log().log(System.Logger.Level.WARNING, "isoenv: cannot read the state record {0}: {1}", file, e);
            throw new EnvironmentStateException("Cannot read the state record " + file + ": " + e + ". isoenv does"
                    + " not rebuild an environment whose state it cannot read. Make the file readable by this user,"
                    + " or delete " + root + " to have it rebuilt.", e);
        }
        String format = p.getProperty("format");
        if (format != null && isNewer(format)) {
            // A newer isoenv built this environment; an older one must not rebuild it over, or a downgrade of the
            // application would delete every environment.
            log().log(System.Logger.Level.WARNING, "isoenv: the state record {0} has format {1}, newer than {2}",
                    file, format, FORMAT);
            throw new EnvironmentStateException("The environment at " + root + " was made by a newer version of"
                    + " isoenv (state format " + format + "; this version reads format " + FORMAT + "). Nothing was"
                    + " changed. Use that newer isoenv, or delete " + root + " to have this version rebuild it.");
        }
        if (!p.isEmpty() && !FORMAT.equals(format)) {
            log().log(System.Logger.Level.WARNING, "isoenv: the state record {0} has format {1}, not {2}; the"
                    + " environment will be repaired", file, format, FORMAT);
        }
        return Optional.of(new StateRecord(p));
    }

    private static boolean isNewer(String format) {
        try {
            return Integer.parseInt(format.strip()) > Integer.parseInt(FORMAT);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isFile(Path path) {
        return Files.exists(path) && !Files.isDirectory(path);
    }

    static StateRecord creating(String backend, String pythonRequest, boolean withPip) {
        return creating(backend, pythonRequest, withPip, null);
    }

    /**
     * A record of an environment being created; {@code targetPlatform} is the platform it is built for when that is
     * not the builder's ({@code target.platform}), null otherwise.
     */
    static StateRecord creating(String backend, String pythonRequest, boolean withPip, String targetPlatform) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("backend", backend);
        p.setProperty("python.request", pythonRequest);
        p.setProperty("pip", Boolean.toString(withPip));
        if (targetPlatform != null) {
            p.setProperty("target.platform", targetPlatform);
        }
        p.setProperty("created", "false");
        return new StateRecord(p);
    }

    /**
     * A record that says "not created", for an environment being deleted: if the deletion stops half-way, what is
     * left is still isoenv's, is never taken for a working environment, and is rebuilt or deleted later.
     */
    static StateRecord deleting() {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("created", "false");
        p.setProperty("deleting", "true");
        return new StateRecord(p);
    }

    StateRecord created(EnvironmentLayout layout, String pythonVersion, String baseInterpreter, Set<String> baseline,
                        Map<String, String> markers) {
        Properties n = copy();
        markers.forEach((k, v) -> n.setProperty("marker." + k, v));
        Path root = layout.root();
        n.setProperty("python.version", pythonVersion);
        n.setProperty("python.base", baseInterpreter);
        n.setProperty("layout.kind", layout.kind().name());
        n.setProperty("layout.os", layout.operatingSystem().name());
        n.setProperty("layout.sitePackages", relative(root, layout.sitePackages()));
        n.setProperty("baseline", String.join(",", baseline));
        n.setProperty("created", "true");
        return new StateRecord(n);
    }

    StateRecord installing() {
        Properties n = copy();
        n.remove("installed.fingerprint");
        n.remove("installed.spec");
        n.remove("installed.plan");
        n.remove("installed.content");
        return new StateRecord(n);
    }

    /**
     * A copy that records a complete install. The fingerprints are kept for older isoenv versions, which compare
     * only them; this version compares the canonical text ({@code specContent}) and the plan's fingerprint.
     */
    StateRecord installed(String fingerprint, String specFingerprint, String specContent, String plan,
                          List<String> requested, Set<String> owned, String explanation, Map<String, String> choices) {
        Properties n = copy();
        n.setProperty("installed.explanation", explanation);
        for (String key : n.stringPropertyNames()) {
            if (key.startsWith("installed.choice.")) {
                n.remove(key);
            }
        }
        choices.forEach((k, v) -> n.setProperty("installed.choice." + k, v));
        n.setProperty("installed.fingerprint", fingerprint);
        n.setProperty("installed.spec", specFingerprint);
        n.setProperty("installed.plan", plan);
        n.setProperty("installed.content", specContent);
        n.setProperty("requested", String.join("\n", requested));
        n.setProperty("owned", String.join(",", owned));
        return new StateRecord(n);
    }

    /**
     * A copy of a record written before isoenv kept the canonical text, with the text and the plan's fingerprint
     * that its fingerprint was found to be made of.
     */
    StateRecord withInstalledContent(String specContent, String plan) {
        Properties n = copy();
        n.setProperty("installed.content", specContent);
        n.setProperty("installed.plan", plan);
        return new StateRecord(n);
    }

    /** A copy that says isoenv installed {@code owned}, for what a failed install left behind. */
    StateRecord withOwned(Set<String> owned) {
        Properties n = copy();
        n.setProperty("owned", String.join(",", owned));
        return new StateRecord(n);
    }

    boolean isValid() {
        return FORMAT.equals(p.getProperty("format")) && p.getProperty("backend") != null;
    }

    boolean isCreated() {
        return isValid() && "true".equals(p.getProperty("created")) && p.getProperty("python.version") != null
                && hasUsableLayout();
    }

    /** Whether {@link #layout(Path)} can be built from the record: a hand edit may have left any value there. */
    private boolean hasUsableLayout() {
        String kind = p.getProperty("layout.kind");
        String site = p.getProperty("layout.sitePackages");
        if (kind == null || site == null) {
            return false;
        }
        try {
            EnvironmentLayout.Kind.valueOf(kind);
            OperatingSystem.valueOf(p.getProperty("layout.os", OperatingSystem.current().name()));
            return !Path.of(site).isAbsolute();
        } catch (IllegalArgumentException e) {
            // Not a constant of the enum, or not a path (InvalidPathException).
            return false;
        }
    }

    String backend() {
        return p.getProperty("backend", "");
    }

    String pythonRequest() {
        return p.getProperty("python.request", "");
    }

    /** The platform the environment was built for when it is not the builder's; empty for the builder's own. */
    Optional<String> targetPlatform() {
        return Optional.ofNullable(p.getProperty("target.platform"));
    }

    boolean withPip() {
        return !"false".equals(p.getProperty("pip"));
    }

    /** The interpreter's PEP 508 marker environment, recorded when the environment was created. */
    Map<String, String> markers() {
        Map<String, String> m = new java.util.TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("marker.")) {
                m.put(key.substring("marker.".length()), p.getProperty(key));
            }
        }
        return m;
    }

    /** How the backend described the base interpreter; empty before creation finished. */
    String baseInterpreter() {
        return p.getProperty("python.base", "");
    }

    String pythonVersion() {
        return p.getProperty("python.version", "");
    }

    Optional<String> installedFingerprint() {
        return Optional.ofNullable(p.getProperty("installed.fingerprint"));
    }

    /** The fingerprint of the specification alone, at the last complete install. */
    Optional<String> installedSpecFingerprint() {
        return Optional.ofNullable(p.getProperty("installed.spec"));
    }

    /**
     * The canonical text of the specification at the last complete install ({@link SpecFingerprint#content}); absent
     * from records written before isoenv kept it.
     */
    Optional<String> installedContent() {
        return Optional.ofNullable(p.getProperty("installed.content"));
    }

    /** What the plan added to the fingerprint at the last complete install, such as "torch-variant=cu126". */
    Optional<String> installedPlan() {
        return Optional.ofNullable(p.getProperty("installed.plan"));
    }

    /** How the last complete install was planned, credentials masked. */
    String installedExplanation() {
        return p.getProperty("installed.explanation", "");
    }

    /** What the planners chose at the last complete install. */
    Map<String, String> installedChoices() {
        Map<String, String> m = new java.util.TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("installed.choice.")) {
                m.put(key.substring("installed.choice.".length()), p.getProperty(key));
            }
        }
        return m;
    }

    List<String> requested() {
        String r = p.getProperty("requested", "");
        return r.isEmpty() ? List.of() : Arrays.asList(r.split("\n"));
    }

    Set<String> owned() {
        return split(p.getProperty("owned", ""));
    }

    Set<String> baseline() {
        return split(p.getProperty("baseline", ""));
    }

    EnvironmentLayout layout(Path root) {
        OperatingSystem os = OperatingSystem.valueOf(p.getProperty("layout.os", OperatingSystem.current().name()));
        Path site = root.resolve(p.getProperty("layout.sitePackages"));
        return EnvironmentLayout.Kind.valueOf(p.getProperty("layout.kind")) == EnvironmentLayout.Kind.CONDA_PREFIX
                ? EnvironmentLayout.condaPrefix(root, site, os)
                : EnvironmentLayout.virtualEnvironment(root, site, os);
    }

    void write(Path root) {
        Path target = file(root);
        Path temp = target.resolveSibling(FILE + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(temp);
                 java.io.Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                p.store(w, "isoenv environment state; do not edit");
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(temp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("write the state record", target, e), e);
        }
    }

    private Properties copy() {
        Properties n = new Properties();
        n.putAll(p);
        return n;
    }

    private static Set<String> split(String s) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static String relative(Path root, Path path) {
        List<String> parts = new ArrayList<>();
        for (Path part : root.relativize(path)) {
            parts.add(part.toString());
        }
        return String.join("/", parts);
    }
}
