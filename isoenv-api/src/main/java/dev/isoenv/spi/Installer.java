package dev.isoenv.spi;

import dev.isoenv.Availability;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.internal.metadata.DistributionScanner;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A backend that builds environments and installs packages into them: stdlib venv with pip, uv, conda, or a
 * custom one. Implementations are found with {@link java.util.ServiceLoader}: register with
 * {@code @AutoService(Installer.class)} and with {@code provides dev.isoenv.spi.Installer with ...} in
 * module-info. They need a public no-argument constructor and must be thread-safe.
 *
 * <p>isoenv calls an installer while it holds the environment's lock, and records success only after every
 * call returned normally: a method that fails must throw, never return quietly.
 */
public interface Installer {
    /**
     * Returns the backend's short name, such as {@code "venv"}, by which users ask for it.
     *
     * @return the name, lower case
     */
    String name();

    /**
     * Returns the priority in automatic selection; the available backend with the highest priority wins.
     * The built-in backends use venv 100, conda 50 and uv 200.
     *
     * @return the priority
     */
    default int priority() {
        return 0;
    }

    /**
     * Tells cheaply whether this backend can work on this machine, and why not.
     *
     * @return the availability, with a reason
     */
    Availability availability();

    /**
     * Tells whether this backend can work for {@code spec}, which may name the backend's tool in a backend option
     * (such as {@code uv.path}). Selection asks this when it has a specification; the default is
     * {@link #availability()}.
     *
     * @param spec the specification
     * @return the availability, with a reason
     */
    default Availability availabilityFor(EnvironmentSpec spec) {
        return availability();
    }

    /**
     * Tells whether this backend cannot build {@code spec} at all, and why: for example because the specification
     * asks for conda packages and this backend installs only Python packages, or because it is installed from a lock
     * file and this backend cannot install one (see {@link InstallStep#lockedPackages()}); the default refuses both. A
     * backend named for such a specification is refused with the reason; automatic selection passes it over.
     *
     * @param spec the specification
     * @return the reason, or empty when the backend can build it
     */
    default Optional<String> cannotBuild(EnvironmentSpec spec) {
        // A backend never builds for another platform (target.platform) silently; one that can overrides this.
        Optional<String> target = dev.isoenv.internal.platform.TargetPlatform.refusal(spec);
        if (target.isPresent()) {
            return target;
        }
        if (spec.lockFile().isPresent()) {
            return Optional.of("it does not install from lock files (pylock.toml)");
        }
        return spec.condaPackages().isEmpty() ? Optional.empty()
                : Optional.of("it cannot install conda packages (" + String.join(", ", spec.condaPackages()) + ")");
    }

    /**
     * Tells whether this backend cannot apply an extra installer argument of the specification, and why. isoenv asks
     * this for each of {@link EnvironmentSpec#installerArguments()} when it selects a backend: a backend named for a
     * specification with an argument it refuses is refused with the reason, and automatic selection passes it over,
     * before anything is changed. A backend that applies an argument passes it to its installer in its own spelling in
     * every {@link #install}. The default refuses every argument, so that a backend written before installer arguments
     * existed never ignores one silently.
     *
     * <p>Refuse every {@link dev.isoenv.InstallerArgument.Kind} this backend does not know: more kinds may be added in
     * later versions, and a backend that accepted one it then dropped would install something other than what the
     * specification asks, silently. A backend that hands its installer pip's own spelling
     * ({@link dev.isoenv.InstallerArgument#commandLineArgument()}) to a pip knows every kind.
     * <pre>{@code
     * public Optional<String> cannotApply(InstallerArgument argument) {
     *     switch (argument.kind()) {
     *         case PRE:
     *         case ONLY_BINARY:
     *             return Optional.empty();   // mapped in install()
     *         default:
     *             return Optional.of("the backend 'mine' does not apply " + argument.kind().option());
     *     }
     * }
     * }</pre>
     *
     * @param argument one of the specification's installer arguments
     * @return the reason, or empty when the backend applies it
     */
    default Optional<String> cannotApply(dev.isoenv.InstallerArgument argument) {
        return Optional.of("the backend '" + name() + "' does not apply installer arguments");
    }

