package dev.isoenv.internal.process;

import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds a tool's executable (uv, conda, nvidia-smi) on the {@code PATH} of given variables, never through the
 * operating system's own lookup (so that tests and clients control it), then in well-known places; on Windows with
 * the {@code PATHEXT} extensions.
 */
public final class Executables {
    private Executables() {
    }

    /**
     * Finds a command.
     *
     * @param os the operating system
     * @param environment the variables whose {@code PATH} (and {@code PATHEXT}) to search
     * @param command a bare command name such as {@code uv}
     * @param wellKnown further executables to try, in order, after {@code PATH}
     * @return the first executable file found
     */
    public static Optional<Path> find(OperatingSystem os, Map<String, String> environment, String command,
                                      List<Path> wellKnown) {
        List<Path> candidates = new ArrayList<>();
        String path = os.variable(environment, "PATH");
        if (path != null) {
            for (String directory : path.split(Pattern.quote(os.pathSeparator()))) {
                if (directory.isBlank()) {
                    continue;
                }
                for (String name : os.commandFileNames(command, environment)) {
                    try {
                        candidates.add(Path.of(directory.strip()).resolve(name));
                    } catch (InvalidPathException e) {
                        // A malformed PATH entry cannot hold the command.
                    }
                }
            }
        }
        candidates.addAll(wellKnown);
        for (Path candidate : candidates) {
            if (isExecutable(os, candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a path is an executable file.
     *
     * @param os the operating system
     * @param candidate the path
     * @return true for a regular file that may be run
     */
    public static boolean isExecutable(OperatingSystem os, Path candidate) {
        return Files.isRegularFile(candidate) && (os.isWindows() || Files.isExecutable(candidate));
    }

    /**
     * Refuses a Windows batch file as a command's executable. {@code CreateProcess} runs a {@code .bat} or
     * {@code .cmd} file through {@code cmd.exe}, which reads the arguments as shell syntax ({@code &}, {@code |},
     * {@code %}, {@code ^}), and isoenv never runs a command through a shell. Elsewhere such a name is an ordinary
     * file, run as it is.
     *
     * @param os the operating system the command runs on
     * @param command the command as the caller gave it
     * @param resolved the file it resolved to
     * @throws dev.isoenv.CommandNotFoundException on Windows, if {@code resolved} ends in {@code .bat} or
     *     {@code .cmd} (in any case)
     */
    public static void refuseBatchFile(OperatingSystem os, String command, Path resolved) {
        if (!os.isWindows() || resolved.getFileName() == null) {
            return;
        }
        String name = resolved.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".bat") || name.endsWith(".cmd")) {
            throw new dev.isoenv.CommandNotFoundException("Command '" + command + "' resolves to " + resolved
                    + ", a batch file. Windows starts .bat and .cmd files through cmd.exe, which would read the"
                    + " arguments as shell syntax (&, |, %, ^), so isoenv does not start them. Call the tool's .exe"
                    + " instead, or run it through the environment's Python: python -m <its module>.");
        }
    }

    /**
     * Builds a path from a variable's value and more segments, such as {@code %LOCALAPPDATA%/uv} or
     * {@code $HOME/.local/bin/uv}.
     *
     * @param os the operating system
     * @param environment the variables
     * @param variable the variable
     * @param more the segments below it
     * @return the path, or empty when the variable is unset or not a path
     */
    public static Optional<Path> underVariable(OperatingSystem os, Map<String, String> environment, String variable,
                                               String... more) {
        String base = os.variable(environment, variable);
        if (base == null || base.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(base.strip(), more));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
