package dev.isoenv.internal.pip;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.HashMismatchException;
import dev.isoenv.PackageLock;
import dev.isoenv.internal.lock.ArtifactRecord;
import dev.isoenv.internal.platform.TargetPlatform;
import dev.isoenv.internal.lock.LockSelection;
import java.util.ArrayList;
import java.util.Optional;
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
        if (!step.lockedPackages().isEmpty()) {
            installLocked(environment, step, context);
            return;
        }
        if (step.requirements().isEmpty()) {
            return;
        }
        Optional<TargetPlatform> target = TargetPlatform.of(context.spec()).filter(t -> !t.isCurrent());
        if (target.isPresent()) {
            installForTarget(environment, step, context, target.get());
            return;
        }
        EnvironmentSpec spec = context.spec();
        Path constraints = writeConstraints(environment, step);
        Path report = reportFile(environment);
        List<String> command = PipCommands.install(environment, step.requirements(), constraints,
                PipCommands.hasRawProgressBar(environment), step.installsDependencies(), !step.reinstall().isEmpty(),
                spec.installerArguments(), report);
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
        record(environment, report);
    }

    /**
     * Installs one step for another platform ({@code target.platform}): pip resolves it with {@code --dry-run} and
     * the target's options (installed distributions count), and installs exactly what it resolved, without
     * dependencies, with {@code --target} a scratch folder in the state folder, which {@link TargetMerge} then moves
     * into the environment (namespace folders merged, the replaced versions' files removed, console scripts into the
     * scripts folder). Nothing of the target's is run: a requirement with no binary wheel for the target is an
     * {@link InstallationException} that names it, and nothing was installed or removed. A step without
     * dependencies (exact pins, such as the torch family's) is installed at once, the same way.
     */
    private static void installForTarget(EnvironmentLayout environment, InstallStep step, BackendContext context,
                                         TargetPlatform target) {
        EnvironmentSpec spec = context.spec();
        List<String> options = PipCommands.targetOptions(target.wheelPlatforms(), pythonVersion(environment));
        Path constraints = writeConstraints(environment, step);
        Map<String, String> env = PipCommands.environment(environment, step.indexes(),
                spec.inheritsMachineConfiguration(), context.processEnvironment());
        List<Requirement> exact = new ArrayList<>(step.requirements());
        if (step.installsDependencies()) {
            if (!PipCommands.hasReport(environment)) {
                throw new EnvironmentStateException("Building " + environment.root() + " for " + target.name()
                        + " needs pip " + PipCommands.REPORT + " or newer in the environment, which resolves for"
                        + " another platform without installing (--dry-run --report); its pip is older. Use a newer"
                        + " Python, whose bundled pip is newer.");
            }
            Path report = environment.root().resolve(".isoenv").resolve("resolution.json");
            try {
                Files.createDirectories(report.getParent());
                Files.deleteIfExists(report);
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("prepare", report, e), e);
            }
            List<String> command = PipCommands.resolveForTarget(environment, step.requirements(), constraints,
                    report, spec.installerArguments(), options, scratchTarget(environment));
            ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                    .timeout(spec.timeouts().install()).tailLines(60));
            if (!result.isSuccess()) {
                throw targetFailure(step, target, result);
            }
            try {
                exact.clear();
                // What is installed in the resolved version stays: an older pip resolved as if nothing were.
                java.util.Set<String> installed = new java.util.HashSet<>();
                for (InstalledDistribution d : dev.isoenv.internal.metadata.DistributionScanner.scan(
                        environment.sitePackages())) {
                    installed.add(d.normalizedName() + "==" + d.version());
                }
                for (InstalledDistribution d : readReport(Files.readString(report, StandardCharsets.UTF_8))) {
                    String pin = d.normalizedName() + "==" + d.version();
                    if (!installed.contains(pin)) {
                        exact.add(Requirement.parse(pin));
                    }
                }
                Files.deleteIfExists(report);
            } catch (IOException | IllegalArgumentException | ClassCastException e) {
                throw new EnvironmentStateException("pip resolved " + step.requirements() + " for " + target.name()
                        + " but its report " + report + " could not be read (" + e + "). Nothing was installed;"
                        + " call ensure() again.", e);
            }
            if (exact.isEmpty()) {
                return;
            }
        }
        // pip installs into a scratch folder, which TargetMerge then moves into the environment: pip's own
        // --target --upgrade deletes every folder of the name it installs (a namespace folder that other
        // distributions share), and what is installed stays until the new version is there.
        java.util.Set<String> names = new java.util.HashSet<>();
        exact.forEach(r -> names.add(r.normalizedName()));
        List<String> replaced = new ArrayList<>();
        for (InstalledDistribution d : dev.isoenv.internal.metadata.DistributionScanner.scan(
                environment.sitePackages())) {
            if (names.contains(d.normalizedName())) {
                replaced.add(d.normalizedName());
            }
        }
        Path scratch = environment.root().resolve(".isoenv").resolve("target-install");
        try {
            deleteScratch(scratch);
            Path report = reportFile(environment);
            List<String> command = PipCommands.installForTarget(environment, exact, constraints,
                    PipCommands.hasRawProgressBar(environment), spec.installerArguments(), options, scratch, report);
            ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                    .timeout(spec.timeouts().install()).tailLines(60)
                    .listener(new PipProgressParser(spec.location(), context::publish)));
            if (!result.isSuccess()) {
                throw targetFailure(step, target, result);
            }
            TargetMerge.merge(environment, scratch, replaced, "pip install of " + exact + " (" + step.description()
                    + ") for " + target.name(), result);
            record(environment, report);
        } finally {
            try {
                deleteScratch(scratch);
            } catch (EnvironmentStateException e) {
                System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING, "isoenv: could not delete {0} ({1});"
                        + " the next install for the target deletes it", scratch, e.getMessage());
            }
        }
    }

    /** Deletes the scratch folder of an install for another platform, if it is there. */
    private static void deleteScratch(Path scratch) {
        try {
            if (Files.exists(scratch, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                dev.isoenv.internal.io.FileTrees.delete(scratch);
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("delete", scratch, e), e);
        }
    }

    /**
     * The {@code --target} an older pip (before 23.3) needs to resolve for another platform without installing: a
     * folder in the state folder that pip's dry run never writes to; null for a pip that needs none.
     */
    private static Path scratchTarget(EnvironmentLayout environment) {
        return PipCommands.resolvesForPlatformInPlace(environment) ? null
                : environment.root().resolve(".isoenv").resolve("target-resolution");
    }

    /** A failed install for another platform: the requirement that has no wheel for it, when pip names one. */
    private static InstallationException targetFailure(InstallStep step, TargetPlatform target,
                                                       ProcessResult result) {
        InstallationException.Reason reason = PipFailureAdvice.classify(result);
        String missing = null;
        for (String line : (result.stdout() + "\n" + result.stderr()).split("\\R")) {
            int at = line.indexOf("No matching distribution found for ");
            if (at >= 0) {
                missing = line.substring(at + "No matching distribution found for ".length()).strip();
            }
        }
        String what = "pip install of " + step.requirements() + " (" + step.description() + ") for " + target.name();
        if (missing == null && reason != InstallationException.Reason.NOT_FOUND) {
            return new InstallationException(what, result.command(), result.exitCode(), result.tail(),
                    PipFailureAdvice.adviceFor(reason), reason);
        }
        String named = missing == null ? "A requirement of " + step.requirements()
                : dev.isoenv.internal.process.Redactor.maskUrlCredentials(missing);
        return new InstallationException(what, result.command(), result.exitCode(), result.tail(), named
                + " has no binary wheel for " + target.name() + " on the indexes. Only binary wheels can be"
                + " installed for another platform: a source distribution would have to be built, and run, on the"
                + " target. Nothing was installed. Use a version that publishes a wheel for " + target.name()
                + ", or build the environment on a "
                + target.name() + " machine.", InstallationException.Reason.NOT_FOUND);
    }

    /**
     * The environment's Python version: pyvenv.cfg's {@code version} (or {@code version_info}), else the name of
     * site-packages' {@code pythonX.Y} folder.
     */
    static String pythonVersion(EnvironmentLayout environment) {
        try {
            for (String line : Files.readAllLines(environment.root().resolve("pyvenv.cfg"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                String key = eq < 0 ? "" : line.substring(0, eq).strip();
                if (key.equals("version") || key.equals("version_info")) {
                    return line.substring(eq + 1).strip();
                }
            }
        } catch (IOException e) {
            // A conda prefix has none: the folder tells.
        }
        for (Path p = environment.sitePackages(); p != null; p = p.getParent()) {
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.matches("python\\d+\\.\\d+t?")) {
                return name.substring("python".length()).replace("t", "");
            }
        }
        throw new EnvironmentStateException("Cannot tell the Python version of " + environment.root() + " (no"
                + " pyvenv.cfg version); it is needed to install for another platform. Delete the environment so that"
                + " it is rebuilt.");
    }

    /**
     * Installs the packages of a lock exactly: a requirements file of {@code name==version} lines, each with the
     * hashes of every file the lock gives for it ({@code name @ url} for a direct archive), and a page of links to
     * those files, both written into isoenv's state folder, with {@code --require-hashes --no-deps}. pip chooses the
     * file that fits this environment among the lock's, and checks it against the lock's hashes before it installs
     * anything; the specification's indexes stay configured, and pip accepts from them only files with those hashes.
     */
    private static void installLocked(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        EnvironmentSpec spec = context.spec();
        Path folder = environment.root().resolve(".isoenv");
        Path requirements = folder.resolve("lock-requirements.txt");
        Path links = folder.resolve("lock-links.html");
        StringBuilder lines = new StringBuilder();
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html><body>\n");
        for (PackageLock.Package p : step.lockedPackages()) {
            List<String> hashes = new ArrayList<>();
            String archive = null;
            for (PackageLock.Artifact a : p.artifacts()) {
                String url = a.path().map(path -> path.toUri().toString()).orElseGet(() -> a.url().orElseThrow());
                Optional<Map.Entry<String, String>> strong = a.hashes().entrySet().stream()
                        .filter(h -> LockSelection.STRONG_HASHES.contains(h.getKey())).findFirst();
                a.hashes().forEach((algorithm, value) -> {
                    if (LockSelection.STRONG_HASHES.contains(algorithm)) {
                        hashes.add("--hash=" + algorithm + ":" + value);
                    }
                });
                if (a.kind() == PackageLock.Artifact.Kind.ARCHIVE) {
                    archive = url;
                } else {
                    String href = url + strong.map(h -> "#" + h.getKey() + "=" + h.getValue()).orElse("");
                    page.append("<a href=\"").append(html(href)).append("\">").append(html(a.fileName()))
                            .append("</a><br>\n");
                }
            }
            lines.append(archive == null ? p.name() + "==" + p.version().orElseThrow() : p.name() + " @ " + archive);
            for (String h : hashes) {
                lines.append(" \\\n    ").append(h);
            }
            lines.append('\n');
        }
        page.append("</body></html>\n");
        try {
            Files.createDirectories(folder);
            Files.writeString(requirements, lines, StandardCharsets.UTF_8);
            Files.writeString(links, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("write the lock's requirements", folder, e), e);
        }
        Path report = reportFile(environment);
        List<String> command = PipCommands.installLocked(environment, requirements, links,
                PipCommands.hasRawProgressBar(environment), spec.installerArguments(), report);
        Map<String, String> env = PipCommands.environment(environment, step.indexes(),
                spec.inheritsMachineConfiguration(), context.processEnvironment());
        ProcessResult result = context.run(ProcessRequest.command(command).environment(env)
                .timeout(spec.timeouts().install()).tailLines(60)
                .listener(new PipProgressParser(spec.location(), context::publish)));
        if (!result.isSuccess()) {
            String what = "pip install of " + step.description() + " " + step.requirements();
            if ((result.stdout() + result.stderr()).contains("DO NOT MATCH THE HASHES")) {
                throw new HashMismatchException(what, result.command(), result.exitCode(), result.tail(),
                        "A downloaded file does not have the hash the lock file gives for it, so pip installed"
                        + " nothing: the lock, the file or the index changed since the lock was made. Check where"
                        + " the lock came from; if the change is expected, lock again.");
            }
            throw new InstallationException(what, result.command(), result.exitCode(), result.tail(),
                    PipFailureAdvice.adviceFor(result));
        }
        record(environment, report);
    }

    /** Where pip writes its installation report, or null for a pip older than 22.2, which writes none. */
    private static Path reportFile(EnvironmentLayout environment) {
        if (!PipCommands.hasReport(environment)) {
            return null;
        }
        Path report = environment.root().resolve(".isoenv").resolve("pip-report.json");
        try {
            Files.createDirectories(report.getParent());
            Files.deleteIfExists(report);
        } catch (IOException e) {
            return null;
        }
        return report;
    }

    /** Keeps what the report says for a later lock export; a failure here loses only that, not the install. */
    private static void record(EnvironmentLayout environment, Path report) {
        if (report == null || !Files.isRegularFile(report)) {
            return;
        }
        try {
            ArtifactRecord.addReport(report.getParent(), report);
            Files.deleteIfExists(report);
        } catch (IOException e) {
            System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING, "isoenv: could not record which files"
                    + " were installed into {0} ({1}); a lock exported from it will not have their hashes",
                    environment.root(), e.toString());
        }
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
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
            // pip does not create the report's folder: without it, every resolution would fail.
            Files.createDirectories(report.getParent());
            Files.deleteIfExists(report);
        } catch (IOException e) {
            return Optional.empty();
        }
        Optional<TargetPlatform> target = TargetPlatform.of(spec).filter(t -> !t.isCurrent());
        List<String> command = target.isPresent()
                ? PipCommands.resolveForTarget(environment, step.requirements(), constraints, report,
                        spec.installerArguments(), PipCommands.targetOptions(target.get().wheelPlatforms(),
                                pythonVersion(environment)), scratchTarget(environment))
                : PipCommands.resolve(environment, step.requirements(), constraints, report,
                        spec.installerArguments());
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
