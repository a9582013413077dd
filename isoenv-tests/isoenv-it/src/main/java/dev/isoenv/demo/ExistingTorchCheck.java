package dev.isoenv.demo;

import dev.isoenv.Accelerator;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.Isoenv;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.PostInstallCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Runs the checks isoenv would run after installing a torch requirement against a Python environment isoenv did not
 * build, such as a GPU machine's preinstalled one: it detects the accelerator, plans the requirement for it, and runs
 * the plan's post-install checks (the local labels of the installed torch family, then {@code import torch} with its
 * CUDA or HIP version and, when a GPU is expected, {@code torch.cuda.is_available()}) in that environment. It installs
 * nothing and changes nothing.
 */
public final class ExistingTorchCheck {
    private ExistingTorchCheck() {
    }

    /**
     * Runs the check.
     *
     * @param args the environment's root (a venv, such as {@code /opt/torch/.venv}), its full Python version, and
     *     the torch requirement to plan, such as {@code torch==2.11.0}
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        Path root = Path.of(args[0]);
        String pythonVersion = args[1];
        EnvironmentSpec spec = EnvironmentSpec.builder(root).requirement(args[2]).build();
        Accelerator accelerator = Isoenv.detectAccelerator();
        out.println("accelerator: " + accelerator.kind() + ", driver " + accelerator.driverVersion().orElse("-")
                + ", devices " + accelerator.devices());
        List<InstallPlanner> planners = new ArrayList<>();
        ServiceLoader.load(InstallPlanner.class).forEach(planners::add);
        planners.sort(Comparator.comparingInt(InstallPlanner::priority).reversed());
        PlanningContext context = new PlanningContext(pythonVersion, OperatingSystem.current(),
                System.getProperty("os.arch"), () -> accelerator);
        InstallPlan plan = planners.stream().map(p -> p.plan(spec, context)).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new IllegalStateException("no planner planned " + args[2]));
        out.println("plan: " + plan.choices());
        Environment existing = new ExistingVenv(root, spec, plan.explanation());
        out.println("installed torch family: " + existing.installedDistributions().stream()
                .filter(d -> d.normalizedName().startsWith("torch") || d.normalizedName().equals("triton")).toList());
        for (PostInstallCheck check : plan.checks()) {
            out.println("check: " + check.description());
            try {
                check.verify(existing);
                out.println("  passed");
            } catch (RuntimeException e) {
                out.println("  FAILED: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /** A venv on disk, read as it is: its distributions from metadata, its commands run with its python. */
    private static final class ExistingVenv implements Environment {
        private final Path root;
        private final EnvironmentSpec spec;
        private final String explanation;
        private final OperatingSystem os = OperatingSystem.current();

        ExistingVenv(Path root, EnvironmentSpec spec, String explanation) {
            this.root = root;
            this.spec = spec;
            this.explanation = explanation;
        }

        @Override
        public Path root() {
            return root;
        }

        @Override
        public Path python() {
            return scriptsDirectory().resolve(os.executableName("python"));
        }

        @Override
        public Path scriptsDirectory() {
            return root.resolve(os.scriptsDirectoryName());
        }

        @Override
        public String backend() {
            return "existing";
        }

        @Override
        public EnvironmentSpec spec() {
            return spec;
        }

        @Override
        public String explanation() {
            return explanation;
        }

        @Override
        public Map<String, String> choices() {
            return Map.of();
        }

        @Override
        public Map<String, String> environmentVariables() {
            return System.getenv();
        }

        @Override
        public Optional<Path> findExecutable(String command) {
            Path candidate = scriptsDirectory().resolve(os.executableName(command));
            return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
        }

        @Override
        public RunResult run(List<String> command, RunOptions options) {
            List<String> full = new ArrayList<>(command);
            if (full.get(0).equals("python")) {
                full.set(0, python().toString());
            }
            long start = System.nanoTime();
            try {
                Process process = new ProcessBuilder(full).directory(root.toFile()).start();
                process.getOutputStream().close();
                byte[] stdout = process.getInputStream().readAllBytes();
                byte[] stderr = process.getErrorStream().readAllBytes();
                if (!process.waitFor(options.timeout().map(Duration::toMillis).orElse(600_000L),
                        TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
                return new RunResult(full, process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                        new String(stderr, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<InstalledDistribution> installedDistributions() {
            List<InstalledDistribution> found = new ArrayList<>();
            try (DirectoryStream<Path> libs = Files.newDirectoryStream(root.resolve("lib"), "python*")) {
                for (Path lib : libs) {
                    try (DirectoryStream<Path> infos = Files.newDirectoryStream(lib.resolve("site-packages"),
                            "*.dist-info")) {
                        for (Path info : infos) {
                            metadata(info.resolve("METADATA")).ifPresent(found::add);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return found;
        }

        private static Optional<InstalledDistribution> metadata(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String name = null;
            String version = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    break;
                }
                if (line.startsWith("Name: ")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("Version: ")) {
                    version = line.substring(9).strip();
                }
            }
            return name == null || version == null ? Optional.empty()
                    : Optional.of(InstalledDistribution.of(name, version));
        }
    }
}
