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
import java.util.Collection;
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
        Path constraints = null;
        if (!step.constraints().isEmpty()) {
            constraints = environment.root().resolve(".isoenv").resolve("constraints.txt");
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
        }
        List<String> command = PipCommands.install(environment, step.requirements(), constraints,
                PipCommands.hasRawProgressBar(environment), spec.installerArguments());
        Map<String, String> env = PipCommands.environment(environment, step.indexes(),
                spec.inheritsMachineConfiguration(), context.processEnvironment());
        ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                .timeout(spec.timeouts().install()).tailLines(60)
                .listener(new PipProgressParser(spec.location(), context::publish)));
        if (!result.isSuccess()) {
            throw new InstallationException("pip install of " + step.requirements() + " (" + step.description() + ")",
                    result.command(), result.exitCode(), result.tail(), PipFailureAdvice.adviceFor(result));
        }
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
