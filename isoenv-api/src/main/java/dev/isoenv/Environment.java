package dev.isoenv;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A private Python environment that {@link Isoenv#ensure(EnvironmentSpec)} has brought to its specification.
 *
 * <p>Commands run through {@link #run(List, RunOptions)} never go through a shell, and their executable is
 * looked up inside the environment first: {@code run("python", "-c", "...")} runs the environment's own
 * interpreter on every platform, never the host's.
 *
 * <p>isoenv implements this interface; applications use it and should not implement it, since methods may be added.
 */
public interface Environment {
    /**
     * Returns the environment's directory.
     *
     * @return the root directory
     */
    Path root();

    /**
     * Returns the environment's Python executable ({@code bin/python} or {@code Scripts\python.exe}).
     *
     * @return the interpreter
     */
    Path python();

    /**
     * Returns the directory that holds the environment's console scripts ({@code bin} or {@code Scripts}).
     *
     * @return the scripts directory
     */
    Path scriptsDirectory();

    /**
     * Returns the name of the backend that built the environment, such as {@code "venv"}.
     *
     * @return the backend name
     */
    String backend();

    /**
     * Returns the specification the environment satisfies.
     *
     * @return the specification
     */
    EnvironmentSpec spec();

    /**
     * Returns how the environment was installed, in words: which install steps, and why an install planner chose
     * what it chose, such as the PyTorch variant for this machine's GPU and why each other variant was refused.
     *
     * @return the explanation, with credentials masked
     */
    String explanation();

    /**
     * Returns what the install planners chose for this machine, such as {@code torch.variant=cu126} and
     * {@code torch.index=https://download.pytorch.org/whl/cu126}; empty for a plain install.
     *
     * @return the choices, sorted by key
     */
    Map<String, String> choices();

    /**
     * Returns the variables for running a tool inside the environment: the current process's variables with
     * the environment activated ({@code VIRTUAL_ENV} set, its scripts directory first on {@code PATH}) and
     * with {@code PYTHONHOME}, {@code PYTHONPATH} and any inherited {@code VIRTUAL_ENV} or
     * {@code CONDA_PREFIX} removed.
     *
     * <p>The rule: variables that send Python or pip outside the environment are always removed
     * ({@code PYTHONHOME}, {@code PYTHONPATH}, {@code PYTHONUSERBASE}, {@code PYTHONEXECUTABLE}, {@code PIP_TARGET},
     * {@code PIP_PREFIX}, {@code PIP_ROOT}, {@code PIP_USER}). For a hermetic specification
     * ({@code inheritMachineConfiguration(false)}) every {@code PIP_*} and {@code UV_*} variable and
     * {@code PYTHONSTARTUP} are removed too; otherwise pip and uv configuration (indexes, caches, proxies) is kept.
     * Variables given in {@link RunOptions} are applied afterwards. Last, every process isoenv starts gets
     * {@code ISOENV_PROCESS_TOKEN}, a marker its descendants inherit, by which isoenv finds and ends them on a
     * timeout or an interrupt.
     *
     * @return an unmodifiable map of variables
     */
    Map<String, String> environmentVariables();

    /**
     * Finds an executable the way {@link #run} does: {@code python} and its versioned names mean the
     * environment's interpreter; other names are looked up in the environment's directories first, then on
     * the environment's {@code PATH}.
     *
     * @param command a bare command name or a path
     * @return the absolute executable, if it was found
     */
    Optional<Path> findExecutable(String command);

    /**
     * Runs a command inside the environment with default options and waits for it.
     *
     * @param command the command and its arguments; each argument is passed as it is, without a shell
     * @return the result, whatever the exit code
     * @throws CommandNotFoundException if the executable cannot be found, or is a Windows batch file ({@code .bat},
     *     {@code .cmd})
     */
    default RunResult run(String... command) {
        return run(List.of(command), RunOptions.defaults());
    }

    /**
     * Runs a command inside the environment and waits for it, streaming its output to the options' listener.
     *
     * @param command the command and its arguments; each argument is passed as it is, without a shell
     * @param options timeout, directory, variables, listener, standard input and where the output goes
     * @return the result, whatever the exit code
     * @throws CommandNotFoundException if the executable cannot be found, or is a Windows batch file ({@code .bat},
     *     {@code .cmd}), which Windows would start through {@code cmd.exe}
     * @throws ProcessStartException if the process could not be started, such as when the options' standard input
     *     file or working directory is not there (checked before the start; the message names the option)
     * @throws ProcessTimeoutException if the timeout passed; the whole process tree was killed
     */
    RunResult run(List<String> command, RunOptions options);

    /**
     * Returns a {@link ProcessBuilder} for a command inside the environment, for callers who manage the process
     * themselves: its executable is already resolved the way {@link #run} resolves it, to an absolute path inside the
     * environment (or on the environment's {@code PATH}), and its variables are exactly
     * {@link #environmentVariables()}. Redirects, the working directory and the start are the caller's; isoenv does
     * not track, time out or kill such a process.
     *
     * <p><b>The bare-name trap.</b> Do not build the process yourself with a bare name:
     * <pre>{@code
     * ProcessBuilder wrong = new ProcessBuilder("python", "-c", "import sys; print(sys.prefix)");
     * wrong.environment().putAll(env.environmentVariables());   // still runs the HOST's python
     * }</pre>
     * Java looks a bare command up on the JVM's own {@code PATH}, not on the {@code PATH} given to the child, so the
     * host's interpreter runs, with the environment's variables, and sees none of its packages. This method resolves
     * the name first:
     * <pre>{@code
     * Process p = env.processBuilder("python", "-c", "import sys; print(sys.prefix)")
     *         .redirectErrorStream(true)
     *         .start();                                      // the environment's python
     * }</pre>
     *
     * <p><b>Batch files.</b> On Windows a {@code .bat} or {@code .cmd} file is refused: Windows starts it through
     * {@code cmd.exe}, which would read the arguments as shell syntax. Call the tool's {@code .exe}, or
     * {@code python -m} its module.
     *
     * @param command the executable (a bare name such as {@code python} or a tool's console script, or a path) and
     *     its arguments, each passed as it is, without a shell
     * @return a new builder, not started
     * @throws CommandNotFoundException if the executable cannot be found, or is a Windows batch file ({@code .bat},
     *     {@code .cmd})
     * @throws IllegalArgumentException if the command is empty
     */
    default ProcessBuilder processBuilder(String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("A command needs at least an executable");
        }
        List<String> full = new java.util.ArrayList<>(List.of(command));
        Path executable = findExecutable(command[0]).orElseThrow(() -> new CommandNotFoundException("Command '"
                + command[0] + "' was not found in " + scriptsDirectory() + " or on the PATH of the environment at "
                + root() + ". Add the package that provides it to the requirements, or give its absolute path."));
        dev.isoenv.internal.process.Executables.refuseBatchFile(dev.isoenv.spi.OperatingSystem.current(), command[0],
                executable);
        full.set(0, executable.toString());
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().clear();
        builder.environment().putAll(environmentVariables());
        return builder;
    }

    /**
     * Writes the environment as a lock file in the format of PEP 751, which {@link EnvironmentSpec.Builder#lockFile}
     * installs again exactly, here or elsewhere, and which other tools (uv, pip 25.1 and newer) read too.
     *
     * <p>The lock holds the distributions isoenv installed for the requirements and their dependencies (not the pip
     * every environment gets), each with its exact version and the URL and hashes of the file it was installed from.
     * Those come from the installation report that pip 22.2 and newer writes at each install, which isoenv keeps in the
     * environment's state folder; URLs are written without credentials. A distribution whose file is unknown (the uv
     * backend, an older pip) is written with its name and version only and listed under {@code [tool.isoenv]}: the
     * returned lock shows it as a package without {@linkplain PackageLock.Package#artifacts() artifacts}, a warning is
     * logged, and installing that lock fails with a message naming it, rather than install something unchecked.
     * {@code requires-python} is the environment's Python version ({@code ==3.11.*}); when a wheel is for one
     * platform only, {@code environments} names this one.
     *
     * <p>It reads the environment under its lock, the one {@code ensure()} takes, so that no {@code ensure()} of
     * another thread or process changes it half-way through; it waits for another holder up to the specification's
     * {@link Timeouts#lock()}. A thread that holds the lock itself ({@link Isoenv#lock}) exports without waiting.
     *
     * <pre>{@code
     * Environment env = Isoenv.ensure(spec);
     * env.exportLockFile(Path.of("pylock.toml"));
     * // later, or on another machine of the same platform:
     * Isoenv.ensure(EnvironmentSpec.builder(Path.of("envs/copy")).python("3.11")
     *         .lockFile(Path.of("pylock.toml")).build());
     * }</pre>
     *
     * @param file where to write, named {@code pylock.toml} or {@code pylock.NAME.toml} as PEP 751 asks; replaced if
     *     it exists
     * @return the lock as written, read back
     * @throws InvalidSpecException if the file name is not such a name
     * @throws EnvironmentStateException if the environment's last install did not finish, or the file cannot be
     *     written
     * @throws LockTimeoutException if another thread or process held the environment's lock for longer than the
     *     specification's lock timeout
     */
    default PackageLock exportLockFile(Path file) {
        java.util.Objects.requireNonNull(file, "file");
        return dev.isoenv.internal.ensure.EnvironmentAdministration.exportLockFile(this, file);
    }

    /**
     * Writes the environment to a {@code .tar.gz} or {@code .zip} archive that {@link Isoenv#unpack(Path, Path)} makes
     * a working environment of elsewhere, on a machine of the same platform: to ship it to cluster workers (Spark's
     * {@code --archives}, Ray), or to build once and run many times.
     *
     * <p>The archive holds the environment's files (hard links of the shared store as ordinary files), its PEP 751 lock
     * ({@code pylock.toml}, as {@link #exportLockFile} writes it) and a manifest ({@code isoenv-pack.json}): the isoenv
     * version, the requirements, the Python version, the base interpreter, the platform, the planners' choices (the
     * PyTorch variant), and a SHA-256 of everything else, which unpacking checks. Entries are sorted, with fixed
     * timestamps and owners, so the same environment gives the same bytes. Console scripts are rewritten to run the
     * {@code python} beside them wherever the environment is unpacked, and no text file keeps the environment's path.
     *
     * <p><b>The interpreter is not in the archive</b> (see {@link #pack(Path, PackOptions)} to bundle it). A virtual
     * environment runs on its base Python ({@link EnvironmentArchive#baseInterpreter()}), which every machine that
     * unpacks the archive needs at the same path. Unpacking refuses an archive whose base interpreter is missing,
     * naming it; where another tool unpacked it (Spark's or Ray's own tar), its console scripts say so, naming the
     * interpreter and its version, and exit with status 127. A conda prefix (the conda backend) holds its own
     * interpreter, so its archive bundles it and names no base interpreter; the binary files
     * that name the prefix (conda's records list them, and packing scans for them) go in as they are, and unpacking
     * writes the new location over the old one inside them as conda does, which needs a location whose path is not
     * longer than the one the environment was built at (not on Windows, where they are listed as not rewritten).
     *
     * <p><b>The format</b> follows the name's ending: {@code .tar.gz} or {@code .tgz} for a gzip-compressed POSIX tar,
     * {@code .zip} for a zip (ZIP64 where sizes need it) whose entries carry their Unix mode and, for a symbolic link,
     * its Unix link type in the external attributes, with the same order, fixed timestamps (1980-01-01 00:00) and
     * same bytes for the same environment. Unpackers that do not restore links (Hadoop's {@code FileUtil.unZip}
     * behind Spark's {@code --archives}, Ray's runtime_env, Python's {@code zipfile}) write a link as a small file
     * holding its target, and a virtual environment's {@code bin/python} is such a link: ship a {@code .tar.gz} to
     * them, or unpack the zip with {@link Isoenv#unpack(Path, Path)}.
     *
     * <p>It reads the environment under its lock, as {@link #exportLockFile} does. The archive is written beside its
     * final name and moved there when complete.
     *
     * <pre>{@code
     * EnvironmentArchive packed = Isoenv.ensure(spec).pack(Path.of("tool-env.tar.gz"));
     * // on a worker of the same platform, with the same base Python:
     * Environment env = Isoenv.unpack(Path.of("tool-env.tar.gz"), Path.of("/scratch/tool-env"));
     * env.run("tool", "--help").requireSuccess();
     * }</pre>
     *
     * @param archive the file to write, named {@code .tar.gz}, {@code .tgz} or {@code .zip}; replaced if it exists
     * @return what was written, as the manifest describes it
     * @throws InvalidSpecException if the name does not end with {@code .tar.gz}, {@code .tgz} or {@code .zip}, or the
     *     archive would be inside the environment
     * @throws EnvironmentStateException if the environment's last install did not finish, or the archive cannot be
     *     written
     * @throws LockTimeoutException if another thread or process held the environment's lock for longer than the
     *     specification's lock timeout
     */
    default EnvironmentArchive pack(Path archive) {
        return pack(archive, PackOptions.defaults());
    }

    /**
     * Writes the environment to an archive as {@link #pack(Path)} does, with options.
     *
     * <p>With {@link PackOptions.Builder#bundleInterpreter(boolean) bundleInterpreter(true)} the archive is not a
     * virtual environment but a whole Python installation: the base installation's files (without the packages of
     * its own {@code site-packages}, its test suite {@code lib/python3.X/test} and its static library
     * {@code libpython3.X.a}), with the environment's packages in its {@code site-packages}, its console scripts made
     * relocatable, and no {@code pyvenv.cfg}. Python finds its prefix from where its executable is (the landmark
     * {@code lib/python3.X/os.py}), so the archive runs wherever any {@code tar} unpacks it, on a machine that has no
     * Python; {@code sys.prefix} is the unpacked folder. On Linux a run path ({@code DT_RUNPATH}, {@code DT_RPATH}) that
     * names the base installation in its executables and libraries is written relative ({@code $ORIGIN/../lib}), as
     * standalone and conda Pythons have it. The base must be a dedicated installation: a standalone CPython (such as
     * {@code uv python install}'s or python-build-standalone's), a conda Python, or a pyenv one; a system Python
     * ({@code /usr}, {@code /usr/local}, {@code /opt/homebrew}), one that links libraries by absolute paths outside
     * itself, or one that packing cannot make relative is refused. The manifest says {@code "bundled": true} and
     * {@link EnvironmentArchive#baseInterpreter()} is empty, as for a conda prefix, which always carries its
     * interpreter (for it the option changes nothing). {@link Isoenv#unpack(Path, Path)} makes an environment of the
     * archive whose {@link #python()} is the bundled interpreter.
     *
     * @param archive the file to write, named {@code .tar.gz}, {@code .tgz} or {@code .zip}; replaced if it exists
     * @param options how to pack: {@link PackOptions#defaults()} is what {@link #pack(Path)} does
     * @return what was written, as the manifest describes it
     * @throws InvalidSpecException if the name does not end with {@code .tar.gz}, {@code .tgz} or {@code .zip}, or the
     *     archive would be inside the environment
     * @throws PythonNotFoundException if the interpreter is to be bundled and its base installation cannot be: a
     *     system Python, one that is not a dedicated installation, or one whose libraries name absolute paths that
     *     cannot be made relative; the message says which and what to use instead
     * @throws EnvironmentStateException if the environment's last install did not finish, or the archive cannot be
     *     written
     * @throws LockTimeoutException if another thread or process held the environment's lock for longer than the
     *     specification's lock timeout
     */
    default EnvironmentArchive pack(Path archive, PackOptions options) {
        java.util.Objects.requireNonNull(archive, "archive");
        java.util.Objects.requireNonNull(options, "options");
        return dev.isoenv.internal.ensure.EnvironmentPacking.pack(this, archive, options);
    }

    /**
     * Lists the distributions installed in the environment, read from their metadata on disk without starting
     * a process.
     *
     * @return the installed distributions, sorted by normalized name
     */
    List<InstalledDistribution> installedDistributions();

    /**
     * Finds one installed distribution by name.
     *
     * @param name a distribution name, compared after PEP 503 normalization
     * @return the distribution, if it is installed
     */
    default Optional<InstalledDistribution> installedDistribution(String name) {
        String normalized = Requirement.normalize(name);
        return installedDistributions().stream().filter(d -> d.normalizedName().equals(normalized)).findFirst();
    }
}
