package dev.isoenv.cuda.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Writes fake executables: POSIX shell scripts that stand in for nvidia-smi or rocm_agent_enumerator. They run as
 * real processes. The shell is found on this JVM's PATH; where there is none (Windows), the test is skipped.
 */
public final class FakeExecutable {
    private FakeExecutable() {
    }

    /**
     * Returns the absolute path of {@code sh} on this JVM's PATH.
     *
     * @return the shell
     */
    public static Path shell() {
        String path = System.getenv("PATH");
        Optional<Path> sh = Optional.empty();
        if (path != null) {
            for (String dir : path.split(Pattern.quote(java.io.File.pathSeparator))) {
                Path candidate = Path.of(dir).resolve("sh");
                if (!dir.isBlank() && Files.isExecutable(candidate)) {
                    sh = Optional.of(candidate.toAbsolutePath());
                    break;
                }
            }
        }
        Assumptions.assumeTrue(sh.isPresent(), "fake executables need a POSIX shell on PATH");
        return sh.get();
    }

    /**
     * Writes an executable script.
     *
     * @param file where to write it
     * @param body the shell commands
     * @return the file
     */
    public static Path write(Path file, String body) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!" + shell() + "\n" + body + "\n", StandardCharsets.UTF_8);
            if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + file + " executable");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a script that prints a text exactly (with printf, a shell builtin) and exits with a code.
     *
     * @param file where to write it
     * @param stdout what to print
     * @param exitCode the exit code
     * @return the file
     */
    public static Path printing(Path file, String stdout, int exitCode) {
        return write(file, "printf '%s' '" + stdout.replace("'", "'\\''") + "'\nexit " + exitCode);
    }
}
