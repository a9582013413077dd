package dev.isoenv.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 10's rows for cold creation and the pip tax, each side by side with its anchor in the same run and the same
 * process variables, once without and once with {@code PYTHONDONTWRITEBYTECODE=1}, with the venv backend:
 * <ol>
 *   <li>an empty environment with a working pip, in a fresh JVM (the whole child process), against
 *       {@code python -m venv DIR}; goal: 0.10;</li>
 *   <li>the same in this warmed JVM; goal: 0.02;</li>
 *   <li>adding one requirement to an environment of 20, against the same raw {@code pip install} of that one;
 *       goal: 1.05;</li>
 *   <li>removing it again, against {@code pip uninstall}; goal: 1.05.</li>
 * </ol>
 * The 21 distributions are small wheels built here into a find-links folder, the only source either side uses.
 * The compiled pip in isoenv's cache (under the working folder) is built by an unmeasured first round, as it is
 * once per user, pip and Python. Run it with a real class path, as it starts child JVMs:
 * {@code mvn -q -DskipTests -Pbench verify}.
 */
public final class PipTaxBenchmark {
    private static final int ROUNDS = 5;
    private static final int PACKAGES = 20;

    private PipTaxBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the working directory
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-pip-tax").toAbsolutePath();
        if (Files.exists(work)) {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Path wheels = Files.createDirectories(work.resolve("wheels"));
        List<String> twenty = new ArrayList<>();
        for (int i = 0; i <= PACKAGES; i++) {
            WheelBuilder.wheel("isoenv-bench-pkg" + i, "1.0").file("isoenv_bench_pkg" + i + "/__init__.py",
                    "VALUE = " + i + "\n").buildTo(wheels);
            if (i < PACKAGES) {
                twenty.add("isoenv-bench-pkg" + i);
            }
        }
        String extra = "isoenv-bench-pkg" + PACKAGES;
        Path python = PythonLocator.python3();
        out.println("isoenv cold creation and pip tax benchmark (venv backend)");
        out.println("  interpreter: " + python + ", cores: " + Runtime.getRuntime().availableProcessors() + ", java "
                + System.getProperty("java.version") + ", " + ROUNDS + " measured rounds after one unmeasured");

        List<String[]> table = new ArrayList<>();
        for (boolean noBytecode : new boolean[] {false, true}) {
            Map<String, String> vars = new HashMap<>(System.getenv());
            vars.remove("PYTHONDONTWRITEBYTECODE");
            if (noBytecode) {
                vars.put("PYTHONDONTWRITEBYTECODE", "1");
            }
            vars.put("ISOENV_CACHE_DIR", work.resolve("cache").toString());
            vars.put("ISOENV_BACKEND", "venv");
            String mode = noBytecode ? "PYTHONDONTWRITEBYTECODE=1" : "PYTHONDONTWRITEBYTECODE unset";
            Path dir = Files.createDirectories(work.resolve(noBytecode ? "nobytecode" : "bytecode"));
            measure(out, table, mode, dir, vars, python, wheels, twenty, extra);
        }

        out.printf(Locale.ROOT, "%n  %-27s | %-44s | %9s | %-22s | %9s | %6s | %5s | %s%n", "mode", "operation",
                "isoenv ms", "anchor", "anchor ms", "ratio", "goal", "");
        for (String[] row : table) {
            out.printf(Locale.ROOT, "  %-27s | %-44s | %9s | %-22s | %9s | %6s | %5s | %s%n", (Object[]) row);
        }
    }

