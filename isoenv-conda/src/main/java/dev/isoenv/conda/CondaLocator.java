package dev.isoenv.conda;

import dev.isoenv.internal.process.Executables;
import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds micromamba, mamba or conda without starting a process: an explicit path ({@code conda.path}, else
 * {@code isoenv.conda}; the executable or a folder holding one, and an error when it holds none); else
 * {@code MAMBA_EXE} and {@code CONDA_EXE}; else {@code PATH}; else the common install folders.
 */
final class CondaLocator {
    static final String PROPERTY = "isoenv.conda";
    static final String OPTION = "conda.path";
    private static final List<String> TOOLS = List.of("micromamba", "mamba", "conda");
    private static final List<String> DISTRIBUTIONS = List.of("miniforge3", "mambaforge", "miniconda3", "anaconda3");

    /** The tool found, or why none was ({@code problem}, with what to do; empty when found). */
    record Result(Optional<CondaTool> tool, String problem) {
    }

    private final OperatingSystem os;
    private final Map<String, String> environment;
    private final String property;
    private final Path systemRoot;

    CondaLocator(OperatingSystem os, Map<String, String> environment, String property, Path systemRoot) {
        this.os = os;
        this.environment = environment;
        this.property = property;
        this.systemRoot = systemRoot;
    }

    Result locate(Optional<String> option) {
        if (option.isPresent()) {
            return explicit(option.get(), "the backend option " + OPTION);
        }
        if (property != null && !property.isBlank()) {
            return explicit(property, "the system property " + PROPERTY);
        }
        for (String variable : List.of("MAMBA_EXE", "CONDA_EXE")) {
            Path p = path(os.variable(environment, variable));
            if (p != null && runnable(p)) {
                return found(p, variable);
            }
        }
        for (String tool : TOOLS) {
            Optional<Path> p = Executables.find(os, exeOnly(), tool, List.of()).filter(this::runnable);
            if (p.isPresent()) {
                return found(p.get(), "PATH");
            }
        }
        for (String tool : TOOLS) {
            Optional<Path> p = Executables.find(os, exeOnly(), tool, folders(tool)).filter(this::runnable);
            if (p.isPresent()) {
                return found(p.get(), "a common install folder");
            }
        }
        return new Result(Optional.empty(), "no micromamba, mamba or conda was found in MAMBA_EXE, CONDA_EXE, PATH or"
                + " the common install folders (such as ~/.local/bin and ~/miniforge3). Install micromamba or"
                + " Miniforge, or point isoenv at one with -D" + PROPERTY + "=/path/to/micromamba or the backend"
                + " option " + OPTION);
    }

    private Result explicit(String value, String source) {
        Path p = path(value);
        if (p != null && Files.isDirectory(p)) {
            List<Path> inside = new ArrayList<>();
            for (String tool : TOOLS) {
                for (String sub : new String[] {"", "bin", "Scripts", "condabin"}) {
                    inside.add(p.resolve(sub).resolve(os.executableName(tool)));
                }
            }
            for (Path candidate : inside) {
                if (runnable(candidate)) {
                    return found(candidate, source);
                }
            }
        } else if (p != null && runnable(p)) {
            return found(p, source);
        } else if (p != null && p.getNameCount() == 1 && !p.isAbsolute()) {
            Optional<Path> onPath = Executables.find(os, exeOnly(), value.strip(), List.of())
                    .filter(this::runnable);
            if (onPath.isPresent()) {
                return found(onPath.get(), source + " and PATH");
            }
        }
        return new Result(Optional.empty(), source + " names '" + value + "', which is neither an executable"
                + " micromamba, mamba or conda nor a folder that holds one. Correct it, or unset it to let isoenv"
                + " search MAMBA_EXE, CONDA_EXE, PATH and the common install folders");
    }

    /** On Windows only an {@code .exe}: Java runs a {@code .bat} through cmd.exe, which mangles {@code > < | !}. */
    private boolean runnable(Path p) {
        return Executables.isExecutable(os, p) && (!os.isWindows()
                || p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".exe"));
    }

    private Map<String, String> exeOnly() {
        String path = os.variable(environment, "PATH");
        return path == null ? Map.of("PATHEXT", ".EXE") : Map.of("PATH", path, "PATHEXT", ".EXE");
    }

    private Result found(Path executable, String source) {
        Path p = executable.toAbsolutePath().normalize();
        return new Result(Optional.of(new CondaTool(p, CondaTool.kindOf(p), source)), "");
    }

    private List<Path> folders(String tool) {
        List<Path> dirs = new ArrayList<>();
        if (os.isWindows()) {
            if (tool.equals("micromamba")) {
                Executables.underVariable(os, environment, "LOCALAPPDATA", "micromamba").ifPresent(dirs::add);
            } else {
                for (String base : new String[] {"USERPROFILE", "LOCALAPPDATA", "ProgramData"}) {
                    for (String distribution : DISTRIBUTIONS) {
                        Executables.underVariable(os, environment, base, distribution, "Scripts").ifPresent(dirs::add);
                    }
                }
            }
        } else if (tool.equals("micromamba")) {
            Executables.underVariable(os, environment, "HOME", ".local", "bin").ifPresent(dirs::add);
            Executables.underVariable(os, environment, "HOME", "bin").ifPresent(dirs::add);
            dirs.add(systemRoot.resolve("usr/local/bin"));
            dirs.add(systemRoot.resolve("opt/homebrew/bin"));
        } else {
            for (String distribution : DISTRIBUTIONS) {
                Executables.underVariable(os, environment, "HOME", distribution, "bin").ifPresent(dirs::add);
                dirs.add(systemRoot.resolve("opt").resolve(distribution).resolve("bin"));
            }
            dirs.add(systemRoot.resolve("opt/conda/bin"));
        }
        List<Path> executables = new ArrayList<>();
        for (Path dir : dirs) {
            executables.add(dir.resolve(os.executableName(tool)));
        }
        return executables;
    }

    private static Path path(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Path.of(value.strip());
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