    /**
     * Tells whether automatic selection may choose this backend for {@code spec}, when no backend was named. The
     * default is yes; the conda backend answers yes only for a specification with conda packages, so that adding its
     * jar never moves plain Python environments to conda.
     *
     * @param spec the specification
     * @return true if automatic selection may choose it
     */
    default boolean chosenAutomaticallyFor(EnvironmentSpec spec) {
        return true;
    }

    /**
     * Checks, before isoenv deletes or changes anything, that an environment for {@code spec} can be created: the
     * requested interpreter exists, the backend's tool runs. isoenv calls it before rebuilding an environment, so
     * that a rebuild that cannot succeed (a Python that is not installed, a typo in its version) fails while the
     * old environment still works. The default checks nothing.
     *
     * @param spec the specification
     * @param context the runner, listener and variables to use
     * @throws dev.isoenv.IsoenvException (a typed subclass) if creation would fail
     */
    default void prepare(EnvironmentSpec spec, BackendContext context) {
    }

    /**
     * Creates an empty environment at {@code spec.location()}, which does not exist or is empty, with the
     * requested Python. The contract is that the environment's Python runs; when {@link EnvironmentSpec#includesPip()}
     * is true (the default) it also has a working pip ({@code python -m pip} and the {@code pip} scripts), which
     * each backend provides in its own way (venv from the interpreter's bundled wheel, uv with {@code --seed},
     * conda with the pip package). A backend that cannot honour the option throws
     * {@link dev.isoenv.InvalidSpecException} saying so. isoenv itself never needs pip inside the environment.
     *
     * <p>The backend should publish {@link dev.isoenv.EnsureEvent.InterpreterFound} through the context, and return
     * the interpreter's PEP 508 marker variables in {@link CreatedEnvironment} when it reads them anyway.
     *
     * @param spec the specification
     * @param context the runner, listener and variables to use
     * @return what was created
     */
    CreatedEnvironment create(EnvironmentSpec spec, BackendContext context);

    /**
     * Installs one step's requirements, resolved together, honouring its constraints and indexes, whether it
     * installs dependencies ({@link InstallStep#installsDependencies()}) and what it must install again
     * ({@link InstallStep#reinstall()}). A failure is an {@link dev.isoenv.InstallationException} whose
     * {@linkplain dev.isoenv.InstallationException#reason() reason} tells an unreachable index from a conflict.
     *
     * @param environment the environment
     * @param step what to install
     * @param context the runner, listener and variables to use
     */
    void install(EnvironmentLayout environment, InstallStep step, BackendContext context);

    /**
     * Removes distributions.
     *
     * @param environment the environment
     * @param distributions normalized distribution names
     * @param context the runner, listener and variables to use
     */
    void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context);

    /**
     * Tells what installing {@code step} would install or change, without changing the environment: the
     * distributions its resolution picks that are not installed in those versions. isoenv uses it to route
     * distributions that arrive only as dependencies, such as a torchvision that timm needs, to the index that must
     * provide them ({@link InstallStep#router()}).
     *
     * @param environment the environment
     * @param step the step to resolve, its pins already applied
     * @param context the backend's context
     * @return the distributions, each with the version the resolution picked; empty when this backend cannot tell
     *     or the resolution failed (the step's own install then reports the failure)
     */
    default Optional<List<InstalledDistribution>> resolve(EnvironmentLayout environment, InstallStep step,
                                                          BackendContext context) {
        return Optional.empty();
    }

    /**
     * Tells whether isoenv may fill this backend's environments from its shared store of installed distributions
     * ({@link dev.isoenv.EnvironmentSpec#usesSharedStore()}): linking the files of a distribution another
     * environment holds into site-packages before {@link #install} runs, and adding what {@code install} put in
     * place to the store afterwards. Say yes only when {@code install} leaves a distribution that is already
     * present, in the version asked for, as it is, and installs into {@link EnvironmentLayout#sitePackages()} with
     * a {@code RECORD} per distribution, as pip does. The default is no; a backend with a cache of its own (uv) says
     * no.
     *
     * @return true if the shared store may serve this backend
     */
    default boolean usesSharedStore() {
        return false;
    }

    /**
     * Lists installed distributions. The default reads metadata from site-packages without a process.
     *
     * @param environment the environment
     * @return the installed distributions
     */
    default List<InstalledDistribution> list(EnvironmentLayout environment) {
        return DistributionScanner.scan(environment.sitePackages());
    }
}
