package dev.isoenv.testing.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Finds the Python 3 interpreter that tests use: the {@code python3} on the {@code PATH} ({@code python} on
 * Windows), asked for its own {@code sys.executable}, so shims (pyenv and the like) resolve to the real program.
 */
public final class PythonLocator {
    private static volatile Path found;

    private PythonLocator() {
    }

    /**
     * Returns the real path of the {@code python3} on the {@code PATH}, found once per JVM.
     *
     * @return the interpreter
     * @throws IllegalStateException if there is none or it does not answer
     */
    public static Path python3() {
        Path python = found;
        if (python == null) {
            String command = System.getProperty("os.name", "").startsWith("Windows") ? "python" : "python3";
            CommandResult result = CommandRunner.run(
                    List.of(command, "-c", "import sys; print(sys.executable)"),
                    PipEnvironment.current(), Path.of("").toAbsolutePath(), Duration.ofSeconds(60));
            String executable = result.requireSuccess().stdout().strip();
            if (executable.isEmpty() || !Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException("python3 on the PATH gave no usable sys.executable: "
                        + result.describe());
            }
            python = Path.of(executable);
            found = python;
        }
        return python;
    }
}
