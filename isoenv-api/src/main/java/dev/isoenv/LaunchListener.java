package dev.isoenv;

import java.util.List;

/**
 * Told about every process isoenv starts, before it starts: installers, probes, checks and {@link Environment#run}. Tests use it to prove that a
 * warm {@code ensure()} starts no process at all; tools can use it for auditing.
 */
@FunctionalInterface
public interface LaunchListener {
    /** A listener that ignores every launch. */
    LaunchListener NONE = command -> { };

    /**
     * Receives a command about to be started.
     *
     * @param displayCommand the command, with secrets masked
     */
    void launching(List<String> displayCommand);
}
