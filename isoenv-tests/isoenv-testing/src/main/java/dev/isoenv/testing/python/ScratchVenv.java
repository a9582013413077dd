package dev.isoenv.testing.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual environment with pip that a test creates in a directory it owns ({@code python3 -m venv DIR}), and runs
 * its Python, pip and scripts in, always with {@link PipEnvironment} so no machine-wide pip setting applies.
 */
public final class ScratchVenv {
    /** The time limit of each command, a safety net against hangs. */
    public static final Duration COMMAND_LIMIT = Duration.ofMinutes(5);

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final Path directory;
    private final Map<String, String> environment;

    private ScratchVenv(Path directory) {
        this.directory = directory;
        this.environment = PipEnvironment.current();
    }

    /**
     * Creates a virtual environment with pip, from the {@code python3} on the {@code PATH}.
     *
     * @param directory where to create it; it may exist if empty
     * @return the environment
     * @throws IllegalStateException if {@code venv} fails
     */
    public static ScratchVenv create(Path directory) {
        Path absolute = directory.toAbsolutePath();
        CommandRunner.run(List.of(PythonLocator.python3().toString(), "-m", "venv", absolute.toString()),
                PipEnvironment.current(), absolute.getParent(), COMMAND_LIMIT).requireSuccess();
        ScratchVenv venv = new ScratchVenv(absolute);
        if (!Files.isExecutable(venv.python())) {
            throw new IllegalStateException("venv made no interpreter at " + venv.python());
        }
        return venv;
    }

    /**
     * Returns the environment's directory.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the environment's interpreter.
     *
     * @return {@code DIR/bin/python}, or {@code DIR\Scripts\python.exe} on Windows
     */
    public Path python() {
        return script("python");
    }

    /**
     * Returns the path of a script installed into the environment, such as a console script.
     *
     * @param name the script's name
     * @return {@code DIR/bin/NAME}, or {@code DIR\Scripts\NAME.exe} on Windows
     */
    public Path script(String name) {
        return WINDOWS ? directory.resolve("Scripts").resolve(name + ".exe") : directory.resolve("bin").resolve(name);
    }

    /**
     * Returns the environment its commands run with: the current one, made safe for pip.
     *
     * @return the environment variables
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Runs {@code python -m pip ARGS}.
     *
     * @param args pip's arguments, e.g. {@code install --index-url URL isoenv-demo-hello}
     * @return how it ended
     */
    public CommandResult pip(String... args) {
        List<String> command = new ArrayList<>(List.of(python().toString(), "-m", "pip"));
        command.addAll(Arrays.asList(args));
        return run(command, Map.of());
    }

    /**
     * Runs the environment's interpreter.
     *
     * @param args its arguments, e.g. {@code -c "import torch"}
     * @return how it ended
     */
    public CommandResult runPython(String... args) {
        return runPython(Map.of(), args);
    }

    /**
     * Runs the environment's interpreter with extra environment variables, e.g. {@code PYTHONPATH}.
     *
     * @param extraEnvironment variables to add
     * @param args its arguments
     * @return how it ended
     */
    public CommandResult runPython(Map<String, String> extraEnvironment, String... args) {
        List<String> command = new ArrayList<>(List.of(python().toString()));
        command.addAll(Arrays.asList(args));
        return run(command, extraEnvironment);
    }

    /**
     * Runs a program, such as a console script, with extra environment variables.
     *
     * @param program the program
     * @param extraEnvironment variables to add
     * @param args its arguments
     * @return how it ended
     */
    public CommandResult runProgram(Path program, Map<String, String> extraEnvironment, String... args) {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(Arrays.asList(args));
        return run(command, extraEnvironment);
    }

    private CommandResult run(List<String> command, Map<String, String> extraEnvironment) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(extraEnvironment);
        return CommandRunner.run(command, PipEnvironment.isolate(env), directory, COMMAND_LIMIT);
    }

    @Override
    public String toString() {
        return "ScratchVenv[" + directory + "]";
    }
}
