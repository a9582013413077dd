package dev.isoenv.uv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the uv output fixtures: those in {@code src/test/resources/uv-output}, taken from uv's repository, and the
 * captures of a real uv in {@code src/test/resources/real-uv-0.11.15}; their READMEs say where each came from.
 */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * One run of a real uv: the command line as typed, its exit code, and what it wrote, standard output and standard
     * error together in the order they came (status lines, warnings and errors are uv's standard error).
     */
    record Capture(String command, int exitCode, String output) {
    }

    static String read(String name) {
        return resource("/uv-output/" + name);
    }

    /** Reads a capture of {@code real-uv-0.11.15}: its {@code # } header lines, then the output exactly as captured. */
    static Capture real(String name) {
        String command = null;
        Integer exitCode = null;
        StringBuilder output = new StringBuilder();
        boolean header = true;
        for (String line : resource("/real-uv-0.11.15/" + name).split("\n", -1)) {
            if (header && line.startsWith("# ")) {
                if (line.startsWith("# command: ")) {
                    command = line.substring("# command: ".length());
                } else if (line.startsWith("# exit code: ")) {
                    exitCode = Integer.parseInt(line.substring("# exit code: ".length()));
                }
                continue;
            }
            header = false;
            output.append(line).append('\n');
        }
        if (command == null || exitCode == null) {
            throw new IllegalArgumentException(name + " has no '# command:' or '# exit code:' header line");
        }
        return new Capture(command, exitCode, output.substring(0, output.length() - 1));
    }

    private static String resource(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
