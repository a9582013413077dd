package dev.isoenv.internal.ensure;

import dev.isoenv.CommandNotFoundException;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.ProcessStartException;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.internal.metadata.DistributionScanner;
import dev.isoenv.internal.process.Executables;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.spi.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Environment} that {@code ensure()} returns: a layout, the activation variables computed once, and
 * the shared process runner.
 */
public final class ManagedEnvironment implements Environment {
    private final EnvironmentLayout layout;
    private final String backend;
    private final EnvironmentSpec spec;
    private final CommandRunner runner;
    private final Map<String, String> processEnvironment;
    private final String explanation;
    private final Map<String, String> choices;
    private volatile Map<String, String> variables;

    /**
     * Creates the environment view.
     *
     * @param layout where things are
     * @param backend the backend that built it
     * @param spec the specification it satisfies
     * @param runner runs commands
     * @param processEnvironment the variables to activate on top of
     * @param explanation how it was planned, credentials masked
     * @param choices what the planners chose
     */
    public ManagedEnvironment(EnvironmentLayout layout, String backend, EnvironmentSpec spec, CommandRunner runner,
                              Map<String, String> processEnvironment, String explanation, Map<String, String> choices) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.processEnvironment = processEnvironment;
        this.explanation = Objects.requireNonNull(explanation, "explanation");
        this.choices = Map.copyOf(choices);
    }

    @Override
    public String explanation() {
        return explanation;
    }

    @Override
    public Map<String, String> choices() {
        return choices;
    }

    /**
     * Returns the layout.
     *
     * @return the layout
     */
    public EnvironmentLayout layout() {
        return layout;
    }

    @Override
    public Path root() {
        return layout.root();
    }

    @Override
    public Path python() {
        return layout.python();
    }

    @Override
    public Path scriptsDirectory() {
        return layout.scriptsDirectory();
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public Map<String, String> environmentVariables() {
        Map<String, String> v = variables;
        if (v == null) {
            v = Collections.unmodifiableMap(layout.activate(processEnvironment, !spec.inheritsMachineConfiguration()));
            variables = v;
        }
        return v;
    }

    @Override
    public Optional<Path> findExecutable(String command) {
        return layout.findExecutable(command, environmentVariables());
    }

    @Override
    public RunResult run(List<String> command, RunOptions options) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("A command needs at least an executable");
        }
        Map<String, String> env = new LinkedHashMap<>(environmentVariables());
        options.environment().forEach((k, v) -> {
            String key = layout.operatingSystem().variableKey(env, k);
            if (key != null) {
                env.remove(key);
            }
            if (v != null) {
                env.put(k, v);
            }
        });
        refuseOtherPlatform(command);
        String executable = command.get(0);
        Path resolved = layout.findExecutable(executable, env).orElseThrow(() -> new CommandNotFoundException(
                "Command '" + executable + "' was not found in " + layout.scriptsDirectory() + " or on the PATH of"
                        + " the environment at " + layout.root() + ". Add the package that provides it to the"
                        + " requirements, or give its absolute path."));
        Executables.refuseBatchFile(layout.operatingSystem(), executable, resolved);
        List<String> full = new ArrayList<>(command);
        full.set(0, resolved.toString());
        checkOptions(full, options);
        ProcessRequest.Builder request = ProcessRequest.command(full).environment(env).listener(options.listener())
                .masking(spec.indexes()::mask).captureLimit(options.captureLimit());
        options.timeout().ifPresent(request::timeout);
        options.directory().ifPresent(request::directory);
        options.stdinBytes().ifPresent(request::stdin);
        options.stdinFile().ifPresent(f -> request.stdin(ProcessBuilder.Redirect.from(f.toFile())));
        if (options.inheritsStdin()) {
            request.stdin(ProcessBuilder.Redirect.INHERIT);
        }
        options.stdout().ifPresent(request::stdout);
        if (options.inheritsOutput()) {
            request.inheritOutput();
        }
        ProcessResult result = runner.run(request.build());
        return new RunResult(result.command(), result.exitCode(), result.stdout(), result.stderr(), result.duration());
    }

    /**
     * Resolves the command as {@link Environment#processBuilder} does, refusing a Windows batch file by this
     * environment's operating system (which tests may set), not only by the one this JVM runs on.
     */
    @Override
    public ProcessBuilder processBuilder(String... command) {
        refuseOtherPlatform(List.of(command));
        if (command.length > 0) {
            findExecutable(command[0]).ifPresent(p -> Executables.refuseBatchFile(layout.operatingSystem(), command[0],
                    p));
        }
        return Environment.super.processBuilder(command);
    }

    /**
     * Refuses to start anything in an environment built for another platform ({@code target.platform}): its packages'
     * binaries are the target's, and whatever ran here would fail obscurely, or not be what runs there.
     */
    private void refuseOtherPlatform(List<String> command) {
        dev.isoenv.internal.platform.TargetPlatform target = dev.isoenv.internal.platform.TargetPlatform.forSpec(spec);
        if (!target.isCurrent()) {
            throw new dev.isoenv.ProcessStartException(Redactor.from(spec.indexes()::mask).redact(command),
                    "The environment at " + layout.root() + " was built for " + target.name() + " (the option "
                    + dev.isoenv.internal.platform.TargetPlatform.OPTION + "), and this machine is "
                    + dev.isoenv.internal.platform.TargetPlatform.current().name() + ": nothing of it can run here."
                    + " Pack it (Environment.pack) and unpack and run it on a " + target.name() + " machine.");
        }
    }

    /**
     * Checks the files the options name before the start, so that a missing one is reported as what it is rather
     * than as the operating system's start failure, which blames the executable.
     */
    private void checkOptions(List<String> command, RunOptions options) {
        List<String> display = Redactor.from(spec.indexes()::mask).redact(command);
        Optional<Path> directory = options.directory();
        if (directory.isPresent()) {
            Path d = directory.get().toAbsolutePath();
            if (!Files.exists(d)) {
                throw new ProcessStartException(display, "RunOptions.directory names " + d + ", which does not"
                        + " exist. Create it first, or set a directory that exists.");
            }
            if (!Files.isDirectory(d)) {
                throw new ProcessStartException(display, "RunOptions.directory names " + d + ", which is a file,"
                        + " not a directory.");
            }
        }
        Optional<Path> stdin = options.stdinFile();
        if (stdin.isPresent()) {
            Path f = stdin.get().toAbsolutePath();
            if (!Files.exists(f)) {
                throw new ProcessStartException(display, "RunOptions.stdin names " + f + ", which does not exist."
                        + " Write the file first, or pass the input as bytes with RunOptions.Builder.stdin(byte[]).");
            }
            if (Files.isDirectory(f)) {
                throw new ProcessStartException(display, "RunOptions.stdin names " + f + ", which is a directory,"
                        + " not a file.");
            }
            if (!Files.isReadable(f)) {
                throw new ProcessStartException(display, "RunOptions.stdin names " + f + ", which this process may"
                        + " not read. Check its permissions.");
            }
        }
    }

    @Override
    public List<InstalledDistribution> installedDistributions() {
        return DistributionScanner.scan(layout.sitePackages());
    }

    @Override
    public String toString() {
        return "Environment[" + layout.root() + ", backend=" + backend + "]";
    }
}
