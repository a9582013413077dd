package dev.isoenv.conda;

import com.google.auto.service.AutoService;
import dev.isoenv.Availability;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.InstallerArgument;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.pip.PipRunner;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The conda backend, named {@code conda}, for micromamba, mamba or conda (found by {@link CondaLocator}): a conda
 * prefix whose Python, pip and conda packages come from the specification's channels, with Python requirements
 * installed by the prefix's own pip. Priority 50; chosen automatically only for a specification with conda packages.
 *
 * <ul>
 *   <li><b>Channels.</b> Only the specification's channels (conda-forge by default), with
 *       {@code --override-channels}; isoenv never accepts Anaconda's Terms of Service for the user. Channel URLs are
 *       on the tool's command line (conda has no variable for them), so a channel token
 *       ({@code https://conda.anaconda.org/t/TOKEN/...}) belongs in the tool's own configuration ({@code .condarc},
 *       {@code conda token set}), not in the specification; messages mask URL credentials.</li>
 *   <li><b>Python.</b> Always from the channels: {@code PythonRequest.interpreter(path)} is refused.</li>
 *   <li><b>Creating.</b> {@link #prepare} solves the environment with a dry run; the prefix is then marked
 *       ({@link CondaPrefix#mark}) and filled with {@code install -p}, never {@code create} ({@link CondaCommands}).</li>
 *   <li><b>Conda packages changed later.</b> Before each pip step, the conda packages and channels are compared with
 *       {@link CondaPrefix#APPLIED} and {@code conda-meta}; when they differ, {@code remove -p} then
 *       {@code install -p}, pinning the installed Python's major.minor; a transaction that changes it fails.</li>
 *   <li><b>pip.</b> Without pip ({@code pip(false)}) the tools do not add it, and Python requirements are refused.
 *       {@link #uninstall} leaves distributions that conda installed. Option {@code conda.path}: the tool.</li>
 * </ul>
 */
@AutoService(Installer.class)
public final class CondaInstaller implements Installer {
    /** The backend's name. */
    public static final String NAME = "conda";
    private static final Set<String> OPTIONS = Set.of(CondaLocator.OPTION);
    private static final System.Logger LOG = System.getLogger("dev.isoenv");

    private final OperatingSystem os;
    private final Supplier<Map<String, String>> machineEnvironment;
    private final UnaryOperator<String> systemProperties;
    private final Path systemRoot;
    private final Map<Path, String> versions = new ConcurrentHashMap<>();

    /** Creates the backend for the current operating system; ServiceLoader calls this. */
    public CondaInstaller() {
        this(OperatingSystem.current(), System::getenv, System::getProperty, Path.of("/"));
    }

    CondaInstaller(OperatingSystem os, Supplier<Map<String, String>> machineEnvironment,
                   UnaryOperator<String> systemProperties, Path systemRoot) {
        this.os = os;
        this.machineEnvironment = machineEnvironment;
        this.systemProperties = systemProperties;
        this.systemRoot = systemRoot;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    /** Available when a tool is found; no process starts. */
    @Override
    public Availability availability() {
        return availability(Optional.empty());
    }

    /** Like {@link #availability()}, but the spec's {@code conda.path} option names the tool to check first. */
    @Override
    public Availability availabilityFor(EnvironmentSpec spec) {
        return availability(options(spec));
    }

    private Availability availability(Optional<String> option) {
        CondaLocator.Result found = locator(machineEnvironment.get()).locate(option);
        return found.tool().map(t -> Availability.available("found " + t + "; it runs when an environment is created"))
                .orElseGet(() -> Availability.unavailable(found.problem()));
    }

    /** Refuses an exact interpreter, Python requirements without pip, and lock files, which it does not install yet. */
    @Override
    public Optional<String> cannotBuild(EnvironmentSpec spec) {
        Optional<String> target = dev.isoenv.internal.platform.TargetPlatform.refusal(spec);
        if (target.isPresent()) {
            return target;
        }
        if (spec.lockFile().isPresent()) {
            return Optional.of("it does not install from lock files (pylock.toml) yet; use the venv backend");
        }
        if (spec.python().interpreter().isPresent()) {
            return Optional.of("conda installs its own Python from the channels and cannot build on the interpreter "
                    + spec.python().interpreter().get() + "; request a version, such as python(\"3.12\"), instead");
        }
        if (!spec.includesPip() && !spec.requirements().isEmpty()) {
            return Optional.of("it installs Python requirements with the environment's pip, and the specification"
                    + " turns pip off (pip(false)); keep pip, or move the requirements to conda packages");
        }
        return Optional.empty();
    }

    @Override
    public boolean chosenAutomaticallyFor(EnvironmentSpec spec) {
        return !spec.condaPackages().isEmpty();
    }

    /** Runs {@code --version} and {@code create --dry-run} into a new path: a rebuild fails before any deletion. */
    @Override
    public void prepare(EnvironmentSpec spec, BackendContext context) {
        CondaTool tool = tool(spec, context, true);
        ProcessResult result = context.run(ProcessRequest.command(CondaCommands.version(tool))
                .environment(CondaCommands.environment(os, context.processEnvironment(), spec.includesPip()))
                .timeout(spec.timeouts().probe()));
        if (!result.isSuccess()) {
            throw new EnvironmentCreationException("The conda backend's tool, " + tool + ", does not run: "
                    + result.command() + " exited with code " + result.exitCode() + ". Repair or reinstall it, or"
                    + " point isoenv at another with -D" + CondaLocator.PROPERTY + " or the backend option "
                    + CondaLocator.OPTION + "." + (result.tail().isEmpty() ? ""
                    : "\nLast output:\n  " + String.join("\n  ", result.tail())));
        }
        String version = tool.describeVersion(result.stdout());
        versions.put(tool.executable(), version == null ? tool.toString() : version + " at " + tool.executable());
        Path root = spec.location().toAbsolutePath().normalize();
        Path dry = root.resolveSibling(root.getFileName() + ".isoenv-dry-run");
        List<String> specs = CondaCommands.specs(spec);
        ProcessResult solved = context.run(ProcessRequest.command(CondaCommands.dryRun(tool, dry, specs,
                        spec.condaChannels())).timeout(spec.timeouts().create()).tailLines(60)
                .environment(CondaCommands.environment(os, context.processEnvironment(), spec.includesPip())));
        if (!CondaFailureAdvice.succeeded(solved)) {
            throw CondaFailureAdvice.failure("Solving " + String.join(" ", specs) + " (a dry run)", solved, spec, true);
        }
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        CondaTool tool = tool(spec, context, true);
        Path root = spec.location().toAbsolutePath().normalize();
        CondaPrefix.mark(root);
        List<String> specs = CondaCommands.specs(spec);
        run(CondaCommands.install(tool, root, specs, spec.condaChannels()), root, spec.timeouts().create(), context,
                "Installing " + String.join(" ", specs) + " into " + root, true);
        CondaPrefix.Package python = CondaPrefix.installed(root).get("python");
        if (python == null || !spec.python().acceptsVersion(python.version())) {
            throw new EnvironmentCreationException(tool + " reported success but " + root + " holds "
                    + (python == null ? "no Python" : "Python " + python.version()) + " where " + spec.python()
                    + " was asked for. Check the specification's conda packages for another python.");
        }
        EnvironmentLayout layout = EnvironmentLayout.condaPrefix(root,
                CondaPrefix.sitePackages(root, os, python.version()), os);
        if (!Files.isRegularFile(layout.python())) {
            throw new EnvironmentCreationException(tool + " reported success but " + layout.python() + " does not"
                    + " exist. The environment is rebuilt on the next ensure().");
        }
        CondaPrefix.recordApplied(root, spec);
        String origin = context.mask(Redactor.maskUrlCredentials("python " + python.version() + " (build "
                + python.build() + ") from the conda channels " + String.join(", ", spec.condaChannels())
                + ", installed by " + versions.getOrDefault(tool.executable(), tool.toString())));
        context.publish(new EnsureEvent.InterpreterFound(root, origin, python.version()));
        return new CreatedEnvironment(layout, python.version(), origin);
    }

    /** Yes: pip installs into site-packages with a RECORD per distribution, and keeps what is installed. */
    @Override
    public boolean usesSharedStore() {
        return true;
    }

    /** Applies changed conda packages first (see the class description), then installs the step with pip. */
    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        EnvironmentSpec spec = context.spec();
        options(spec);
        if (!spec.includesPip() && !step.requirements().isEmpty()) {
            throw new InvalidSpecException("The conda backend installs Python requirements with the environment's pip,"
                    + " and " + environment.root() + " was built without pip (pip(false)): keep pip, or move "
                    + step.requirements() + " to conda packages.");
        }
        applyCondaPackages(environment.root(), context);
        PipRunner.install(environment, step, context);
    }

    /** Resolves with the environment's pip, once its conda packages are in place; nothing without pip. */
    @Override
    public java.util.Optional<java.util.List<dev.isoenv.InstalledDistribution>> resolve(EnvironmentLayout environment,
            InstallStep step, BackendContext context) {
        if (!context.spec().includesPip()) {
            return java.util.Optional.empty();
        }
        return PipRunner.resolve(environment, step, context);
    }

    /** Removes with pip; what conda installed ({@code INSTALLER}, else conda-meta's names) is left, and logged. */
    /**
     * Applies every installer argument to the Python requirements, which the environment's pip installs; pip has each
     * of them. They do not reach conda: conda packages are solved by conda from the channels.
     */
    @Override
    public Optional<String> cannotApply(InstallerArgument argument) {
        return Optional.empty();
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        options(context.spec());
        Set<String> conda = new TreeSet<>();
        CondaPrefix.installed(environment.root()).keySet().forEach(n -> conda.add(Requirement.normalize(n)));
        Map<String, String> installers = CondaPrefix.installers(environment.sitePackages());
        List<String> byPip = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String d : distributions) {
            String by = installers.get(Requirement.normalize(d));
            ("conda".equals(by) || (by == null && conda.contains(Requirement.normalize(d))) ? left : byPip).add(d);
        }
        if (!left.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "isoenv: leaving {0} in {1}: conda installed them; remove them from the"
                    + " specification's conda packages instead", left, environment.root());
        }
        PipRunner.uninstall(environment, byPip, context);
    }

    private void applyCondaPackages(Path root, BackendContext context) {
        EnvironmentSpec spec = context.spec();
        List<String> wanted = CondaPrefix.record(spec);
        Optional<List<String>> applied = CondaPrefix.applied(root);
        Map<String, CondaPrefix.Package> installed = CondaPrefix.installed(root);
        Set<String> wantedNames = names(spec.condaPackages(), "");
        boolean missing = !installed.keySet().containsAll(wantedNames);
        List<String> before = applied.orElse(List.of());
        if ((applied.isPresent() && before.equals(wanted) && !missing) || (before.isEmpty() && wantedNames.isEmpty())) {
            return;
        }
        CondaTool tool = tool(spec, context, false);
        CondaPrefix.Package python = installed.get("python");
        String minor = python == null ? null : CondaPrefix.minor(python.version());
        Set<String> removed = names(before, "package ");
        removed.removeAll(wantedNames);
        removed.removeAll(Set.of("python", "pip"));
        removed.retainAll(installed.keySet());
        if (!removed.isEmpty()) {
            String what = "Removing the conda packages " + removed + " from " + root;
            keepsPython(root, minor, what, run(CondaCommands.remove(tool, root, removed, spec.condaChannels()), root,
                    spec.timeouts().install(), context, what, false));
        }
        if (!wantedNames.isEmpty() || !removed.isEmpty()) {
            List<String> specs = CondaCommands.specs(spec, minor == null ? null : "python=" + minor);
            String what = "Installing the conda packages " + spec.condaPackages() + " into " + root;
            keepsPython(root, minor, what, run(CondaCommands.install(tool, root, specs, spec.condaChannels()), root,
                    spec.timeouts().install(), context, what, false));
        }
        CondaPrefix.recordApplied(root, spec);
    }

    /** Throws when a transaction replaced the Python that pip's packages were installed for. */
    private static void keepsPython(Path root, String minor, String what, ProcessResult result) {
        CondaPrefix.Package now = CondaPrefix.installed(root).get("python");
        if (minor != null && (now == null || !CondaPrefix.minor(now.version()).equals(minor))) {
            throw new InstallationException(what, result.command(), result.exitCode(), result.tail(), "It left "
                    + (now == null ? "no Python" : "Python " + now.version()) + " in " + root + ", which was built"
                    + " with Python " + minor + ": the packages pip installed there no longer match it. Choose conda"
                    + " packages that work with Python " + minor + ", or change the specification's Python so that"
                    + " the environment is rebuilt.");
        }
    }

    private static Set<String> names(List<String> lines, String prefix) {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                names.add(CondaCommands.packageName(line.substring(prefix.length())));
            }
        }
        return names;
    }

    private ProcessResult run(List<String> command, Path root, Duration timeout, BackendContext context, String what,
                              boolean creating) {
        EnvironmentSpec spec = context.spec();
        ProcessResult result = context.run(ProcessRequest.command(command).directory(root).timeout(timeout)
                .environment(CondaCommands.environment(os, context.processEnvironment(), spec.includesPip()))
                .tailLines(60));
        if (!CondaFailureAdvice.succeeded(result)) {
            throw CondaFailureAdvice.failure(what, result, spec, creating);
        }
        Object actions = CondaFailureAdvice.json(result.stdout()).map(m -> m.get("actions")).orElse(null);
        Object linked = actions instanceof Map ? ((Map<?, ?>) actions).get("LINK") : null;
        for (Object p : linked instanceof List ? (List<?>) linked : List.of()) {
            if (p instanceof Map && ((Map<?, ?>) p).get("name") instanceof String) {
                Object version = ((Map<?, ?>) p).get("version");
                context.publish(new EnsureEvent.PackageProgress(root, (String) ((Map<?, ?>) p).get("name"),
                        version instanceof String ? (String) version : "", EnsureEvent.PackageProgress.Phase.INSTALLED,
                        -1, -1));
            }
        }
        return result;
    }

    private CondaTool tool(EnvironmentSpec spec, BackendContext context, boolean creating) {
        Optional<String> option = options(spec);
        if (creating && spec.python().interpreter().isPresent()) {
            throw new InvalidSpecException("The conda backend " + cannotBuild(spec).orElse("") + ".");
        }
        CondaLocator.Result found = locator(context.processEnvironment()).locate(option);
        if (found.tool().isPresent()) {
            return found.tool().get();
        }
        String message = "The conda backend cannot work: " + found.problem() + ".";
        throw option.isPresent() ? new InvalidSpecException(message) : creating
                ? new EnvironmentCreationException(message) : new BackendSelectionException(message);
    }

    private static Optional<String> options(EnvironmentSpec spec) {
        for (String key : spec.backendOptions().keySet()) {
            if (key.startsWith(NAME + ".") && !OPTIONS.contains(key)) {
                throw new InvalidSpecException("The backend option " + key + " is unknown to the conda backend, which"
                        + " knows " + new TreeSet<>(OPTIONS) + " (" + CondaLocator.OPTION + ": the micromamba, mamba or"
                        + " conda executable, or a folder holding one).");
            }
        }
        return Optional.ofNullable(spec.backendOptions().get(CondaLocator.OPTION));
    }

    private CondaLocator locator(Map<String, String> environment) {
        return new CondaLocator(os, environment, systemProperties.apply(CondaLocator.PROPERTY), systemRoot);
    }

    @Override
    public String toString() {
        return "CondaInstaller[" + os + "]";
    }
}
