package dev.isoenv.uv;

import com.google.auto.service.AutoService;
import dev.isoenv.Availability;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InstallerArgument;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The uv backend, named {@code uv}: environments made with {@code uv venv} and filled with
 * {@code uv pip install --python ENV}, much faster than venv and pip; a step is resolved without installing with the
 * same command and {@code --dry-run} ({@link #resolve}). Its priority, 200, puts it above the venv
 * backend whenever a new enough uv is found ({@link UvLocator} says where it looks and which versions it accepts); the command lines
 * and variables are those of {@link UvCommands}, progress comes from {@link UvOutputParser}, and failures are typed
 * exceptions with {@link UvFailureAdvice}.
 *
 * <p>An environment has pip when the specification asks for it (the default): the one the base interpreter bundles
 * for {@code ensurepip}, installed by uv offline, or where there is none, pip from the specification's indexes (what
 * {@code uv venv --seed} does, which needs an index that has pip). {@code list()} reads site-packages, as the other
 * backends do: {@code uv pip list} would cost a process for the same answer.
 */
@AutoService(Installer.class)
public final class UvInstaller implements Installer {
    /** The backend's name. */
    public static final String NAME = "uv";

    private final OperatingSystem os;
    private final CommandRunner probeRunner;
    private final UvLocator locator;

    /** Creates the backend for the current operating system; ServiceLoader calls this. */
    public UvInstaller() {
        this(OperatingSystem.current(), CommandRunner.standard(), System::getProperty);
    }

    UvInstaller(OperatingSystem os, CommandRunner probeRunner, UnaryOperator<String> properties) {
        this.os = os;
        this.probeRunner = probeRunner;
        this.locator = new UvLocator(os, properties);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    /**
     * Available when uv is found (system property {@value UvLocator#PROPERTY}, {@code PATH}, or where its installers
     * put it) and {@code uv --version} reports the minimum version or newer; the version is read once per executable.
     */
    @Override
    public Availability availability() {
        return availability(Optional.empty());
    }

    /** Like {@link #availability()}, but a spec's {@code uv.path} option names the uv to check first. */
    @Override
    public Availability availabilityFor(EnvironmentSpec spec) {
        return availability(UvOptions.of(spec).uv());
    }

    private Availability availability(Optional<java.nio.file.Path> explicit) {
        Map<String, String> env = System.getenv();
        UvLocator.Located found = locator.locate(explicit, env);
        if (found.path() == null) {
            return Availability.unavailable(found.problem());
        }
        try {
            UvLocator.Result version = locator.version(found.path(), r -> probeRunner.run(r.build()),
                    versionRequest(found.path(), env, Duration.ofSeconds(30)));
            return version.problem() != null ? Availability.unavailable(version.problem())
                    : Availability.available("uv " + version.version() + " at " + found.path() + " ("
                    + found.source() + ")");
        } catch (IsoenvException e) {
            return Availability.unavailable("could not run " + found.path() + " --version: " + e.getMessage());
        }
    }

    /**
     * Checks the options, that uv runs and is new enough, and, unless Python downloads are allowed, that uv finds
     * the requested Python ({@code uv python find}), so that a rebuild that cannot succeed fails before anything is
     * deleted.
     */
    @Override
    public void prepare(EnvironmentSpec spec, BackendContext context) {
        UvCommands commands = commands(spec, context);
        if (spec.allowsPythonDownloads()) {
            return;
        }
        ProcessResult found = context.run(ProcessRequest.command(commands.findPython())
                .environment(commands.environment(context.processEnvironment(), PackageIndexes.machineDefaults()))
                .directory(existingAncestor(spec.location())).timeout(spec.timeouts().probe()));
        if (!found.isSuccess()) {
            throw UvFailureAdvice.pythonMissing(found) ? pythonNotFound(spec, found)
                    : new EnvironmentCreationException("uv python find failed for Python " + spec.python()
                    + " (exit code " + found.exitCode() + ")." + tail(found));
        }
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        UvCommands commands = commands(spec, context);
        Path root = spec.location().toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new EnvironmentCreationException("Cannot create the folder " + root + ": " + e.getMessage()
                    + ". Check that its parent is writable.", e);
        }
        ProcessResult created = context.run(ProcessRequest.command(commands.venv(root))
                .environment(commands.environment(context.processEnvironment(), PackageIndexes.machineDefaults()))
                .directory(root).timeout(spec.timeouts().create()));
        if (!created.isSuccess()) {
            throw UvFailureAdvice.pythonMissing(created) ? pythonNotFound(spec, created)
                    : new EnvironmentCreationException("uv venv failed for " + root + " (exit code "
                    + created.exitCode() + "). " + UvFailureAdvice.adviceFor(created) + tail(created));
        }
        Map<String, String> cfg = VenvFiles.pyvenvCfg(root);
        Optional<UvOutputParser.Interpreter> base = UvOutputParser.interpreter(created.stderr());
        String version = base.map(UvOutputParser.Interpreter::version).orElse(cfg.get("version_info"));
        if (version == null) {
            throw new EnvironmentCreationException("uv venv reported success, but neither its output nor " + root
                    + "/pyvenv.cfg gives the Python version; is " + created.command().get(0) + " really uv?"
                    + tail(created));
        }
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, VenvFiles.sitePackages(root, version, os),
                os);
        if (!Files.isRegularFile(layout.python())) {
            throw new EnvironmentCreationException("uv venv reported success but " + layout.python()
                    + " does not exist." + tail(created));
        }
        Optional<Path> basePath = base.flatMap(UvOutputParser.Interpreter::path).map(root::resolve);
        String described = basePath.map(Path::toString).orElseGet(() -> base.map(UvOutputParser.Interpreter::describe)
                .orElse("uv " + cfg.getOrDefault("uv", "") + ", Python " + version).strip());
        context.publish(new EnsureEvent.InterpreterFound(root, described, version));
        if (spec.includesPip()) {
            seedPip(spec, context, commands, layout, VenvFiles.bundledPip(cfg.get("home"), basePath, version, os));
        }
        return new CreatedEnvironment(layout, version, described);
    }

    private void seedPip(EnvironmentSpec spec, BackendContext context, UvCommands commands, EnvironmentLayout layout,
                         Optional<Path> bundled) {
        PackageIndexes indexes = bundled.isPresent() ? PackageIndexes.machineDefaults() : spec.indexes();
        List<String> command = bundled.map(dir -> commands.installPipFrom(layout.root(), dir)).orElseGet(() ->
                commands.install(layout.root(), List.of(Requirement.parse("pip")), null, indexes));
        ProcessResult result = pipInstall(context, commands, command, layout.root(), indexes);
        if (!result.isSuccess()) {
            throw new EnvironmentCreationException("Could not give " + layout.root() + " a pip ("
                    + bundled.map(d -> "from " + d).orElse("no bundled pip wheel was found, so from the indexes")
                    + "; exit code " + result.exitCode() + "). " + UvFailureAdvice.adviceFor(result)
                    + " Or build the environment without pip: EnvironmentSpec.Builder.pip(false)." + tail(result));
        }
    }

    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        if (step.requirements().isEmpty()) {
            return;
        }
        EnvironmentSpec spec = context.spec();
        UvCommands commands = commands(spec, context);
        Path constraints = step.constraints().isEmpty() ? null : constraintsFile(environment.root(), step);
        List<String> command = commands.install(environment.root(), step.requirements(), constraints, step.indexes(),
                step.installsDependencies(), step.reinstall(), spec.installerArguments());
        ProcessResult result = pipInstall(context, commands, command, environment.root(), step.indexes());
        if (!result.isSuccess()) {
            throw new InstallationException("uv pip install of " + step.requirements() + " (" + step.description()
                    + ")", result.command(), result.exitCode(), result.tail(), UvFailureAdvice.adviceFor(result),
                    UvFailureAdvice.reason(result));
        }
    }

    /**
     * Resolves the step without installing: the command {@link #install} would run, with {@code --dry-run}
     * ({@link UvCommands#resolve}), and what uv says it would install ({@link UvOutputParser#dryRun}). The dry run
     * reports no progress events, as it installs nothing.
     *
     * @param environment the environment
     * @param step what to resolve, pins applied
     * @param context the backend's context
     * @return the distributions uv would install, with their versions; empty when the dry run failed (the step's
     *     install then reports why) or its output is not understood
     */
    @Override
    public Optional<List<InstalledDistribution>> resolve(EnvironmentLayout environment, InstallStep step,
                                                         BackendContext context) {
        if (step.requirements().isEmpty()) {
            return Optional.of(List.of());
        }
        EnvironmentSpec spec = context.spec();
        UvCommands commands = commands(spec, context);
        Path constraints = step.constraints().isEmpty() ? null : constraintsFile(environment.root(), step);
        List<String> command = commands.resolve(environment.root(), step.requirements(), constraints, step.indexes(),
                step.installsDependencies(), step.reinstall(), spec.installerArguments());
        ProcessResult result = context.run(ProcessRequest.command(command)
                .environment(commands.environment(context.processEnvironment(), step.indexes()))
                .directory(environment.root()).timeout(spec.timeouts().install()).tailLines(20));
        return result.isSuccess() ? UvOutputParser.dryRun(result.stderr()) : Optional.empty();
    }

    /** Applies every installer argument but {@code --prefer-binary}; see {@link UvCommands#arguments}. */
    @Override
    public Optional<String> cannotApply(InstallerArgument argument) {
        return UvCommands.refusal(argument);
    }

    private static ProcessResult pipInstall(BackendContext context, UvCommands commands, List<String> command,
                                            Path root, PackageIndexes indexes) {
        return context.run(ProcessRequest.command(command)
                .environment(commands.environment(context.processEnvironment(), indexes)).directory(root)
                .timeout(context.spec().timeouts().install()).tailLines(60)
                .listener(new UvOutputParser(context.spec().location(), context::publish)));
    }

    /** Writes the constraints to a file in isoenv's own folder; a constraint may hold credentials in a URL. */
    private static Path constraintsFile(Path root, InstallStep step) {
        Path file = root.resolve(".isoenv").resolve("constraints.txt");
        StringBuilder lines = new StringBuilder();
        for (Requirement c : step.constraints()) {
            lines.append(c.installerArgument()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new dev.isoenv.EnvironmentStateException(
                    dev.isoenv.internal.io.FileProblems.describe("write the constraints file", file, e), e);
        }
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        if (distributions.isEmpty()) {
            return;
        }
        EnvironmentSpec spec = context.spec();
        UvCommands commands = commands(spec, context);
        ProcessResult result = context.run(ProcessRequest.command(commands.uninstall(environment.root(), distributions))
                .environment(commands.environment(context.processEnvironment(), PackageIndexes.machineDefaults()))
                .directory(environment.root()).timeout(spec.timeouts().install()));
        if (!result.isSuccess()) {
            throw new InstallationException("uv pip uninstall of " + distributions, result.command(),
                    result.exitCode(), result.tail(), UvFailureAdvice.adviceFor(result));
        }
    }

    /** Validates the options, finds uv and checks its version through the context; the commands for {@code spec}. */
    private UvCommands commands(EnvironmentSpec spec, BackendContext context) {
        UvOptions options = UvOptions.of(spec);
        UvLocator.Located found = locator.locate(options.uv(), context.processEnvironment());
        if (found.path() == null) {
            throw new BackendSelectionException("The uv backend cannot work: " + found.problem() + ".");
        }
        UvLocator.Result version = locator.version(found.path(), context::run,
                versionRequest(found.path(), context.processEnvironment(), spec.timeouts().probe()));
        if (version.problem() != null) {
            throw new BackendSelectionException("The uv backend cannot work: " + version.problem() + ".");
        }
        return new UvCommands(found.path(), os, spec, options);
    }

    private ProcessRequest.Builder versionRequest(Path uv, Map<String, String> env, Duration timeout) {
        return ProcessRequest.command(uv.toString(), "--version").environment(env).timeout(timeout);
    }

    private PythonNotFoundException pythonNotFound(EnvironmentSpec spec, ProcessResult result) {
        return new PythonNotFoundException("uv found no Python " + (spec.python().isDefault() ? "3"
                : spec.python().toString()) + " for " + spec.location() + ". " + (spec.allowsPythonDownloads()
                ? "uv may download a Python, but none fits the request either; check the version."
                : "Install that Python (uv python install " + UvCommands.request(spec.python()) + " does it), or allow"
                + " downloads with EnvironmentSpec.Builder.pythonDownloads(true).") + tail(result));
    }

    private static Path existingAncestor(Path location) {
        Path p = location.toAbsolutePath().normalize();
        while (p.getParent() != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p;
    }

    private static String tail(ProcessResult result) {
        return result.tail().isEmpty() ? "" : "\nLast output:\n  " + String.join("\n  ", result.tail());
    }
}
