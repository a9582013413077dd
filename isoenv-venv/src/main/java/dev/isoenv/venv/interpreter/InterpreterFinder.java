package dev.isoenv.venv.interpreter;

import dev.isoenv.IsoenvException;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.internal.metadata.MarkerEnvironment;
import dev.isoenv.internal.version.Version;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds a base Python interpreter that satisfies a {@link PythonRequest}, checking every candidate by running
 * it: a pyenv shim for a version that is not active fails when run, and is skipped.
 *
 * <p>Candidates, in order: for a version request {@code 3.X}, {@code python3.X} on {@code PATH}, then pyenv's
 * versions folder (newest matching patch first), then the Windows {@code py} launcher, then {@code python3} and
 * {@code python} on {@code PATH}. For the default request: {@code python3} and {@code python} on {@code PATH},
 * the {@code py} launcher, then pyenv's newest version. Interpreters older than CPython 3.8 are refused.
 *
 * <p>Results of running a candidate are cached per JVM, keyed by path, size and modification time, and successful
 * ones on disk as well ({@code InterpreterFactsCache}), so that a new JVM starts no process to learn them again. A
 * version manager's shim is resolved once to the interpreter it ran, and that resolution is reused while the shim's
 * context (its version settings, see {@code ShimContext}) is the same; a shim is never trusted by its name, only by
 * what running it reported.
 */
public final class InterpreterFinder {
    /** The oldest Python isoenv builds environments with. */
    public static final String MINIMUM_VERSION = "3.8";

    private static final Map<String, Inspection> MEMORY = new ConcurrentHashMap<>();
    private static final Pattern PYENV_VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+");

    /**
     * The script that reports an interpreter's facts, and its PEP 508 marker environment as
     * {@link MarkerEnvironment#SCRIPT} prints it (the same keys and values, so no second process has to read them);
     * it runs on Python 3.6 and newer.
     */
    static final String INSPECT_SCRIPT = String.join("\n",
            "import sys, os, sysconfig",
            "out = []",
            "out.append('version=%d.%d.%d' % tuple(sys.version_info[:3]))",
            "out.append('implementation=' + sys.implementation.name)",
            "out.append('executable=' + (sys.executable or ''))",
            "out.append('in_venv=' + str(sys.prefix != getattr(sys, 'base_prefix', sys.prefix)))",
            "names = sysconfig.get_scheme_names()",
            "scheme = 'venv' if 'venv' in names else ('nt' if os.name == 'nt' else 'posix_prefix')",
            "p = sysconfig.get_path('purelib', scheme, vars={'base': '@ROOT@', 'platbase': '@ROOT@'})",
            "out.append('purelib=' + p)",
            "try:",
            "    import venv",
            "    out.append('venv=True')",
            "except Exception:",
            "    out.append('venv=False')",
            "try:",
            "    import ensurepip",
            "    v = ensurepip.version()",
            "    dirs = [os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')]",
            "    w = getattr(ensurepip, '_WHEEL_PKG_DIR', None)",
            "    if w and os.path.isabs(w):",
            "        dirs.append(w)",
            "    for d in dirs:",
            "        f = os.path.join(d, 'pip-%s-py3-none-any.whl' % v)",
            "        if os.path.isfile(f):",
            "            out.append('pip_wheel=' + f)",
            "            break",
            "    out.append('ensurepip=True')",
            "except Exception:",
            "    out.append('ensurepip=False')",
            "sys.stdout.buffer.write(('\\n'.join(out) + '\\n').encode('utf-8'))",
            "") + MarkerEnvironment.SCRIPT;

    private final CommandRunner runner;
    private final Map<String, String> environment;
    private final OperatingSystem os;
    private final Duration timeout;
    private final InterpreterFactsCache disk;
    private final Map<String, Inspection> memory;

    /**
     * Creates a finder that keeps interpreter facts in isoenv's cache directory ({@code isoenv.cache.dir},
     * {@code ISOENV_CACHE_DIR}, else the operating system's cache folder).
     *
     * @param runner runs candidates
     * @param environment the variables holding {@code PATH}, {@code PYENV_ROOT} and {@code HOME}
     * @param os the operating system
     * @param timeout the limit for running one candidate
     */
    public InterpreterFinder(CommandRunner runner, Map<String, String> environment, OperatingSystem os,
                             Duration timeout) {
        this(runner, environment, os, timeout, InterpreterFactsCache.forEnvironment(os, environment, INSPECT_SCRIPT),
                MEMORY);
    }

