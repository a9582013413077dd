package dev.isoenv.uv;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallerArgument;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.Requirement;
import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds uv's command lines and their variables (flags and variables of uv's crates/uv-cli/src/lib.rs).
 *
 * <ul>
 *   <li>Always {@code --no-progress --color never}: no bars or escapes, while the status lines the events come from
 *       are still printed; {@code --no-config} without machine configuration or for an exclusive step;
 *       {@code --cache-dir} and {@code --link-mode} from the options.</li>
 *   <li>{@code uv venv --python REQUEST --no-project --allow-existing ROOT}: an explicit request ({@code 3} for the
 *       default), so neither {@code UV_PYTHON} nor a {@code .python-version} file chooses; {@code --allow-existing}
 *       keeps isoenv's {@code .isoenv} folder, which {@code --clear} would delete and uv 0.10+ would refuse.</li>
 *   <li>{@code uv pip install|uninstall --python ROOT ... -- ARGS}: clap reads all after {@code --} as packages;
 *       {@code --dry-run} added to the install command resolves without installing ({@link #resolve}).</li>
 *   <li>Installer arguments in uv's spelling ({@link #arguments}); {@code --prefer-binary}, which uv lacks, is
 *       refused.</li>
 *   <li>Indexes in variables, never on a command line: {@code UV_DEFAULT_INDEX}, {@code UV_INDEX} (space-separated,
 *       searched first) and {@code UV_FIND_LINKS} (comma-separated), each replacing the machine's variables of its
 *       kind (also the deprecated {@code UV_INDEX_URL}, {@code UV_EXTRA_INDEX_URL}), with
 *       {@code --index-strategy first-index}. An exclusive step (a PyTorch variant index) drops all the machine's
 *       index variables and {@code UV_TORCH_BACKEND}, with {@code --no-config}, as uv adds the indexes of its
 *       configuration files to those it is given.</li>
 *   <li>Removed: {@code VIRTUAL_ENV}, {@code CONDA_PREFIX}, {@code PYTHONHOME}, {@code PYTHONPATH} and the uv
 *       variables that pick or clear the target; without machine configuration every {@code UV_*}.
 *       {@code UV_PYTHON_DOWNLOADS} is {@code never}, or {@code automatic} where the specification allows.</li>
 * </ul>
 */
final class UvCommands {
    private static final Set<String> REMOVED = Set.of("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "CONDA_PREFIX",
            "CONDA_DEFAULT_ENV", "CONDA_SHLVL", "PYTHONHOME", "PYTHONPATH", "__PYVENV_LAUNCHER__", "UV_PYTHON",
            "UV_SYSTEM_PYTHON", "UV_VENV_CLEAR", "UV_VENV_SEED");
    private static final List<String> INDEX_VARIABLES = List.of("UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX",
            "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX", "UV_TORCH_BACKEND");

    private final Path uv;
    private final OperatingSystem os;
    private final EnvironmentSpec spec;
    private final UvOptions options;

    UvCommands(Path uv, OperatingSystem os, EnvironmentSpec spec, UvOptions options) {
        this.uv = uv;
        this.os = os;
        this.spec = spec;
        this.options = options;
    }

    /** {@code uv python find --system --no-project REQUEST}: the interpreter {@code uv venv} would use. */
    List<String> findPython() {
        List<String> command = start(false, false, "python", "find");
        command.addAll(List.of("--system", "--no-project", request(spec.python())));
        return command;
    }

    List<String> venv(Path root) {
        List<String> command = start(false, true, "venv");
        command.addAll(List.of("--python", request(spec.python()), "--no-project", "--allow-existing", root.toString()));
        return command;
    }

    List<String> install(Path root, Collection<Requirement> requirements, Path constraints, PackageIndexes indexes) {
        return install(root, requirements, constraints, indexes, true, List.of(), List.of());
    }

    List<String> install(Path root, Collection<Requirement> requirements, Path constraints, PackageIndexes indexes,
                         List<InstallerArgument> arguments) {
        return install(root, requirements, constraints, indexes, true, List.of(), arguments);
    }

    /** The install command; {@code --no-deps} for a step without dependencies, {@code --reinstall-package} for each
     *  wrong build to replace, and the installer arguments in uv's spelling. */
    List<String> install(Path root, Collection<Requirement> requirements, Path constraints, PackageIndexes indexes,
                         boolean dependencies, Collection<String> reinstall, List<InstallerArgument> arguments) {
        return install(root, requirements, constraints, indexes, dependencies, reinstall, arguments, false);
    }

    /**
     * The install command of the same step with {@code --dry-run}: uv resolves it exactly as the install would (same
     * interpreter, indexes, constraints, configuration and installer arguments) and prints what it would change,
     * changing nothing. uv has no {@code --report}; {@link UvOutputParser#dryRun} reads the printed lines.
     */
    List<String> resolve(Path root, Collection<Requirement> requirements, Path constraints, PackageIndexes indexes,
                         boolean dependencies, Collection<String> reinstall, List<InstallerArgument> arguments) {
        return install(root, requirements, constraints, indexes, dependencies, reinstall, arguments, true);
    }

    private List<String> install(Path root, Collection<Requirement> requirements, Path constraints,
                                 PackageIndexes indexes, boolean dependencies, Collection<String> reinstall,
                                 List<InstallerArgument> arguments, boolean dryRun) {
        List<String> command = start(indexes.isExclusive(), true, "pip", "install");
        command.addAll(List.of("--python", root.toString()));
        if (dryRun) {
            command.add("--dry-run");
        }
        if (!dependencies) {
            command.add("--no-deps");
        }
        for (String name : reinstall) {
            command.add("--reinstall-package=" + name);
        }
        if (!indexes.isMachineDefault()) {
            command.addAll(List.of("--index-strategy", "first-index"));
        }
        if (indexes.isExclusive() && indexes.indexUrl().isEmpty() && indexes.extraIndexUrls().isEmpty()) {
            command.add("--no-index");
        }
        if (constraints != null) {
            command.addAll(List.of("--constraint", constraints.toString()));
        }
        command.addAll(arguments(arguments));
        command.add("--");
        for (Requirement r : requirements) {
            command.add(r.installerArgument());
        }
        return command;
    }

    /**
     * Tells why uv cannot apply an installer argument: only {@code --prefer-binary}, which uv does not have.
     *
     * @param argument the argument
     * @return the reason, or empty when {@link #arguments} maps it
     */
    static Optional<String> refusal(InstallerArgument argument) {
        switch (argument.kind()) {
            case PRE:
            case USE_PEP517:
            case NO_BUILD_ISOLATION:
            case ONLY_BINARY:
            case NO_BINARY:
            case CONFIG_SETTINGS:
                return Optional.empty();
            case PREFER_BINARY:
                return Optional.of("uv has no --prefer-binary; list the distributions that must come as wheels with"
                        + " --only-binary, or name the venv backend");
            default:
                // A kind added after this backend was written: refused at selection, never dropped at install.
                return Optional.of("the uv backend does not know " + argument.kind().option() + "; name the venv"
                        + " backend");
        }
    }

    /**
     * uv's spelling of the installer arguments, each one command-line argument with its value joined by {@code =}:
     * {@code --pre} is {@code --prerelease=allow}; {@code --only-binary} and {@code --no-binary} are repeated per name;
     * {@code --config-settings} is {@code --config-setting}; {@code --use-pep517} adds nothing, because uv builds every
     * source distribution through PEP 517 hooks.
     */
    static List<String> arguments(List<InstallerArgument> arguments) {
        List<String> mapped = new ArrayList<>();
        for (InstallerArgument a : arguments) {
            Optional<String> refused = refusal(a);
            if (refused.isPresent()) {
                throw new InvalidSpecException("The uv backend cannot apply the installer argument " + a + ": "
                        + refused.get() + ".");
            }
            switch (a.kind()) {
                case PRE:
                    mapped.add("--prerelease=allow");
                    break;
                case USE_PEP517:
                    break;
                case NO_BUILD_ISOLATION:
                    mapped.add("--no-build-isolation");
                    break;
                case ONLY_BINARY:
                case NO_BINARY:
                    for (String name : a.distributions()) {
                        mapped.add(a.kind().option() + "=" + name);
                    }
                    break;
                case CONFIG_SETTINGS:
                    mapped.add("--config-setting=" + a.value().orElseThrow());
                    break;
                default:
                    throw new InvalidSpecException("The uv backend does not know the installer argument " + a + ".");
            }
        }
        return mapped;
    }

    /** Installs pip from a folder of wheels (the interpreter's bundled ones), offline, without any index. */
    List<String> installPipFrom(Path root, Path wheels) {
        List<String> command = start(true, true, "pip", "install");
        command.addAll(List.of("--python", root.toString(), "--no-index", "--find-links", wheels.toString()));
        command.addAll(List.of("--", "pip"));
        return command;
    }

    List<String> uninstall(Path root, Collection<String> distributions) {
        List<String> command = start(false, false, "pip", "uninstall");
        command.addAll(List.of("--python", root.toString(), "--"));
        command.addAll(distributions);
        return command;
    }

    private List<String> start(boolean isolated, boolean links, String... subcommand) {
        List<String> command = new ArrayList<>();
        command.add(uv.toString());
        command.addAll(List.of(subcommand));
        command.addAll(List.of("--no-progress", "--color", "never"));
        if (isolated || !spec.inheritsMachineConfiguration()) {
            command.add("--no-config");
        }
        options.cacheDir().ifPresent(d -> command.addAll(List.of("--cache-dir", d.toString())));
        options.linkMode().filter(m -> links).ifPresent(m -> command.addAll(List.of("--link-mode", m)));
        return command;
    }

    /** The Python request as uv reads it: a version, an interpreter's path, or {@code 3} for any Python 3. */
    static String request(PythonRequest python) {
        return python.interpreter().map(Path::toString).orElseGet(() -> python.version().orElse("3"));
    }

    /** The variables for a uv command, from {@code processEnvironment}, with {@code indexes} (machine defaults: none). */
    Map<String, String> environment(Map<String, String> processEnvironment, PackageIndexes indexes) {
        Map<String, String> env = new LinkedHashMap<>(processEnvironment);
        env.keySet().removeIf(k -> {
            String name = os.isWindows() ? k.toUpperCase(Locale.ROOT) : k;
            return REMOVED.contains(name) || (!spec.inheritsMachineConfiguration() && name.startsWith("UV_"))
                    || (indexes.isExclusive() && INDEX_VARIABLES.contains(name));
        });
        put(env, "UV_PYTHON_DOWNLOADS", spec.allowsPythonDownloads() ? "automatic" : "never");
        List<String> extra = new ArrayList<>(indexes.extraIndexUrls());
        String index = indexes.indexUrl().orElse(null);
        if (index == null && indexes.isExclusive() && !extra.isEmpty()) {
            // Only these indexes: the last one takes the default index's place, which is otherwise PyPI.
            index = extra.remove(extra.size() - 1);
        }
        if (index != null) {
            remove(env, "UV_INDEX_URL");
            remove(env, "UV_NO_INDEX");
            put(env, "UV_DEFAULT_INDEX", index);
        }
        if (!extra.isEmpty()) {
            remove(env, "UV_EXTRA_INDEX_URL");
            put(env, "UV_INDEX", String.join(" ", extra));
        }
        if (!indexes.findLinks().isEmpty()) {
            for (String location : indexes.findLinks()) {
                if (location.indexOf(',') >= 0) {
                    throw new InvalidSpecException("The find-links location '" + indexes.mask(location)
                            + "' contains a comma, but uv reads UV_FIND_LINKS as a comma-separated list;"
                            + " move it to a path without commas.");
                }
            }
            put(env, "UV_FIND_LINKS", String.join(",", indexes.findLinks()));
        }
        return env;
    }

    private void put(Map<String, String> env, String name, String value) {
        remove(env, name);
        env.put(name, value);
    }

    private void remove(Map<String, String> env, String name) {
        String key = os.variableKey(env, name);
        if (key != null) {
            env.remove(key);
        }
    }
}
