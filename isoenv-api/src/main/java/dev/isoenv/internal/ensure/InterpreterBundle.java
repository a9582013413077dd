package dev.isoenv.internal.ensure;

import dev.isoenv.PythonNotFoundException;
import dev.isoenv.internal.pack.Bytes;
import dev.isoenv.internal.pack.ElfRunPath;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A virtual environment packed with its interpreter: the files of an archive that is a whole Python installation
 * instead of a venv. What goes in:
 *
 * <ul>
 *   <li>the base installation (the prefix that holds the venv's base interpreter, found by the landmark
 *       {@code lib/python3.X/os.py}), without the packages of its own {@code site-packages} and the console scripts
 *       their {@code RECORD} files list in its {@code bin}, without its test suite ({@code lib/python3.X/test}) and its
 *       static library ({@code config-3.X-*}{@code /libpython3.X*.a}), which no program run from the environment
 *       uses, and, from a conda installation (a base with {@code conda-meta}, such as {@code /opt/miniconda3}),
 *       without conda's own folders: its package cache {@code pkgs}, its other environments {@code envs}, its package
 *       records {@code conda-meta} and {@code condabin} (the archive is no conda environment; its Python finds its
 *       prefix without them);</li>
 *   <li>the environment's files over it: its {@code site-packages} becomes the installation's, its console scripts
 *       go into the installation's {@code bin}; but not what makes it a venv: {@code pyvenv.cfg}, its interpreter links
 *       {@code bin/python*} where the installation has those files, its activation scripts and its {@code lib64}
 *       link.</li>
 * </ul>
 *
 * <p>Without {@code pyvenv.cfg}, CPython finds its prefix from its executable's real location: it walks up from the
 * executable's folder to the first folder that holds {@code lib/python3.X/os.py} ({@code Modules/getpath.c} in 3.8 to
 * 3.10, {@code Modules/getpath.py} from 3.11, the same search), and its {@code lib-dynload} for the exec prefix. So
 * {@code sys.prefix}, {@code sys.base_prefix} and {@code sys.executable} are the unpacked folder wherever it is.
 *
 * <p>Files that name the base installation's path are treated as those that name the environment's: console scripts
 * get the trampoline, text files the placeholder. On Linux the run paths of its ELF files that name the installation
 * ({@code -Wl,-rpath,<prefix>/lib}, as pyenv builds a shared Python) are written relative to the file
 * ({@code $ORIGIN/../lib}) by {@link ElfRunPath}. A run path to anywhere else outside the installation is refused, and
 * so is a base that is no dedicated installation (a system prefix such as {@code /usr}), one that holds the
 * environment, and a base on Windows. On macOS nothing is rewritten: a Mach-O file that names the installation's path
 * or Homebrew's (an absolute install name) is refused; this is not run by the tests, which run on Linux.
 */
final class InterpreterBundle {
    /** Prefixes that are a whole system's, not one Python's installation. */
    private static final Set<String> SYSTEM_PREFIXES = Set.of("/", "/usr", "/usr/local", "/opt", "/opt/local",
            "/opt/homebrew", "/usr/pkg", "/bin", "/home", "/Users", "/Library", "/System");
    private static final Pattern ACTIVATION = Pattern.compile("activate|activate\\..*|Activate\\.ps1|deactivate\\.nu");
    /**
     * The folders of a conda installation (a base with {@code conda-meta}) that are conda's own, not its Python's: its
     * package cache, its other environments, its package records and its {@code conda} command's folder.
     */
    private static final Set<String> CONDA_ONLY = Set.of("pkgs", "envs", "conda-meta", "condabin");
    private static final Pattern INTERPRETER = Pattern.compile("pythonw?[0-9.]*(\\.exe)?");

    private final Path prefix;
    private final List<String> prefixes;
    private final String python;
    private final String majorMinor;
    private final Set<String> fromBase = new HashSet<>();

    private InterpreterBundle(Path prefix, List<String> prefixes, String python, String majorMinor) {
        this.prefix = prefix;
        this.prefixes = prefixes;
        this.python = python;
        this.majorMinor = majorMinor;
    }

