package dev.isoenv.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Collects the fault suite's figures (callers and JVMs, kill points, bad inputs, secrets tried) in
 * {@code target/fault-suite/figures.txt}, one line per test, for README's reliability section.
 */
final class FaultFigures {
    private static final Path FILE = Path.of("target", "fault-suite", "figures.txt");
    /** The first line of a run replaces what an earlier run wrote. */
    private static boolean started;

    private FaultFigures() {
    }

    /**
     * Appends one line, and prints it.
     *
     * @param line what a test proved, with its numbers
     */
    static synchronized void record(String line) {
        System.out.println("fault suite: " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    started ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
