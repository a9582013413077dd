package dev.isoenv.spi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where things are inside one environment, and how a process is activated in it: the interpreter, the scripts
 * directory, site-packages, the directories that go first on {@code PATH}, and the activation variables. Two
 * kinds exist: a virtual environment (venv, virtualenv, uv) and a conda prefix.
 */
public final class EnvironmentLayout {
    /** Variables that would make a child use another environment or another interpreter's libraries. */
    private static final Set<String> REMOVED_VARIABLES = Set.of("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "CONDA_PREFIX",
            "CONDA_DEFAULT_ENV", "CONDA_SHLVL", "CONDA_PROMPT_MODIFIER", "PYTHONHOME", "PYTHONPATH",
            "__PYVENV_LAUNCHER__",
            // These send pip's installs or Python's user site outside the environment, or change which
            // interpreter a child believes it is.
            "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PYTHONUSERBASE", "PYTHONEXECUTABLE");
    /** Removed as well for a hermetic specification: startup hooks, and by prefix all pip and uv configuration. */
    private static final Set<String> HERMETIC_REMOVED_VARIABLES = Set.of("PYTHONSTARTUP", "PIP_CONFIG_FILE",
            "UV_CONFIG_FILE");
    private static final List<String> HERMETIC_REMOVED_PREFIXES = List.of("PIP_", "UV_");
    private static final Pattern PYTHON_COMMAND = Pattern.compile("python(3(\\.[0-9]+)?)?(\\.exe)?",
            Pattern.CASE_INSENSITIVE);
    /** The MSYS2 environments conda puts on PATH on Windows, the first one present only ({@code conda/activate.py}). */
    private static final List<String> MSYS2_VARIANTS = List.of("ucrt64", "clang64", "mingw64", "clangarm64");

    /** The kind of environment. More constants may be added in later versions: switch with a default branch. */
    public enum Kind {
        /** A PEP 405 virtual environment, activated with {@code VIRTUAL_ENV}. */
        VIRTUAL_ENVIRONMENT,
        /** A conda prefix, activated with {@code CONDA_PREFIX}. */
        CONDA_PREFIX
    }

    private final Kind kind;
    private final Path root;
    private final Path python;
    private final Path scriptsDirectory;
    private final Path sitePackages;
    private final List<Path> pathEntries;
    private final OperatingSystem os;

    private EnvironmentLayout(Kind kind, Path root, Path python, Path scriptsDirectory, Path sitePackages,
                              List<Path> pathEntries, OperatingSystem os) {
        this.kind = kind;
        this.root = root;
        this.python = python;
        this.scriptsDirectory = scriptsDirectory;
        this.sitePackages = sitePackages;
        this.pathEntries = List.copyOf(pathEntries);
        this.os = os;
    }

    /**
     * Describes a virtual environment on the current operating system.
     *
     * @param root the environment's directory
     * @param sitePackages its site-packages directory, as its interpreter reports it
     * @return the layout
     */
    public static EnvironmentLayout virtualEnvironment(Path root, Path sitePackages) {
        return virtualEnvironment(root, sitePackages, OperatingSystem.current());
    }

    /**
     * Describes a virtual environment: {@code bin/python} on POSIX, {@code Scripts\python.exe} on Windows.
     *
     * @param root the environment's directory
     * @param sitePackages its site-packages directory
     * @param os the operating system
     * @return the layout
     */
    public static EnvironmentLayout virtualEnvironment(Path root, Path sitePackages, OperatingSystem os) {
        Path r = root.toAbsolutePath().normalize();
        Path scripts = r.resolve(os.scriptsDirectoryName());
        return new EnvironmentLayout(Kind.VIRTUAL_ENVIRONMENT, r, scripts.resolve(os.executableName("python")), scripts,
                sitePackages, List.of(scripts), os);
    }

