package dev.isoenv.venv;

import com.google.auto.service.AutoService;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.InstallerArgument;
import dev.isoenv.IsoenvException;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.Requirement;
import dev.isoenv.venv.interpreter.InterpreterFinder;
import dev.isoenv.venv.interpreter.PythonInterpreter;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.Availability;
import dev.isoenv.internal.pip.PipRunner;
import dev.isoenv.internal.platform.TargetPlatform;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The stdlib venv + pip backend, named {@code venv}. It needs nothing but a CPython 3.8+ interpreter, so it is
 * available almost everywhere; faster backends such as uv have a higher priority.
 */
@AutoService(Installer.class)
public final class VenvInstaller implements Installer {
    /** The backend's name. */
    public static final String NAME = "venv";

    /** Unpacks pip while venv runs; daemon threads, so an idle pool never keeps a JVM alive. */
    private static final Executor SEEDER = Executors.newCachedThreadPool(runnable -> {
        Thread t = new Thread(runnable, "isoenv-pip-seeder");
        t.setDaemon(true);
        return t;
    });

    private final OperatingSystem os;

    /** Creates the backend for the current operating system; ServiceLoader calls this. */
    public VenvInstaller() {
        this(OperatingSystem.current());
    }

    VenvInstaller(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    /** Available when a {@code python3} or {@code python} file is on PATH, pyenv has versions, or Windows has py. */
    @Override
    public Availability availability() {
        Map<String, String> env = System.getenv();
        String path = os.variable(env, "PATH");
        if (path != null) {
            for (String dir : path.split(Pattern.quote(os.pathSeparator()))) {
                for (String name : new String[] {"python3", "python", "py"}) {
                    if (dir.isBlank() || (name.equals("py") && !os.isWindows())) {
                        continue;
                    }
                    try {
                        Path candidate = Path.of(dir, os.executableName(name));
                        if (Files.isRegularFile(candidate)) {
                            return Availability.available("found " + candidate + "; interpreters are checked when an"
                                    + " environment is created");
                        }
                    } catch (java.nio.file.InvalidPathException e) {
                        // An unusable PATH entry is skipped.
                    }
                }
            }
        }
        return Availability.unavailable("no python3, python" + (os.isWindows() ? " or py" : "") + " on PATH; install"
                + " CPython " + InterpreterFinder.MINIMUM_VERSION + " or newer");
    }

    /** Finds the requested interpreter, so that a rebuild for a Python that is not installed fails before it starts. */
    @Override
    public void prepare(EnvironmentSpec spec, BackendContext context) {
        interpreter(spec, context);
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        Path root = spec.location();
        PythonInterpreter interpreter = interpreter(spec, context);
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve(interpreter.venvPurelib()), os);
        context.publish(new EnsureEvent.InterpreterFound(root, interpreter.executable().toString(),
                interpreter.version()));
        // With pip asked for, it is unpacked from the interpreter's bundled wheel (much faster than ensurepip); where
        // there is no such wheel, venv runs ensurepip. Without pip, the environment has none.
        boolean seed = spec.includesPip() && PipSeeder.canSeed(interpreter, layout);

        List<String> command = new ArrayList<>(List.of(interpreter.executable().toString(), "-m", "venv"));
        if (seed || !spec.includesPip()) {
            command.add("--without-pip");
        }
        command.add(root.toString());
        // venv and the seeding write different files, so pip is copied while venv runs: from the compiled copy in
        // the user's cache, which the first creation with this pip and Python builds (one process, once).
        Optional<Path> compiled = seed ? CompiledPip.find(interpreter, os, context.processEnvironment())
                : Optional.empty();
        if (seed) {
            // The folders both write into exist before either starts: venv makes a folder only after checking that
            // it is missing, and a seeder fast enough to make it in between (linking pip is) would fail venv.
            try {
                Files.createDirectories(layout.sitePackages());
                Files.createDirectories(layout.scriptsDirectory());
            } catch (IOException e) {
                throw new EnvironmentCreationException("Could not create " + layout.sitePackages() + " and "
                        + layout.scriptsDirectory() + ": " + e + ". Check free disk space and permissions.", e);
            }
        }
        CompletableFuture<Void> seeding = seed ? CompletableFuture.runAsync(() -> {
            try {
                PipSeeder.seed(interpreter, layout, compiled.isPresent() ? compiled
                        : CompiledPip.build(interpreter, os, context, baseEnvironment(context),
                        spec.timeouts().create()), spec.usesSharedStore());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, SEEDER) : CompletableFuture.completedFuture(null);
        ProcessResult created;
        try {
            created = context.run(ProcessRequest.command(command).environment(baseEnvironment(context))
                    .timeout(spec.timeouts().create()));
        } finally {
            awaitQuietly(seeding);
        }
        if (!created.isSuccess()) {
            throw new EnvironmentCreationException("python -m venv failed for " + root + " with " + interpreter
                    + " (exit code " + created.exitCode() + "). On Debian and Ubuntu, install the python3-venv package"
                    + " for this Python (apt-get install python3-venv)." + tail(created));
        }
        try {
            seeding.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException ? e.getCause().getCause() : e.getCause();
            throw new EnvironmentCreationException("Could not give " + root + " a pip from " + interpreter.pipWheel()
                    .orElse(null) + ": " + cause + ". Check free disk space and permissions.", cause);
        }
        if (!Files.isRegularFile(layout.python())) {
            throw new EnvironmentCreationException("python -m venv reported success but " + layout.python()
                    + " does not exist. The interpreter " + interpreter + " may be broken.");
        }
        // The markers were read when the interpreter was checked; isoenv needs no process to read them again.
        return new CreatedEnvironment(layout, interpreter.version(), interpreter.executable().toString(),
                interpreter.markers());
    }

    /** Yes: pip installs into site-packages with a RECORD per distribution, and keeps what is installed. */
    @Override
    public boolean usesSharedStore() {
        return true;
    }

    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        PipRunner.install(environment, step, context);
    }

    /**
     * Installs from lock files too (pip with {@code --require-hashes}); refuses only conda packages, and a lock in an
     * environment without pip, which installs with the environment's pip.
     */
    @Override
    public Optional<String> cannotBuild(EnvironmentSpec spec) {
        Optional<TargetPlatform> target = TargetPlatform.of(spec).filter(t -> !t.isCurrent());
        if (target.isPresent()) {
            Optional<String> reason = cannotBuildFor(spec, target.get());
            if (reason.isPresent()) {
                return reason;
            }
        }
        if (spec.lockFile().isPresent() && !spec.includesPip()) {
            return Optional.of("it installs a lock file with the environment's pip, and the specification turns pip"
                    + " off (pip(false)); keep pip to install from a lock");
        }
        return spec.condaPackages().isEmpty() ? Optional.empty()
                : Optional.of("it cannot install conda packages (" + String.join(", ", spec.condaPackages()) + ")");
    }

    /**
     * What keeps this backend from building for another platform: another operating system (its interpreter layout
     * and the base interpreter are the target's, which this machine does not have), a lock file, or no pip.
     */
    private Optional<String> cannotBuildFor(EnvironmentSpec spec, TargetPlatform target) {
        String here = TargetPlatform.current().name();
        if (!target.sameOperatingSystem()) {
            return Optional.of("it builds for another CPU architecture of this operating system only, and "
                    + TargetPlatform.OPTION + " asks for " + target.name() + " on this " + here + " machine: an"
                    + " environment for another operating system needs that system's interpreter and layout; build"
                    + " it on a " + target.os() + " machine");
        }
        if (spec.lockFile().isPresent()) {
            return Optional.of("it does not install a lock file for another platform (" + target.name() + ") yet;"
                    + " install the lock on a " + target.name() + " machine, or give requirements instead");
        }
        if (!spec.includesPip()) {
            return Optional.of("it installs for another platform (" + target.name() + ") with the environment's"
                    + " pip, and the specification turns pip off (pip(false)); keep pip");
        }
        return Optional.empty();
    }

    /** Applies every installer argument: pip has each of them, in the same spelling. */
    @Override
    public Optional<String> cannotApply(InstallerArgument argument) {
        return Optional.empty();
    }

    @Override
    public java.util.Optional<java.util.List<dev.isoenv.InstalledDistribution>> resolve(EnvironmentLayout environment,
            InstallStep step, BackendContext context) {
        return PipRunner.resolve(environment, step, context);
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        PipRunner.uninstall(environment, distributions, context);
    }

    /**
     * Finds the base interpreter; results are cached per JVM, so prepare() and create() run it once, and on disk, so
     * that a new JVM does not run it at all while it is unchanged. This backend cannot download a Python: when the
     * specification allows downloads and none fits, the error says so.
     */
    private PythonInterpreter interpreter(EnvironmentSpec spec, BackendContext context) {
        try {
            return new InterpreterFinder(context.runner(), context.processEnvironment(), os, spec.timeouts().probe())
                    .find(spec.python());
        } catch (PythonNotFoundException e) {
            if (!spec.allowsPythonDownloads()) {
                throw e;
            }
            throw new PythonNotFoundException(e.getMessage() + "\nThe specification allows Python downloads, but the"
                    + " venv backend cannot download a Python: install it, or use the uv or conda backend, which can.",
                    e);
        }
    }

    /** The current variables without anything that would make the base interpreter use another environment. */
    private static Map<String, String> baseEnvironment(BackendContext context) {
        Map<String, String> env = new LinkedHashMap<>(context.processEnvironment());
        env.keySet().removeIf(k -> {
            String u = k.toUpperCase(Locale.ROOT);
            return u.equals("PYTHONHOME") || u.equals("PYTHONPATH") || u.equals("VIRTUAL_ENV") || u.equals("__PYVENV_LAUNCHER__");
        });
        return env;
    }

    private static void awaitQuietly(CompletableFuture<Void> future) {
        boolean interrupted = false;
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(ProcessResult result) {
        return result.tail().isEmpty() ? "" : "\nLast output:\n  " + String.join("\n  ", result.tail());
    }

    @Override
    public String toString() {
        return "VenvInstaller[" + os + "]";
    }
}
