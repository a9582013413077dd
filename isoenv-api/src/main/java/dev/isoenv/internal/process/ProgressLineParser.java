package dev.isoenv.internal.process;

import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.OutputListener;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The common part of the parsers that turn an installer's output (pip's, uv's) into
 * {@link PackageProgress} events: lines are handled one at a time (stdout and stderr come from two threads), stripped,
 * and a line a parser misreads costs a progress event, never the install.
 */
public abstract class ProgressLineParser implements OutputListener {
    private final Path location;
    private final Consumer<? super PackageProgress> events;

    /**
     * Creates a parser for one installer run.
     *
     * @param location the environment's directory, for the events
     * @param events receives the events
     */
    protected ProgressLineParser(Path location, Consumer<? super PackageProgress> events) {
        this.location = Objects.requireNonNull(location, "location");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public final synchronized void onLine(Stream stream, String line) {
        if (line == null) {
            return;
        }
        try {
            parse(line.strip());
        } catch (RuntimeException e) {
            // A line misread costs a progress event, never the install.
        }
    }

    /**
     * Reads one stripped line of output.
     *
     * @param line the line
     */
    protected abstract void parse(String line);

    /**
     * Sends one event.
     *
     * @param name the package name
     * @param version its version, or empty
     * @param phase what is happening to it
     * @param done bytes done, or -1
     * @param total bytes in all, or -1
     */
    protected final void emit(String name, String version, PackageProgress.Phase phase, long done, long total) {
        events.accept(new PackageProgress(location, name, version, phase, done, total));
    }
}