    /**
     * Describes a conda prefix: {@code bin/python} on POSIX; on Windows {@code python.exe} at the root, with
     * conda's directories on {@code PATH} in the order of {@code conda activate} ({@code _get_path_dirs} in
     * {@code conda/activate.py}): the prefix, {@code Library/<variant>/bin} for the first of the MSYS2 variants
     * {@code ucrt64}, {@code clang64}, {@code mingw64} and {@code clangarm64} present (looked up each time
     * {@link #pathEntries()} is called, since a later install may add one), {@code Library/mingw-w64/bin},
     * {@code Library/usr/bin}, {@code Library/bin}, {@code Scripts} and {@code bin}.
     *
     * @param root the prefix
     * @param sitePackages its site-packages directory
     * @param os the operating system
     * @return the layout
     */
    public static EnvironmentLayout condaPrefix(Path root, Path sitePackages, OperatingSystem os) {
        Path r = root.toAbsolutePath().normalize();
        if (!os.isWindows()) {
            Path bin = r.resolve("bin");
            return new EnvironmentLayout(Kind.CONDA_PREFIX, r, bin.resolve("python"), bin, sitePackages, List.of(bin), os);
        }
        List<Path> entries = new ArrayList<>();
        entries.add(r);
        for (String sub : new String[] {"Library/mingw-w64/bin", "Library/usr/bin", "Library/bin", "Scripts", "bin"}) {
            entries.add(r.resolve(sub));
        }
        return new EnvironmentLayout(Kind.CONDA_PREFIX, r, r.resolve("python.exe"), r.resolve("Scripts"), sitePackages,
                entries, os);
    }

    /**
     * Returns the kind of environment.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the environment's directory.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the environment's interpreter.
     *
     * @return the python executable
     */
    public Path python() {
        return python;
    }

    /**
     * Returns the directory of console scripts.
     *
     * @return the scripts directory
     */
    public Path scriptsDirectory() {
        return scriptsDirectory;
    }

    /**
     * Returns the site-packages directory.
     *
     * @return site-packages
     */
    public Path sitePackages() {
        return sitePackages;
    }

    /**
     * Returns the directories placed first on {@code PATH}, in order.
     *
     * @return the path entries
     */
    public List<Path> pathEntries() {
        if (kind == Kind.CONDA_PREFIX && os.isWindows()) {
            for (String variant : MSYS2_VARIANTS) {
                Path dir = root.resolve("Library").resolve(variant);
                if (Files.isDirectory(dir)) {
                    List<Path> entries = new ArrayList<>(pathEntries);
                    entries.add(1, dir.resolve("bin"));
                    return List.copyOf(entries);
                }
            }
        }
        return pathEntries;
    }

    /**
     * Returns the operating system this layout is for.
     *
     * @return the operating system
     */
    public OperatingSystem operatingSystem() {
        return os;
    }

    /**
     * Returns {@code base} with this environment activated: the activation variable set, the environment's
     * directories first on {@code PATH}, {@code PYTHONIOENCODING=utf-8} unless already set, and every
     * variable that points at another environment or interpreter ({@code VIRTUAL_ENV}, {@code CONDA_PREFIX},
     * {@code PYTHONHOME}, {@code PYTHONPATH}, ...) removed, and so is every variable that sends pip's installs or
     * Python's user site outside the environment ({@code PIP_TARGET}, {@code PIP_PREFIX}, {@code PIP_ROOT},
     * {@code PIP_USER}, {@code PYTHONUSERBASE}, {@code PYTHONEXECUTABLE}); see {@link #activate(Map, boolean)}.
     *
     * <p>A conda prefix also gets what {@code conda activate} sets without running a shell: {@code CONDA_PREFIX},
     * {@code PYTHONNOUSERSITE=1} (conda does not isolate the user site, conda#7173), the variables of
     * {@code etc/conda/env_vars.d/*.json} and then of {@code conda-meta/state}'s {@code env_vars}, and those set by
     * the {@code etc/conda/activate.d} scripts ({@code .sh}, or {@code .bat} on Windows) that do nothing but set
     * variables ({@code export NAME=value} or {@code set NAME=value}, with {@code CONDA_PREFIX} the only expansion).
     * A script that does anything else, such as a condition or a command, is skipped whole and logged; a tool that
     * needs it must be run through {@code conda run}. The files are read on each call.
     *
     * @param base the variables to start from, usually the current process's
     * @return a new, modifiable map
     */
    public Map<String, String> activate(Map<String, String> base) {
        return activate(base, false);
    }

