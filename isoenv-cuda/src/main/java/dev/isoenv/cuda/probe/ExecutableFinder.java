package dev.isoenv.cuda.probe;

import dev.isoenv.internal.process.Executables;
import dev.isoenv.spi.ProbeContext;
import java.nio.file.Path;
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
        return Executables.find(context.os(), context.environment(), command, wellKnown);
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
        return Executables.underVariable(context.os(), context.environment(), variable, more);
    }

}
