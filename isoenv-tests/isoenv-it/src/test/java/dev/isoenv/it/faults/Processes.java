package dev.isoenv.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Finds the processes of one test, never another build's that happens to run on the same machine. */
final class Processes {
    private Processes() {
    }

    /**
     * Returns the running processes that were given {@code argument} and that run for the environment at
     * {@code location}: where {@code /proc} shows process environments (Linux), their {@code VIRTUAL_ENV} must name
     * it, since isoenv activates the environment for every installer process; elsewhere the argument alone decides.
     *
     * @param location the environment's directory
     * @param argument an argument the process was given, such as the name of the package it installs
     * @return the processes
     */
    static List<ProcessHandle> installing(Path location, String argument) {
        String marker = "VIRTUAL_ENV=" + location;
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false))
                .filter(h -> runsFor(h, marker))
                .collect(Collectors.toList());
    }

    private static boolean runsFor(ProcessHandle process, String marker) {
        Path environ = Path.of("/proc", Long.toString(process.pid()), "environ");
        if (!Files.isReadable(Path.of("/proc/self/environ"))) {
            return true;
        }
        try {
            String text = new String(Files.readAllBytes(environ), StandardCharsets.UTF_8);
            for (String variable : text.split("\0")) {
                if (variable.equals(marker)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
