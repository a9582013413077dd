package dev.isoenv.internal.pip;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.internal.json.JsonReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;
import java.util.List;
import java.util.Map;

/**
 * Installs and removes distributions with the environment's own {@code python -m pip}, for every backend whose
 * environments hold pip (venv, conda): the command lines of {@link PipCommands}, the index rules of the
 * specification, progress events from {@link PipProgressParser}, and typed errors with {@link PipFailureAdvice}.
 */
public final class PipRunner {
    private PipRunner() {
    }

    /**
     * Installs one step's requirements, resolved together, with its constraints and indexes.
     *
     * @param environment the environment
     * @param step what to install
     * @param context the backend's context
     * @throws InstallationException if pip fails; the message has pip's last lines and what to do
     */
    public static void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        if (step.requirements().isEmpty()) {
            return;
        }
        EnvironmentSpec spec = context.spec();
        Path constraints = writeConstraints(environment, step);
        List<String> command = PipCommands.install(environment, step.requirements(), constraints,
                PipCommands.hasRawProgressBar(environment), step.installsDependencies(), !step.reinstall().isEmpty(),
                spec.installerArguments());
        Map<String, String> env = PipCommands.environment(environment, step.indexes(),
                spec.inheritsMachineConfiguration(), context.processEnvironment());
        ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                .timeout(spec.timeouts().install()).tailLines(60)
                .listener(new PipProgressParser(spec.location(), context::publish)));
        if (!result.isSuccess()) {
            InstallationException.Reason reason = PipFailureAdvice.classify(result);
            throw new InstallationException("pip install of " + step.requirements() + " (" + step.description() + ")",
                    result.command(), result.exitCode(), result.tail(), PipFailureAdvice.adviceFor(reason), reason);
        }
    }

    /**
     * Resolves one step without installing anything, with pip's {@code --dry-run --report}: what pip would install.
     *
     * @param environment the environment
     * @param step what to resolve, pins applied
     * @param context the backend's context
     * @return the distributions pip would install, with their versions; empty if pip cannot tell (older than 22.2)
     *     or the resolution failed
     */
    public static Optional<List<InstalledDistribution>> resolve(EnvironmentLayout environment, InstallStep step,
                                                                BackendContext context) {
        if (step.requirements().isEmpty()) {
            return Optional.of(List.of());
        }
        EnvironmentSpec spec = context.spec();
        Path constraints = writeConstraints(environment, step);
        Path report = environment.root().resolve(".isoenv").resolve("resolution.json");
        try {
            Files.deleteIfExists(report);
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> command = PipCommands.resolve(environment, step.requirements(), constraints, report);
        Map<String, String> env = PipCommands.environment(environment, step.indexes(),
                spec.inheritsMachineConfiguration(), context.processEnvironment());
        ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                .timeout(spec.timeouts().install()).tailLines(20));
        try {
            if (!result.isSuccess() || !Files.isRegularFile(report)) {
                return Optional.empty();
            }
            return Optional.of(readReport(Files.readString(report, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        } finally {
            try {
                Files.deleteIfExists(report);
            } catch (IOException e) {
                // Left for the next resolution, which replaces it.
            }
        }
    }

    /** Reads the names and versions of pip's installation report ({@code install[].metadata}). */
    static List<InstalledDistribution> readReport(String json) {
        Map<String, Object> report = JsonReader.parseObject(json);
        Object install = report.get("install");
        List<InstalledDistribution> out = new ArrayList<>();
        if (!(install instanceof List)) {
            return out;
        }
        for (Object item : (List<?>) install) {
            if (item instanceof Map) {
                Object metadata = ((Map<?, ?>) item).get("metadata");
                if (metadata instanceof Map) {
                    Object name = ((Map<?, ?>) metadata).get("name");
                    Object version = ((Map<?, ?>) metadata).get("version");
                    if (name instanceof String && version instanceof String) {
                        out.add(InstalledDistribution.of((String) name, (String) version));
                    }
                }
            }
        }
        return out;
    }

    private static Path writeConstraints(EnvironmentLayout environment, InstallStep step) {
        if (step.constraints().isEmpty()) {
            return null;
        }
        Path constraints = environment.root().resolve(".isoenv").resolve("constraints.txt");
        StringBuilder lines = new StringBuilder();
        for (Requirement c : step.constraints()) {
            lines.append(c.installerArgument()).append('\n');
        }
        try {
            Files.createDirectories(constraints.getParent());
            Files.writeString(constraints, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("write the constraints file", constraints,
                    e), e);
        }
        return constraints;
    }

    /**
     * Removes distributions.
     *
     * @param environment the environment
     * @param distributions normalized names
     * @param context the backend's context
     * @throws InstallationException if pip fails
     */
    public static void uninstall(EnvironmentLayout environment, Collection<String> distributions,
                                 BackendContext context) {
        if (distributions.isEmpty()) {
            return;
        }
        List<String> command = PipCommands.uninstall(environment, distributions);
        Map<String, String> env = PipCommands.environment(environment, PackageIndexes.machineDefaults(),
                context.spec().inheritsMachineConfiguration(), context.processEnvironment());
        ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                .timeout(context.spec().timeouts().install()));
        if (!result.isSuccess()) {
            throw new InstallationException("pip uninstall of " + distributions, result.command(), result.exitCode(),
                    result.tail(), "Removing distributions that are no longer required failed; see pip's output.");
        }
    }
}