    /**
     * Finds the venv's base installation and checks that it can be bundled.
     *
     * @param root the environment
     * @param layout its layout, a virtual environment
     * @param version its Python version, such as {@code 3.11.7}
     * @return the bundle
     * @throws PythonNotFoundException if the base cannot be bundled, saying why and what to use instead
     */
    static InterpreterBundle of(Path root, EnvironmentLayout layout, String version) {
        String mm = PackManifest.majorMinor(version);
        OperatingSystem os = layout.operatingSystem();
        if (os.isWindows()) {
            throw refused("the environment at " + root, "bundling the interpreter is not supported on Windows yet"
                    + " (console scripts there are .exe launchers that name the interpreter's path)", null);
        }
        if (mm == null) {
            throw refused("the environment at " + root, "its Python version (" + version + ") is not known",
                    "run ensure() on it again, then pack it");
        }
        List<Path> candidates = new ArrayList<>();
        Map<String, String> cfg = pyvenvCfg(root);
        try {
            candidates.add(layout.python().toRealPath());
        } catch (IOException e) {
            // A venv whose interpreter link is broken: pyvenv.cfg may still say where its base is.
        }
        for (String key : List.of("executable", "home")) {
            String value = cfg.get(key);
            if (value != null && !value.isEmpty()) {
                Path p = Path.of(value);
                candidates.add(key.equals("home") ? p.resolve("python" + mm) : p);
            }
        }
        Path found = null;
        Path executable = null;
        Path realRoot = realOr(root);
        for (Path exe : candidates) {
            Path real = realOr(exe);
            Path p = real.getParent() == null ? null : real.getParent().getParent();
            if (p != null && Files.isRegularFile(p.resolve("lib").resolve("python" + mm).resolve("os.py"))) {
                if (realRoot.startsWith(p)) {
                    throw refused(p.toString(), "it holds the environment itself (" + root + "), so it is not a"
                            + " dedicated Python installation", "build the environment outside the Python"
                            + " installation it runs on");
                }
                found = p;
                executable = real;
                break;
            }
        }
        if (found == null) {
            throw refused("the environment at " + root, "no base installation with the standard library lib/python"
                    + mm + "/os.py was found above its interpreter (" + candidates + ")",
                    "build the environment on a standalone CPython (such as uv python install's) or a conda Python");
        }
        String shown = found.toString();
        if (SYSTEM_PREFIXES.contains(shown) || found.getParent() == null
                || Files.isDirectory(found.resolve("lib").resolve("python3").resolve("dist-packages"))
                || shown.contains("Python.framework") || found.equals(Path.of(System.getProperty("user.home", "/")))) {
            throw refused(shown, "it is a system's or a framework's prefix, not a dedicated Python installation,"
                    + " and bundling it would copy everything there", "build the environment on a standalone CPython"
                    + " (such as those uv python install or python-build-standalone provide), a conda Python or a"
                    + " pyenv one, and pack that");
        }
        if (!executable.startsWith(found.resolve("bin"))) {
            throw refused(shown, "its interpreter " + executable + " is not in its bin folder",
                    "build the environment on a standalone CPython or a conda Python");
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(shown);
        String home = cfg.get("home");
        if (home != null && !home.isEmpty() && Path.of(home).getParent() != null) {
            names.add(Path.of(home).getParent().toString());
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) -> b.length() - a.length());
        return new InterpreterBundle(found, sorted, "bin/" + executable.getFileName(), mm);
    }

    /** The interpreter's path inside the archive, such as {@code bin/python3.11}. */
    String python() {
        return python;
    }

    /** The base installation's path as text files and run paths may name it: as configured and as resolved. */
    List<String> prefixes() {
        return prefixes;
    }

    /** Whether the entry came from the base installation rather than from the environment. */
    boolean fromBase(String rel) {
        return fromBase.contains(rel);
    }