    /**
     * Returns {@code base} with this environment activated, as {@link #activate(Map)} does, and for a hermetic
     * specification ({@code inheritMachineConfiguration(false)}) also without {@code PYTHONSTARTUP} and every
     * {@code PIP_*} and {@code UV_*} variable.
     *
     * <p>The rule: variables that send Python or pip outside the environment are always removed ({@code PYTHONHOME},
     * {@code PYTHONPATH}, {@code PYTHONUSERBASE}, {@code PYTHONEXECUTABLE}, {@code PIP_TARGET}, {@code PIP_PREFIX},
     * {@code PIP_ROOT}, {@code PIP_USER}, and another environment's {@code VIRTUAL_ENV} or {@code CONDA_PREFIX});
     * configuration that only changes how pip or uv behave (indexes, caches, proxies) and {@code PYTHONSTARTUP} is
     * removed only for a hermetic specification.
     *
     * @param base the variables to start from, usually the current process's
     * @param hermetic whether the specification ignores machine configuration
     * @return a new, modifiable map
     */
    public Map<String, String> activate(Map<String, String> base, boolean hermetic) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.keySet().removeIf(k -> {
            String name = os.isWindows() ? k.toUpperCase(Locale.ROOT) : k;
            return REMOVED_VARIABLES.contains(name) || hermetic && (HERMETIC_REMOVED_VARIABLES.contains(name)
                    || HERMETIC_REMOVED_PREFIXES.stream().anyMatch(name::startsWith));
        });
        if (kind == Kind.VIRTUAL_ENVIRONMENT) {
            env.put("VIRTUAL_ENV", root.toString());
        } else {
            env.put("CONDA_PREFIX", root.toString());
            put(env, "PYTHONNOUSERSITE", "1");
            CondaActivation.variables(root, os).forEach((name, value) -> put(env, name, value));
        }
        String pathKey = os.variableKey(env, "PATH");
        String oldPath = pathKey == null ? null : env.remove(pathKey);
        List<String> entries = new ArrayList<>();
        for (Path p : pathEntries()) {
            entries.add(p.toString());
        }
        if (oldPath != null && !oldPath.isEmpty()) {
            entries.add(oldPath);
        }
        env.put(pathKey == null ? "PATH" : pathKey, String.join(os.pathSeparator(), entries));
        if (os.variableKey(env, "PYTHONIOENCODING") == null) {
            env.put("PYTHONIOENCODING", "utf-8");
        }
        return env;
    }

    /** Sets a variable, replacing one of the same name in any case on Windows. */
    private void put(Map<String, String> env, String name, String value) {
        String key = os.variableKey(env, name);
        if (key != null) {
            env.remove(key);
        }
        env.put(name, value);
    }

    /**
     * Finds the executable for a command: {@code python}, {@code python3} and {@code python3.X} mean this
     * environment's interpreter; a path is taken as it is; any other name is searched on the {@code PATH} of
     * {@code activatedEnvironment}, whose first entries are this environment's. The search never relies on the
     * operating system's own lookup, which on Windows would use the parent's {@code PATH}.
     *
     * @param command a bare name or a path
     * @param activatedEnvironment variables from {@link #activate(Map)}
     * @return the executable, if found
     */
    public Optional<Path> findExecutable(String command, Map<String, String> activatedEnvironment) {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            return Optional.empty();
        }
        if (PYTHON_COMMAND.matcher(command).matches()) {
            String base = command.toLowerCase(Locale.ROOT).endsWith(".exe")
                    ? command.substring(0, command.length() - 4) : command;
            Path inEnv = scriptsDirectory.resolve(os.executableName(base));
            if (isExecutable(inEnv)) {
                return Optional.of(inEnv);
            }
            if (!base.contains(".") && isExecutable(python)) {
                return Optional.of(python);
            }
        }
        if (command.indexOf('/') >= 0 || command.indexOf(File.separatorChar) >= 0) {
            Path path = Path.of(command).toAbsolutePath();
            return isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = os.variable(activatedEnvironment, "PATH");
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String dir : searchPath.split(Pattern.quote(os.pathSeparator()))) {
            if (dir.isBlank()) {
                continue;
            }
            for (String name : os.commandFileNames(command, activatedEnvironment)) {
                Path candidate;
                try {
                    candidate = Path.of(dir).resolve(name);
                } catch (java.nio.file.InvalidPathException e) {
                    continue;
                }
                if (isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    private boolean isExecutable(Path candidate) {
        return Files.isRegularFile(candidate) && (os.isWindows() || Files.isExecutable(candidate));
    }

    @Override
    public String toString() {
        return "EnvironmentLayout[" + kind + ", root=" + root + ", python=" + python + ", sitePackages=" + sitePackages + "]";
    }
}