    private static void measure(PrintStream out, List<String[]> table, String mode, Path dir,
                                Map<String, String> vars, Path python, Path wheels, List<String> twenty,
                                String extra) throws Exception {
        CommandRunner runner = CommandRunner.standard();
        IsoenvClient isoenv = IsoenvClient.builder().processEnvironment(vars).build();
        PythonRequest request = PythonRequest.interpreter(python);
        List<Double> venv = new ArrayList<>();
        List<Double> fresh = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        for (int round = -1; round < ROUNDS; round++) {
            long start = System.nanoTime();
            ProcessResult r = runner.run(ProcessRequest.command(python.toString(), "-m", "venv",
                    dir.resolve("venv-" + round).toString()).environment(vars).timeout(Duration.ofMinutes(5)).build());
            double venvMs = millis(start);
            check(r, "python -m venv");
            start = System.nanoTime();
            freshJvm(dir.resolve("fresh-" + round), python, vars);
            double freshMs = millis(start);
            start = System.nanoTime();
            Environment env = isoenv.ensure(EnvironmentSpec.builder(dir.resolve("warm-" + round)).python(request)
                    .build());
            double warmMs = millis(start);
            if (!env.run("python", "-m", "pip", "--version").isSuccess()) {
                throw new IllegalStateException("the environment has no working pip");
            }
            if (round >= 0) {
                venv.add(venvMs);
                fresh.add(freshMs);
                warm.add(warmMs);
            }
        }
        row(out, table, mode, "empty env with pip, fresh JVM (whole process)", fresh, "python -m venv", venv, 0.10);
        row(out, table, mode, "empty env with pip, warmed JVM", warm, "python -m venv", venv, 0.02);

        PackageIndexes indexes = PackageIndexes.builder().findLinks(wheels.toString()).exclusive().build();
        EnvironmentSpec base = EnvironmentSpec.builder(dir.resolve("twenty")).python(request).indexes(indexes)
                .inheritMachineConfiguration(false).requirements(twenty)
                // The tax of isoenv's own machinery over pip: the shared store, which links instead of installing
                // what another environment holds, is measured by SharedStoreBenchmark.
                .sharedStore(false).build();
        EnvironmentSpec plus = base.toBuilder().requirement(extra).build();
        Environment env = isoenv.ensure(base);
        // The variables isoenv gives pip for this specification, so that both sides read the same configuration.
        Map<String, String> pipVars = new HashMap<>(env.environmentVariables());
        pipVars.keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("PIP_"));
        pipVars.put("PIP_CONFIG_FILE", "/dev/null");
        pipVars.put("PIP_NO_INDEX", "1");
        pipVars.put("PIP_FIND_LINKS", wheels.toString());
        pipVars.put("PYTHONNOUSERSITE", "1");
        String envPython = env.python().toString();
        List<Double> add = new ArrayList<>();
        List<Double> remove = new ArrayList<>();
        List<Double> rawAdd = new ArrayList<>();
        List<Double> rawRemove = new ArrayList<>();
        for (int round = -1; round < ROUNDS; round++) {
            long start = System.nanoTime();
            check(runner.run(ProcessRequest.command(envPython, "-m", "pip", "install", "--no-input", "--progress-bar",
                    "off", "--disable-pip-version-check", "--", extra).environment(pipVars)
                    .timeout(Duration.ofMinutes(5)).build()), "pip install");
            double rawAddMs = millis(start);
            start = System.nanoTime();
            check(runner.run(ProcessRequest.command(envPython, "-m", "pip", "uninstall", "--no-input",
                    "--disable-pip-version-check", "--yes", "--", extra).environment(pipVars)
                    .timeout(Duration.ofMinutes(5)).build()), "pip uninstall");
            double rawRemoveMs = millis(start);
            start = System.nanoTime();
            isoenv.ensure(plus);
            double addMs = millis(start);
            start = System.nanoTime();
            isoenv.ensure(base);
            double removeMs = millis(start);
            if (round >= 0) {
                add.add(addMs);
                remove.add(removeMs);
                rawAdd.add(rawAddMs);
                rawRemove.add(rawRemoveMs);
            }
        }
        row(out, table, mode, "add one to an env of " + twenty.size(), add, "raw pip install", rawAdd, 1.05);
        row(out, table, mode, "remove that one", remove, "pip uninstall", rawRemove, 1.05);

        // The same with the shared store on, as users get it: the added requirement is unpinned, so each add is
        // resolved afresh (pip's dry run) and then linked from the store.
        EnvironmentSpec sharedBase = base.toBuilder().sharedStore(true).build();
        EnvironmentSpec sharedPlus = plus.toBuilder().sharedStore(true).build();
        isoenv.ensure(sharedBase);
        List<Double> sharedAdd = new ArrayList<>();
        List<Double> sharedRemove = new ArrayList<>();
        for (int round = -1; round < ROUNDS; round++) {
            long start = System.nanoTime();
            isoenv.ensure(sharedPlus);
            double addMs = millis(start);
            start = System.nanoTime();
            isoenv.ensure(sharedBase);
            double removeMs = millis(start);
            if (round >= 0) {
                sharedAdd.add(addMs);
                sharedRemove.add(removeMs);
            }
        }
        row(out, table, mode, "add one, shared store on", sharedAdd, "raw pip install", rawAdd, 1.05);
        row(out, table, mode, "remove that one, shared store on", sharedRemove, "pip uninstall", rawRemove, 1.05);
    }

    /** One cold ensure() of an empty specification at a new location, in a new JVM, timed by the caller. */
    private static void freshJvm(Path location, Path python, Map<String, String> vars)
            throws IOException, InterruptedException {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toString(), "-cp", System.getProperty("java.class.path"), FirstCallProbe.class.getName(),
                location.toString(), "-", python.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(vars);
        Process p = builder.start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the child JVM failed: " + command);
        }
    }

    private static void row(PrintStream out, List<String[]> table, String mode, String what, List<Double> isoenv,
                            String anchor, List<Double> anchorTimes, double goal) {
        double a = Samples.median(isoenv);
        double b = Samples.median(anchorTimes);
        double ratio = a / b;
        out.printf(Locale.ROOT, "  [%s] %s: median %.0f ms %s; %s median %.0f ms %s; ratio %.3f (goal <= %.2f)%n",
                mode, what, a, Samples.format(isoenv), anchor, b, Samples.format(anchorTimes), ratio, goal);
        table.add(new String[] {mode, what, String.format(Locale.ROOT, "%.0f", a), anchor,
            String.format(Locale.ROOT, "%.0f", b), String.format(Locale.ROOT, "%.3f", ratio),
            String.format(Locale.ROOT, "%.2f", goal), ratio <= goal ? "met" : "NOT met"});
    }

    private static void check(ProcessResult r, String what) {
        if (!r.isSuccess()) {
            throw new IllegalStateException(what + " failed (exit code " + r.exitCode() + "): " + r.tail());
        }
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }


}
