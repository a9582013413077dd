package dev.isoenv.cuda.testkit;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * An {@link Environment} whose installed distributions and command results are given by the test, and which
 * records every command run. It stands in for a venv in tests of post-install checks.
 */
public final class FakeEnvironment implements Environment {
    private final Path root;
    private final List<InstalledDistribution> installed;
    private final BiFunction<List<String>, RunOptions, RunResult> runner;
    private final List<List<String>> commands = new ArrayList<>();

    /**
     * Creates the environment.
     *
     * @param root its directory
     * @param installed what it holds
     * @param runner answers each command
     */
    public FakeEnvironment(Path root, List<InstalledDistribution> installed,
                           BiFunction<List<String>, RunOptions, RunResult> runner) {
        this.root = root;
        this.installed = List.copyOf(installed);
        this.runner = runner;
    }

    /**
     * Returns an environment whose every command prints {@code stdout} and exits with {@code exitCode}.
     *
     * @param root its directory
     * @param installed what it holds
     * @param stdout the output of every command
     * @param exitCode the exit code of every command
     * @return the environment
     */
    public static FakeEnvironment answering(Path root, List<InstalledDistribution> installed, String stdout,
                                            int exitCode) {
        return new FakeEnvironment(root, installed,
                (command, options) -> new RunResult(command, exitCode, stdout, "", Duration.ZERO));
    }

    /**
     * Returns the commands run so far.
     *
     * @return the commands
     */
    public List<List<String>> commands() {
        return commands;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Path python() {
        return root.resolve("bin/python");
    }

    @Override
    public Path scriptsDirectory() {
        return root.resolve("bin");
    }

    @Override
    public String backend() {
        return "fake";
    }

    @Override
    public EnvironmentSpec spec() {
        return EnvironmentSpec.builder(root).build();
    }

    @Override
    public Map<String, String> environmentVariables() {
        return Map.of();
    }

    @Override
    public Optional<Path> findExecutable(String command) {
        return Optional.empty();
    }

    @Override
    public RunResult run(List<String> command, RunOptions options) {
        commands.add(List.copyOf(command));
        return runner.apply(command, options);
    }

    @Override
    public String explanation() {
        return "";
    }

    @Override
    public Map<String, String> choices() {
        return Map.of();
    }

    @Override
    public List<InstalledDistribution> installedDistributions() {
        return installed;
    }
}