    /**
     * The archive's entries: the environment's ({@code environment}, what the environment's walk found) laid over the
     * base installation's, without what makes the environment a venv.
     */
    TreeMap<String, Path> merge(TreeMap<String, Path> environment) throws IOException {
        TreeMap<String, Path> merged = new TreeMap<>();
        Set<String> excluded = baseScripts();
        String lib = "lib/python" + majorMinor;
        String site = lib + "/site-packages";
        boolean conda = Files.isDirectory(prefix.resolve("conda-meta"), LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(prefix, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(prefix)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(dir);
                if (rel.equals(lib + "/test") || rel.startsWith(site + "/") || rel.equals(StateRecord.DIRECTORY)
                        || conda && CONDA_ONLY.contains(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                merged.put(rel, dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String rel = relative(f);
                String name = f.getFileName().toString();
                boolean staticLibrary = rel.startsWith(lib + "/config-") && name.startsWith("libpython")
                        && name.endsWith(".a");
                if (!rel.startsWith(site + "/") && !excluded.contains(rel) && !staticLibrary) {
                    merged.put(rel, f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        fromBase.addAll(merged.keySet());
        for (Map.Entry<String, Path> e : environment.entrySet()) {
            String rel = e.getKey();
            int slash = rel.indexOf('/');
            String script = slash > 0 && rel.substring(0, slash).equals("bin") && rel.indexOf('/', slash + 1) < 0
                    ? rel.substring(slash + 1) : "";
            // The venv's interpreter links give way to the installation's files; one the installation lacks (such as
            // bin/python beside python3.12) stays, a link that packing makes relative.
            boolean venvOnly = rel.equals("pyvenv.cfg") || rel.equals("lib64") && Files.isSymbolicLink(e.getValue())
                    || ACTIVATION.matcher(script).matches()
                    || INTERPRETER.matcher(script).matches() && merged.containsKey(rel);
            if (venvOnly) {
                continue;
            }
            merged.put(rel, e.getValue());
            fromBase.remove(rel);
        }
        // A link of the base to something left out (bin/pip to a script of its own pip) would lead nowhere.
        merged.entrySet().removeIf(e -> fromBase.contains(e.getKey()) && danglingAfterMerge(e.getKey(), e.getValue(),
                merged));
        fromBase.retainAll(merged.keySet());
        return merged;
    }

    private boolean danglingAfterMerge(String rel, Path p, TreeMap<String, Path> merged) {
        if (!Files.isSymbolicLink(p)) {
            return false;
        }
        try {
            Path target = Files.readSymbolicLink(p);
            if (target.isAbsolute()) {
                Path normal = target.normalize();
                return normal.startsWith(prefix) && !merged.containsKey(relative(normal));
            }
            Path parent = Path.of(rel).getParent();
            Path resolved = (parent == null ? target : parent.resolve(target)).normalize();
            String r = resolved.toString().replace('\\', '/');
            return !r.startsWith("..") && !merged.containsKey(r);
        } catch (IOException e) {
            return false;
        }
    }

    /** The console scripts the base's own packages put in its {@code bin}, as their {@code RECORD} lists them. */
    private Set<String> baseScripts() throws IOException {
        Set<String> scripts = new HashSet<>();
        Path site = prefix.resolve("lib").resolve("python" + majorMinor).resolve("site-packages");
        if (!Files.isDirectory(site)) {
            return scripts;
        }
        try (var entries = Files.newDirectoryStream(site, "*.dist-info")) {
            for (Path info : entries) {
                Path record = info.resolve("RECORD");
                if (!Files.isRegularFile(record)) {
                    continue;
                }
                for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                    String file = line.startsWith("\"") ? line.substring(1, Math.max(1, line.indexOf('"', 1)))
                            : line.split(",", 2)[0];
                    Path p = site.resolve(file).normalize();
                    if (p.startsWith(prefix.resolve("bin"))) {
                        scripts.add(relative(p));
                    }
                }
            }
        }
        return scripts;
    }

    /**
     * The base file's bytes with its run paths made relative, or empty when it needs no change (not ELF, or no run
     * path names the installation).
     *
     * @param rel the entry's path in the archive
     * @param file the file
     * @return the new content, if it changed
     * @throws PythonNotFoundException if a run path names a place outside the installation or cannot be rewritten
     */
    Optional<byte[]> relocated(String rel, Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) {
                return Optional.empty();
            }
        }
        if (machO(head)) {
            checkMachO(rel, Files.readAllBytes(file));
            return Optional.empty();
        }
        if (!ElfRunPath.isElf(head)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            byte[] out = ElfRunPath.rewrite(bytes, old -> runPath(rel, old, prefixes));
            return out == bytes ? Optional.empty() : Optional.of(out);
        } catch (IllegalArgumentException e) {
            throw refused(prefix.toString(), "its file " + rel + " cannot be made relocatable (" + e.getMessage()
                    + ")", "build the environment on a standalone CPython (such as uv python install's) or a conda"
                    + " Python, whose libraries are found relative to the interpreter");
        }
    }

    /**
     * A run path with each entry that names the installation ({@code prefixes}) written relative to the file
     * ({@code $ORIGIN}), the file being at {@code rel} in the installation.
     *
     * @throws IllegalArgumentException if an entry names an absolute path outside the installation
     */
    static String runPath(String rel, String runPath, List<String> prefixes) {
        List<String> out = new ArrayList<>();
        for (String entry : runPath.split(":", -1)) {
            String now = null;
            for (String p : prefixes) {
                if (entry.equals(p) || entry.startsWith(p + "/")) {
                    String inside = entry.substring(p.length()).replaceAll("^/+", "").replaceAll("/+$", "");
                    String from = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
                    String r = relativePath(from, inside);
                    now = r.isEmpty() ? "$ORIGIN" : "$ORIGIN/" + r;
                    break;
                }
            }
            if (now == null) {
                if (entry.startsWith("/")) {
                    throw new IllegalArgumentException("its run path names " + entry + ", outside the installation,"
                            + " which another machine may not have");
                }
                now = entry;
            }
            out.add(now);
        }
        return String.join(":", out);
    }

    /** The path from folder {@code from} to {@code to}, both relative to the same root with {@code /}. */
    static String relativePath(String from, String to) {
        List<String> a = from.isEmpty() ? List.of() : List.of(from.split("/"));
        List<String> b = to.isEmpty() ? List.of() : List.of(to.split("/"));
        int common = 0;
        while (common < a.size() && common < b.size() && a.get(common).equals(b.get(common))) {
            common++;
        }
        List<String> parts = new ArrayList<>();
        for (int i = common; i < a.size(); i++) {
            parts.add("..");
        }
        parts.addAll(b.subList(common, b.size()));
        return String.join("/", parts);
    }

    /**
     * The state record of the archive: the environment's, as a Python installation's (a prefix layout) rather than a
     * venv's, so that the unpacked environment runs {@code bin/python} and activates as a prefix.
     */
    byte[] stateRecord(byte[] original) {
        String text = new String(original, StandardCharsets.ISO_8859_1);
        String kind = "layout.kind=" + EnvironmentLayout.Kind.VIRTUAL_ENVIRONMENT.name();
        StringBuilder out = new StringBuilder();
        for (String line : text.split("(?<=\n)")) {
            out.append(line.strip().equals(kind) ? line.replace(kind, "layout.kind="
                    + EnvironmentLayout.Kind.CONDA_PREFIX.name()) : line);
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean machO(byte[] h) {
        int magic = (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
        return magic == 0xfeedface || magic == 0xfeedfacf || magic == 0xcefaedfe || magic == 0xcffaedfe
                || magic == 0xcafebabe;
    }

    private void checkMachO(String rel, byte[] bytes) {
        List<String> absolute = new ArrayList<>(prefixes);
        absolute.addAll(List.of("/opt/homebrew/", "/usr/local/opt/", "/usr/local/Cellar/", "/opt/local/lib/"));
        for (String p : absolute) {
            if (Bytes.indexOf(bytes, (p.endsWith("/") ? p : p + "/").getBytes(StandardCharsets.UTF_8)) >= 0) {
                throw refused(prefix.toString(), "its file " + rel + " names " + p + ", where it may load"
                        + " libraries from (isoenv does not rewrite Mach-O install names)", "build the environment on"
                        + " a standalone CPython (such as uv python install's), whose libraries are found relative to"
                        + " the interpreter (@executable_path, @rpath)");
            }
        }
    }

    private String relative(Path p) {
        return prefix.relativize(p).toString().replace('\\', '/');
    }

    private static Path realOr(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static Map<String, String> pyvenvCfg(Path root) {
        Map<String, String> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("pyvenv.cfg"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            // No pyvenv.cfg: the interpreter link alone says where the base is.
        }
        return out;
    }

    /** The refusal: what, why, and what to do instead ({@code instead} may be null: only packing without it). */
    private static PythonNotFoundException refused(String what, String why, String instead) {
        return new PythonNotFoundException("Cannot bundle the Python interpreter of " + what + ": " + why + "."
                + " Nothing was written. " + (instead == null ? "" : "To bundle an interpreter, " + instead + "; or")
                + (instead == null ? "P" : " p") + "ack without PackOptions.bundleInterpreter(true) and install the"
                + " base Python at the same path on every worker.");
    }
}