    /** Creates a finder with the given caches; tests give a fresh memory to play a new JVM. */
    InterpreterFinder(CommandRunner runner, Map<String, String> environment, OperatingSystem os, Duration timeout,
                      InterpreterFactsCache disk, Map<String, Inspection> memory) {
        this.runner = runner;
        this.environment = Map.copyOf(environment);
        this.os = os;
        this.timeout = timeout;
        this.disk = disk;
        this.memory = memory;
    }

    /**
     * Finds an interpreter for the request.
     *
     * @param request the Python request
     * @return the first candidate that runs, satisfies the request and can build virtual environments
     * @throws PythonNotFoundException listing every candidate tried and why it was refused
     */
    public PythonInterpreter find(PythonRequest request) {
        Map<String, String> refused = new LinkedHashMap<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Candidate candidate : candidates(request)) {
            Path path = candidate.path;
            if (path != null) {
                if (!Files.isRegularFile(path)) {
                    continue;
                }
                Path real = realPath(path);
                if (!seen.add(real)) {
                    continue;
                }
            }
            Inspection inspection = inspect(candidate);
            String label = candidate.label();
            if (inspection.failure != null) {
                refused.put(label, inspection.failure);
                continue;
            }
            PythonInterpreter interpreter = inspection.interpreter;
            String reason = refusal(interpreter, request);
            if (reason != null) {
                refused.put(label + " (" + interpreter.version() + ")", reason);
                continue;
            }
            return interpreter;
        }
        StringBuilder message = new StringBuilder("No Python interpreter satisfies the request '").append(request)
                .append("'.");
        if (refused.isEmpty()) {
            message.append(" No candidate was found on PATH").append(os.isWindows() ? ", through the py launcher" : "")
                    .append(" or in pyenv's versions folder.");
        } else {
            message.append(" Candidates tried:");
            refused.forEach((k, v) -> message.append("\n  - ").append(k).append(": ").append(v));
        }
        message.append("\nInstall CPython ").append(request.version().orElse(MINIMUM_VERSION + " or newer"))
                .append(" (from python.org, your package manager, or pyenv), or give its path with"
                        + " PythonRequest.interpreter(path).");
        throw new PythonNotFoundException(message.toString());
    }

    private String refusal(PythonInterpreter interpreter, PythonRequest request) {
        if (!request.acceptsVersion(interpreter.version())) {
            return "version " + interpreter.version() + " does not match " + request.version().orElse("");
        }
        if (Version.parse(interpreter.version()).compareTo(Version.parse(MINIMUM_VERSION)) < 0) {
            return "isoenv needs CPython " + MINIMUM_VERSION + " or newer";
        }
        return null;
    }

    private List<Candidate> candidates(PythonRequest request) {
        List<Candidate> candidates = new ArrayList<>();
        if (request.interpreter().isPresent()) {
            candidates.add(Candidate.file(request.interpreter().get(), "requested interpreter"));
            return candidates;
        }
        List<Path> pathDirs = pathDirectories();
        Optional<String> version = request.version();
        if (version.isPresent()) {
            String minor = minorOf(version.get());
            if (minor != null) {
                for (Path dir : pathDirs) {
                    candidates.add(Candidate.file(dir.resolve(os.executableName("python" + minor)), "PATH"));
                }
            }
            for (Path p : pyenvInterpreters(version.get())) {
                candidates.add(Candidate.file(p, "pyenv"));
            }
            if (os.isWindows()) {
                candidates.add(Candidate.launcher("-" + (minor != null ? minor : version.get())));
            }
        }
        for (String name : new String[] {"python3", "python"}) {
            for (Path dir : pathDirs) {
                candidates.add(Candidate.file(dir.resolve(os.executableName(name)), "PATH"));
            }
        }
        if (version.isEmpty()) {
            if (os.isWindows()) {
                candidates.add(Candidate.launcher("-3"));
            }
            for (Path p : pyenvInterpreters("3")) {
                candidates.add(Candidate.file(p, "pyenv"));
            }
        }
        return candidates;
    }

    private static String minorOf(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : null;
    }

    private List<Path> pathDirectories() {
        String path = os.variable(environment, "PATH");
        List<Path> dirs = new ArrayList<>();
        if (path == null) {
            return dirs;
        }
        for (String entry : path.split(Pattern.quote(os.pathSeparator()))) {
            if (!entry.isBlank()) {
                try {
                    dirs.add(Path.of(entry));
                } catch (java.nio.file.InvalidPathException e) {
                    // An unusable PATH entry is skipped.
                }
            }
        }
        return dirs;
    }

    /** Interpreters in pyenv's versions folder whose version starts with the prefix, newest first. */
    private List<Path> pyenvInterpreters(String versionPrefix) {
        String root = os.variable(environment, "PYENV_ROOT");
        Path versions;
        if (root != null && !root.isBlank()) {
            versions = Path.of(root, "versions");
        } else {
            String home = os.variable(environment, os.isWindows() ? "USERPROFILE" : "HOME");
            if (home == null) {
                return List.of();
            }
            versions = os.isWindows() ? Path.of(home, ".pyenv", "pyenv-win", "versions") : Path.of(home, ".pyenv", "versions");
        }
        List<Version> found = new ArrayList<>();
        Map<Version, Path> dirs = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(versions)) {
            for (Path dir : entries) {
                String name = dir.getFileName().toString();
                if (PYENV_VERSION.matcher(name).matches()
                        && (name.equals(versionPrefix) || name.startsWith(versionPrefix + "."))) {
                    Version v = Version.parse(name);
                    found.add(v);
                    dirs.put(v, dir);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort(Comparator.reverseOrder());
        List<Path> result = new ArrayList<>();
        for (Version v : found) {
            Path dir = dirs.get(v);
            if (os.isWindows()) {
                result.add(dir.resolve("python.exe"));
            } else {
                result.add(dir.resolve("bin").resolve("python" + v.releasePart(0) + "." + v.releasePart(1)));
                result.add(dir.resolve("bin").resolve("python3"));
            }
        }
        return result;
    }

    private Inspection inspect(Candidate candidate) {
        String key = candidate.cacheKey();
        if (key != null) {
            Inspection cached = memory.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Inspection inspection = fromDisk(candidate).orElseGet(() -> run(candidate));
        if (key != null) {
            memory.put(key, inspection);
        }
        return inspection;
    }

    /** The facts that a run in an earlier JVM reported, while they are still valid. */
    private Optional<Inspection> fromDisk(Candidate candidate) {
        if (candidate.path == null) {
            return Optional.empty();
        }
        Optional<String> output;
        if (ShimContext.isShim(candidate.path)) {
            Optional<String> context = shimContext(candidate.path);
            output = context.flatMap(c -> disk.shimTarget(candidate.path, c)).flatMap(disk::facts);
        } else {
            output = disk.facts(candidate.path);
        }
        // A pip wheel that has gone since (a system package upgraded it) makes the entry stale: run it again.
        return output.map(o -> parse(candidate, o)).filter(i -> i.interpreter != null
                && i.interpreter.pipWheel().map(Files::isRegularFile).orElse(true));
    }

    /**
     * Keeps a successful run's facts on disk: under the candidate's path when it is the interpreter itself (or a
     * virtual environment's), and, for a shim, under the interpreter it ran, with the shim's resolution beside. An
     * indirection that is not a shim (a launcher stub) is run again each time, since nothing says when it changes.
     */
    private void remember(Candidate candidate, String output, PythonInterpreter interpreter) {
        Path exe = interpreter.executable();
        Optional<FileStamp> own = FileStamp.of(candidate.path);
        Optional<FileStamp> target = FileStamp.of(exe);
        if (own.isEmpty() || target.isEmpty()) {
            return;
        }
        if (interpreter.isInsideVirtualEnvironment() || own.get().realPath().equals(target.get().realPath())) {
            disk.putFacts(candidate.path, output);
        } else if (ShimContext.isShim(candidate.path)) {
            Optional<String> context = shimContext(candidate.path);
            if (context.isPresent()) {
                disk.putFacts(exe, output);
                disk.putShim(candidate.path, context.get(), exe);
            }
        }
    }

    /** The context of a shim run as this finder runs candidates: in the JVM's working directory. */
    private Optional<String> shimContext(Path shim) {
        return ShimContext.of(shim, environment, os, Path.of(System.getProperty("user.dir", ".")));
    }

    private Inspection run(Candidate candidate) {
        List<String> command = new ArrayList<>();
        if (candidate.path != null) {
            command.add(candidate.path.toString());
        } else {
            command.add("py");
            command.add(candidate.launcherArgument);
        }
        command.add("-I");
        command.add("-c");
        command.add(INSPECT_SCRIPT);
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("PYTHON")
                || k.equalsIgnoreCase("VIRTUAL_ENV"));
        ProcessResult result;
        try {
            result = runner.run(ProcessRequest.command(command).environment(env).timeout(timeout).tailLines(5).build());
        } catch (IsoenvException e) {
            return Inspection.failed("could not run it: " + firstLine(e.getMessage()));
        }
        if (!result.isSuccess()) {
            String tail = result.tail().isEmpty() ? "" : ": " + result.tail().get(result.tail().size() - 1);
            return Inspection.failed("exited with code " + result.exitCode() + tail);
        }
        Inspection inspection = parse(candidate, result.stdout());
        if (inspection.interpreter != null && candidate.path != null) {
            remember(candidate, result.stdout(), inspection.interpreter);
        }
        return inspection;
    }

    /** Reads what the inspection script printed, whether just now or in an earlier JVM. */
    private Inspection parse(Candidate candidate, String output) {
        Map<String, String> facts = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        String version = facts.get("version");
        String executable = facts.get("executable");
        String purelib = facts.get("purelib");
        if (version == null || purelib == null || !purelib.startsWith("@ROOT@")) {
            return Inspection.failed("did not report its version and layout");
        }
        if (!"True".equals(facts.get("venv"))) {
            return Inspection.failed("its standard library has no venv module");
        }
        // Prefer the interpreter's own sys.executable: a pyenv shim or a launcher resolves to a different
        // interpreter when the user's pyenv setting changes, the interpreter it reported does not.
        boolean inVenv = "True".equals(facts.get("in_venv"));
        Path reported = executable == null || executable.isBlank() ? null : Path.of(executable);
        Path exe = reported != null && !inVenv && Files.isRegularFile(reported) ? reported : candidate.path;
        if (!os.isWindows()) {
            // Build from the real file (python3 -> python3.11): a venv linked to "python3" would silently run another
            // Python after an upgrade re-points the link; linked to the real file, it breaks visibly and is rebuilt.
            exe = realPath(exe);
        }
        if (exe == null) {
            return Inspection.failed("did not report its executable");
        }
        String relative = purelib.substring("@ROOT@".length()).replace('\\', '/');
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        String wheel = facts.get("pip_wheel");
        boolean ensurepip = "True".equals(facts.get("ensurepip"));
        if (!ensurepip && wheel == null) {
            return Inspection.failed("it has no ensurepip, so environments built from it cannot get pip."
                    + " On Debian and Ubuntu install the python3-venv package (apt-get install python3-venv)");
        }
        return Inspection.ok(new PythonInterpreter(exe, version, facts.getOrDefault("implementation", "cpython"),
                relative, wheel == null ? null : Path.of(wheel), inVenv, MarkerEnvironment.parse(output)));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }


    private static final class Candidate {
        final Path path;
        final String launcherArgument;
        final String source;

        private Candidate(Path path, String launcherArgument, String source) {
            this.path = path;
            this.launcherArgument = launcherArgument;
            this.source = source;
        }

        static Candidate file(Path path, String source) {
            return new Candidate(path.toAbsolutePath().normalize(), null, source);
        }

        static Candidate launcher(String argument) {
            return new Candidate(null, argument, "py launcher");
        }

        String label() {
            return path != null ? path + " (" + source + ")" : "py " + launcherArgument;
        }

        String cacheKey() {
            if (path == null) {
                return null;
            }
            try {
                return path + "|" + Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** What running one candidate found: an interpreter, or why it was refused. */
    static final class Inspection {
        final PythonInterpreter interpreter;
        final String failure;

        private Inspection(PythonInterpreter interpreter, String failure) {
            this.interpreter = interpreter;
            this.failure = failure;
        }

        static Inspection ok(PythonInterpreter interpreter) {
            return new Inspection(interpreter, null);
        }

        static Inspection failed(String reason) {
            return new Inspection(null, reason);
        }
    }
}
