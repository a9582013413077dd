package dev.isoenv.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.python.MachineTorchWheel;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Issue 10's rows for the shared store, each against its anchor in the same run, once without and once with
 * {@code PYTHONDONTWRITEBYTECODE=1}, with the venv backend in this warmed JVM. The 20 wheels are pinned
 * ({@code ==1.0}), so that the store serves them without asking the index:
 * <ol>
 *   <li>five environments with the same 20 wheels: the disk of all five (and the store) against one; goal 1.3;</li>
 *   <li>the time of the 2nd to 5th against the 1st; goal 0.20;</li>
 *   <li>for reference, the 1st with the store against one without it (what adding to the store costs), and the
 *       same 20 requirements unpinned, whose 2nd environment is resolved afresh (pip's dry run) before linking;</li>
 *   <li>where this machine's pip configuration offers a real CPU torch wheel ({@link MachineTorchWheel}): two
 *       environments with it, the second's time against the first's (goal 0.10) and the disk of both against one
 *       (goal 1.10).</li>
 * </ol>
 * Disk is the apparent size of the regular files, each inode counted once, as the file system stores hard links.
 * The compiled pip in isoenv's cache is built by an unmeasured first environment, as it is once per user, pip and
 * Python. Run: {@code mvn -q -DskipTests -Pbench verify}.
 */
public final class SharedStoreBenchmark {
    private static final int ENVIRONMENTS = 5;
    private static final int PACKAGES = 20;

    private SharedStoreBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the working directory
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-store").toAbsolutePath();
        if (Files.exists(work)) {
            deleteTree(work);
        }
        Path wheels = Files.createDirectories(work.resolve("wheels"));
        List<String> twenty = new ArrayList<>();
        String filler = "# " + "x".repeat(70) + "\n";
        for (int i = 0; i < PACKAGES; i++) {
            WheelBuilder wheel = WheelBuilder.wheel("isoenv-store-pkg" + i, "1.0");
            for (int m = 0; m < 8; m++) {
                wheel.file("isoenv_store_pkg" + i + "/module" + m + ".py", "VALUE = " + (i * 100 + m) + "\n"
                        + "def f(x):\n    return x + VALUE\n" + filler.repeat(80));
            }
            wheel.file("isoenv_store_pkg" + i + "/__init__.py", "from .module0 import f\n").buildTo(wheels);
            twenty.add("isoenv-store-pkg" + i + "==1.0");
        }
        Path python = PythonLocator.python3();
        out.println("isoenv shared store benchmark (venv backend)");
        out.println("  interpreter: " + python + ", cores: " + Runtime.getRuntime().availableProcessors() + ", java "
                + System.getProperty("java.version") + ", " + ENVIRONMENTS + " environments of " + PACKAGES
                + " wheels each");
        Optional<MachineTorchWheel> torch = MachineTorchWheel.find();
        if (torch.isEmpty()) {
            out.println("  no real torch wheel: " + MachineTorchWheel.absence());
        }

        List<String[]> table = new ArrayList<>();
        for (boolean noBytecode : new boolean[] {false, true}) {
            String mode = noBytecode ? "PYTHONDONTWRITEBYTECODE=1" : "PYTHONDONTWRITEBYTECODE unset";
            Path dir = Files.createDirectories(work.resolve(noBytecode ? "nobytecode" : "bytecode"));
            Map<String, String> vars = variables(work, dir, noBytecode);
            IsoenvClient isoenv = IsoenvClient.builder().processEnvironment(vars).build();
            PythonRequest request = PythonRequest.interpreter(python);
            isoenv.ensure(EnvironmentSpec.builder(dir.resolve("warm-up")).python(request).build());

            PackageIndexes indexes = PackageIndexes.builder().findLinks(wheels.toString()).exclusive().build();
            java.util.function.BiFunction<Path, Boolean, EnvironmentSpec> spec = (root, share) -> EnvironmentSpec
                    .builder(root).python(request).indexes(indexes).inheritMachineConfiguration(false)
                    .requirements(twenty).sharedStore(share).build();
            List<String> unpinned = new ArrayList<>();
            for (String r : twenty) {
                unpinned.add(r.substring(0, r.indexOf("==")));
            }
            long start = System.nanoTime();
            isoenv.ensure(spec.apply(dir.resolve("no-store"), false));
            double withoutStore = millis(start);
            List<Path> roots = new ArrayList<>();
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < ENVIRONMENTS; i++) {
                Path root = dir.resolve("env-" + i);
                start = System.nanoTime();
                Environment env = isoenv.ensure(spec.apply(root, true));
                times.add(millis(start));
                roots.add(root);
                check(env, "isoenv_store_pkg" + (PACKAGES - 1));
            }
            List<Path> all = new ArrayList<>(roots);
            all.add(dir.resolve("store"));
            long one = disk(List.of(roots.get(0)));
            long five = disk(all);
            out.printf(Locale.ROOT, "  [%s] times of the %d environments: %s ms; without the store %.0f ms%n", mode,
                    ENVIRONMENTS, Samples.format(times), withoutStore);
            row(table, mode, ENVIRONMENTS + " envs of " + PACKAGES + " wheels: disk of all", five / 1024.0,
                    "disk of the 1st", one / 1024.0, "KiB", 1.3);
            row(table, mode, "2nd-" + ENVIRONMENTS + "th env, median time", Samples.median(times.subList(1,
                    times.size())), "1st env", times.get(0), "ms", 0.20);
            row(table, mode, "1st env with the store", times.get(0), "1st env without it", withoutStore, "ms",
                    Double.NaN);
            // Unpinned, the step is resolved afresh (pip's dry run) before the store's files are linked.
            List<Double> loose = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                start = System.nanoTime();
                isoenv.ensure(EnvironmentSpec.builder(dir.resolve("unpinned-" + i)).python(request).indexes(indexes)
                        .inheritMachineConfiguration(false).requirements(unpinned).build());
                loose.add(millis(start));
            }
            row(table, mode, "unpinned: 2nd env, resolved afresh", loose.get(1), "1st env", loose.get(0), "ms",
                    Double.NaN);
            if (torch.isPresent()) {
                torchRows(table, mode, dir, vars, torch.get());
            }
        }
        out.printf(Locale.ROOT, "%n  %-29s | %-42s | %11s | %-24s | %11s | %6s | %5s | %s%n", "mode", "operation",
                "isoenv", "anchor", "anchor", "ratio", "goal", "");
        for (String[] row : table) {
            out.printf(Locale.ROOT, "  %-29s | %-42s | %11s | %-24s | %11s | %6s | %5s | %s%n", (Object[]) row);
        }
    }

    /** Two environments with the machine's torch, from a variant mirror that holds that wheel alone. */
    private static void torchRows(List<String[]> table, String mode, Path dir, Map<String, String> vars,
                                  MachineTorchWheel torch) throws IOException {
        Path cpu = Files.createDirectories(dir.resolve("torch-mirror").resolve("cpu"));
        Path link = cpu.resolve(torch.wheel().getFileName());
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, torch.wheel());
        }
        PackageIndexes.Builder ordinary = PackageIndexes.builder().indexUrl(torch.indexes().get(0));
        for (String extra : torch.indexes().subList(1, torch.indexes().size())) {
            ordinary.extraIndexUrl(extra);
        }
        IsoenvClient isoenv = IsoenvClient.builder().processEnvironment(vars).build();
        List<Path> roots = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path root = dir.resolve("torch-" + i);
            long start = System.nanoTime();
            Environment env = isoenv.ensure(EnvironmentSpec.builder(root).python(torch.python())
                    .inheritMachineConfiguration(false).indexes(ordinary.build()).requirement("torch=="
                            + torch.version())
                    .backendOption("torch.index-url", dir.resolve("torch-mirror").toUri() + "{variant}")
                    .backendOption("torch.variant", "cpu").build());
            times.add(millis(start));
            roots.add(root);
            String sum = env.run("python", "-c", "import torch; print(torch.ones(2).sum().item())").requireSuccess()
                    .stdout().strip();
            if (!sum.equals("2.0")) {
                throw new IllegalStateException("torch in " + root + " computed " + sum);
            }
        }
        List<Path> all = new ArrayList<>(roots);
        all.add(dir.resolve("store"));
        // Only torch's share of the store: the small wheels above are in it too, and in no torch environment.
        row(table, mode, "torch " + torch.version() + ": 2nd env time", times.get(1), "1st env", times.get(0), "ms",
                0.10);
        row(table, mode, "torch: disk of both envs", disk(roots) / 1048576.0, "disk of the 1st",
                disk(List.of(roots.get(0))) / 1048576.0, "MiB", 1.10);
    }

    private static Map<String, String> variables(Path work, Path dir, boolean noBytecode) {
        Map<String, String> vars = new HashMap<>(System.getenv());
        vars.remove("PYTHONDONTWRITEBYTECODE");
        if (noBytecode) {
            vars.put("PYTHONDONTWRITEBYTECODE", "1");
        }
        vars.put("ISOENV_CACHE_DIR", work.resolve("cache").toString());
        vars.put("ISOENV_STORE_DIR", dir.resolve("store").toString());
        vars.put("ISOENV_BACKEND", "venv");
        return vars;
    }

    private static void check(Environment env, String module) {
        if (!env.run("python", "-c", "import " + module + "; print(" + module + ".f(1))").isSuccess()) {
            throw new IllegalStateException(module + " does not import in " + env.root());
        }
    }

    /** The apparent size of the regular files under the folders, each inode once. */
    static long disk(List<Path> folders) throws IOException {
        Set<Object> seen = new HashSet<>();
        long bytes = 0;
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(folder)) {
                s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
            }
            for (Path p : files) {
                Object key = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS).toString();
                if (seen.add(key)) {
                    bytes += Files.size(p);
                }
            }
        }
        return bytes;
    }

    private static void row(List<String[]> table, String mode, String what, double value, String anchor,
                            double anchorValue, String unit, double goal) {
        double ratio = value / anchorValue;
        System.out.printf(Locale.ROOT, "  [%s] %s: %.0f %s; %s: %.0f %s; ratio %.3f%s%n", mode, what, value, unit,
                anchor, anchorValue, unit, ratio, Double.isNaN(goal) ? "" : String.format(Locale.ROOT,
                        " (goal <= %.2f)", goal));
        table.add(new String[] {mode, what, String.format(Locale.ROOT, "%.0f %s", value, unit), anchor,
            String.format(Locale.ROOT, "%.0f %s", anchorValue, unit), String.format(Locale.ROOT, "%.3f", ratio),
            Double.isNaN(goal) ? "-" : String.format(Locale.ROOT, "%.2f", goal),
            Double.isNaN(goal) ? "" : ratio <= goal ? "met" : "NOT met"});
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static void deleteTree(Path work) throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            s.forEach(p -> p.toFile().setWritable(true));
        }
        MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
    }
}
