package dev.isoenv.cuda.probe;

import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProbeContext;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a probe's executable on the {@code PATH} of the probe context's variables (never through the operating
 * system's own lookup, so tests control it), then in well-known places.
 */
final class ExecutableFinder {
    private ExecutableFinder() {
    }

    /**
     * Finds a command.
     *
     * @param context the probe context, whose variables hold {@code PATH} (and {@code PATHEXT} on Windows)
     * @param command a bare command name such as {@code nvidia-smi}
     * @param wellKnown further executables to try, in order, after {@code PATH}
     * @return the first executable file found
     */
    static Optional<Path> find(ProbeContext context, String command, List<Path> wellKnown) {
        OperatingSystem os = context.os();
        List<Path> candidates = new ArrayList<>();
        String path = os.variable(context.environment(), "PATH");
        if (path != null) {
            for (String directory : path.split(java.util.regex.Pattern.quote(os.pathSeparator()))) {
                if (directory.isBlank()) {
                    continue;
                }
                for (String name : os.commandFileNames(command, context.environment())) {
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
            if (Files.isRegularFile(candidate) && (os.isWindows() || Files.isExecutable(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Builds a path from a variable's value and more segments, such as {@code %ProgramFiles%\NVIDIA Corporation}.
     *
     * @param context the probe context
     * @param variable the variable
     * @param more the segments below it
     * @return the path, or empty when the variable is unset or not a path
     */
    static Optional<Path> underVariable(ProbeContext context, String variable, String... more) {
        String base = context.os().variable(context.environment(), variable);
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
