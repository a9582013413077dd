package dev.isoenv.conda;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the tool's command lines and its environment. Never {@code create} into the prefix: conda's deletes an
 * existing environment ({@code rm_rf}, {@code conda/cli/main_create.py}) and micromamba's refuses a non-empty folder
 * ({@code libmamba/src/api/create.cpp}), and the prefix holds isoenv's {@code .isoenv} record; it is marked
 * ({@link CondaPrefix#mark}) and filled with {@code install -p}. Always {@code -c CHANNEL ... --override-channels}
 * (never a {@code .condarc}'s channels) and {@code -y --json}. Package specs are validated by
 * {@link EnvironmentSpec.Builder#condaPackages}, so none can be read as an option.
 */
final class CondaCommands {
    private static final Set<String> DROPPED = Set.of("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX",
            "CONDA_DEFAULT_ENV", "CONDA_SHLVL");

    private CondaCommands() { }

    static List<String> version(CondaTool tool) {
        return List.of(tool.executable().toString(), "--version");
    }

    static List<String> install(CondaTool tool, Path prefix, List<String> specs, List<String> channels) {
        return solve(List.of(tool.executable().toString(), "install"), prefix, specs, channels);
    }

    static List<String> dryRun(CondaTool tool, Path prefix, List<String> specs, List<String> channels) {
        return solve(List.of(tool.executable().toString(), "create", "--dry-run"), prefix, specs, channels);
    }

    private static List<String> solve(List<String> start, Path prefix, List<String> specs, List<String> channels) {
        List<String> command = new ArrayList<>(start);
        command.addAll(List.of("-p", prefix.toString()));
        command.addAll(specs);
        channels(command, channels);
        command.addAll(List.of("-y", "--json"));
        return command;
    }

    /** Returns {@code TOOL remove -p PREFIX NAMES... -y --json}, with the channel options for conda only. */
    static List<String> remove(CondaTool tool, Path prefix, Collection<String> names, List<String> channels) {
        List<String> command = new ArrayList<>(List.of(tool.executable().toString(), "remove", "-p", prefix.toString()));
        command.addAll(names);
        if (tool.removeTakesChannels()) {
            channels(command, channels);
        }
        command.addAll(List.of("-y", "--json"));
        return command;
    }

    private static void channels(List<String> command, List<String> channels) {
        for (String channel : channels) {
            command.add("-c");
            command.add(channel);
        }
        command.add("--override-channels");
    }

    /**
     * Returns the match specs that {@code spec} asks for: Python ({@code python=3.11}, which conda reads as 3.11.*,
     * or {@code python} for the default), {@code pip} unless the specification turns it off, then the conda packages.
     * Python and pip are left to a conda package that names them itself.
     */
    static List<String> specs(EnvironmentSpec spec) {
        return specs(spec, null);
    }

    /** Like {@link #specs(EnvironmentSpec)}, with {@code python} (such as {@code python=3.12}) unless null. */
    static List<String> specs(EnvironmentSpec spec, String python) {
        List<String> specs = new ArrayList<>();
        Set<String> named = new java.util.HashSet<>();
        for (String p : spec.condaPackages()) {
            named.add(packageName(p));
        }
        if (!named.contains("python")) {
            specs.add(python != null ? python : spec.python().version().map(v -> "python=" + v).orElse("python"));
        }
        if (spec.includesPip() && !named.contains("pip")) {
            specs.add("pip");
        }
        specs.addAll(spec.condaPackages());
        return specs;
    }

    static String packageName(String matchSpec) {
        String s = matchSpec.substring(matchSpec.lastIndexOf("::") < 0 ? 0 : matchSpec.lastIndexOf("::") + 2);
        int end = 0;
        while (end < s.length() && "=<>!~ [".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        return s.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the tool's environment without the variables that point at another environment, and without pip the
     * tools' {@code add_pip_as_python_dependency} turned off.
     */
    static Map<String, String> environment(OperatingSystem os, Map<String, String> processEnvironment,
                                           boolean withPip) {
        Map<String, String> env = new LinkedHashMap<>(processEnvironment);
        env.keySet().removeIf(k -> DROPPED.contains(os.isWindows() ? k.toUpperCase(Locale.ROOT) : k));
        for (String name : List.of("CONDA_ADD_PIP_AS_PYTHON_DEPENDENCY", "MAMBA_ADD_PIP_AS_PYTHON_DEPENDENCY")) {
            String key = os.variableKey(env, name);
            if (key != null) {
                env.remove(key);
            }
            if (!withPip) {
                env.put(name, "false");
            }
        }
        return env;
    }
}
