package dev.isoenv.internal.ensure;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Availability;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link Installer} for tests of the engine that needs no Python and starts no process. {@code create()} makes
 * the directory with an empty file where the interpreter belongs (and pip's metadata when pip is asked for);
 * {@code install()} writes a {@code *.dist-info/METADATA}, with its {@code Requires-Dist}, for each requirement and
 * each of its dependencies, from a small in-memory index; {@code uninstall()} deletes them. Every call is recorded,
 * such as {@code "install app,lib"}.
 */
final class MemoryInstaller implements Installer {
    /** The marker environment create() reports: CPython 3.11 on x86-64 Linux. */
    static final Map<String, String> MARKERS = Map.of("python_version", "3.11", "python_full_version", "3.11.7",
            "sys_platform", "linux", "os_name", "posix", "platform_system", "Linux", "platform_machine", "x86_64",
            "implementation_name", "cpython", "platform_python_implementation", "CPython");
    static final String SITE_PACKAGES = "lib/python3.11/site-packages";

    private final String name;
    private final int priority;
    private final Map<String, Published> index = new HashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile RuntimeException nextInstallFailure;
    private volatile RuntimeException nextInstallFailureAfterwards;
    private volatile RuntimeException nextCreateFailure;
    private final Map<dev.isoenv.InstallerArgument.Kind, String> refused = new java.util.concurrent.ConcurrentHashMap<>();

    MemoryInstaller(String name, int priority) {
        this.name = name;
        this.priority = priority;
    }

    /** Adds a distribution to the index; {@code requires} are its Requires-Dist values, all installed with it. */
    MemoryInstaller publish(String distribution, String version, String... requires) {
        index.put(Requirement.normalize(distribution), new Published(distribution, version, List.of(requires)));
        return this;
    }

    /** Makes the next install() throw {@code failure} before it changes anything. */
    void failNextInstall(RuntimeException failure) {
        nextInstallFailure = failure;
    }

    /** Makes the next install() throw {@code failure} after it installed everything, as a failed check would. */
    void failNextInstallAfterwards(RuntimeException failure) {
        nextInstallFailureAfterwards = failure;
    }

    /** Makes the next create() throw {@code failure} after it made the directory. */
    void failNextCreate(RuntimeException failure) {
        nextCreateFailure = failure;
    }

    /** Makes cannotApply() refuse arguments of {@code kind}; every other argument is applied. */
    MemoryInstaller refuse(dev.isoenv.InstallerArgument.Kind kind, String reason) {
        refused.put(kind, reason);
        return this;
    }

    private volatile boolean acceptsLocks;

    /** Makes cannotBuild() accept lock files; install() then records a lock step as "install-locked ...". */
    MemoryInstaller acceptLocks() {
        acceptsLocks = true;
        return this;
    }

    @Override
    public java.util.Optional<String> cannotBuild(EnvironmentSpec spec) {
        return acceptsLocks && spec.condaPackages().isEmpty() ? java.util.Optional.empty()
                : Installer.super.cannotBuild(spec);
    }

    @Override
    public java.util.Optional<String> cannotApply(dev.isoenv.InstallerArgument argument) {
        return java.util.Optional.ofNullable(refused.get(argument.kind()));
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    void clearCalls() {
        calls.clear();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Availability availability() {
        return Availability.available("in memory");
    }

    @Override
    public void prepare(EnvironmentSpec spec, BackendContext context) {
        calls.add("prepare");
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        calls.add("create");
        Path root = spec.location();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve(SITE_PACKAGES),
                OperatingSystem.LINUX);
        try {
            Files.createDirectories(layout.sitePackages());
            Files.createDirectories(layout.python().getParent());
            Files.writeString(layout.python(), "");
            if (spec.includesPip()) {
                write(layout, new Published("pip", "24.0", List.of()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RuntimeException failure = nextCreateFailure;
        if (failure != null) {
            nextCreateFailure = null;
            throw failure;
        }
        String version = spec.python().version().map(v -> v + ".0").orElse("3.11.7");
        return new CreatedEnvironment(layout, version, "memory " + version, MARKERS);
    }

    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        if (step.requirements().isEmpty()) {
            // Nothing to install, as a real backend would start no process for it.
            return;
        }
        List<String> texts = new ArrayList<>();
        for (Requirement r : step.requirements()) {
            texts.add(r.toString());
        }
        calls.add((step.lockedPackages().isEmpty() ? "install " : "install-locked ") + String.join(",", texts) + (context.spec().installerArguments().isEmpty() ? ""
                : " " + context.spec().installerArguments())
                + (step.installsDependencies() || !step.lockedPackages().isEmpty() ? "" : " [no-deps]")
                + (step.reinstall().isEmpty() ? "" : " [reinstall=" + String.join(",", step.reinstall()) + "]"));
        RuntimeException failure = nextInstallFailure;
        if (failure != null) {
            nextInstallFailure = null;
            throw failure;
        }
        for (Requirement r : step.requirements()) {
            installWithDependencies(environment, r.normalizedName(), new TreeSet<>());
        }
        failure = nextInstallFailureAfterwards;
        if (failure != null) {
            nextInstallFailureAfterwards = null;
            throw failure;
        }
    }

    private void installWithDependencies(EnvironmentLayout environment, String distribution, TreeSet<String> done) {
        if (!done.add(distribution)) {
            return;
        }
        Published p = index.get(distribution);
        if (p == null) {
            throw new InstallationException("install of " + distribution, List.of("memory-install", distribution), 1,
                    List.of("No matching distribution found for " + distribution), "Publish it in the test's index.");
        }
        try {
            write(environment, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String dependency : p.requires) {
            installWithDependencies(environment, Requirement.parse(dependency).normalizedName(), done);
        }
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        calls.add("uninstall " + String.join(",", new TreeSet<>(distributions)));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(environment.sitePackages(), "*.dist-info")) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (distributions.contains(Requirement.normalize(file.substring(0, file.indexOf('-'))))) {
                    MoreFiles.deleteRecursively(entry, RecursiveDeleteOption.ALLOW_INSECURE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(EnvironmentLayout environment, Published p) throws IOException {
        StringBuilder metadata = new StringBuilder("Metadata-Version: 2.1\nName: ").append(p.name)
                .append("\nVersion: ").append(p.version).append('\n');
        for (String r : p.requires) {
            metadata.append("Requires-Dist: ").append(r).append('\n');
        }
        Path dir = environment.sitePackages().resolve(p.name.replace('-', '_') + "-" + p.version + ".dist-info");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("METADATA"), metadata.append('\n'));
    }

    /** One distribution in the index. */
    private static final class Published {
        final String name;
        final String version;
        final List<String> requires;

        Published(String name, String version, List<String> requires) {
            this.name = name;
            this.version = version;
            this.requires = requires;
        }
    }
}
