package dev.isoenv.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Environment;
import dev.isoenv.IsoenvClient;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Measures the first {@code ensure()} in a fresh JVM, the call every Java program makes at start:
 * <ol>
 *   <li>of an existing environment (its state record on disk says it is complete), in {@value #WARM_ROUNDS} fresh
 *       child JVMs, each timed from building the client to {@code ensure()} returning, with the processes it started
 *       and the classes it loaded; the median is compared with the 20 ms goal;</li>
 *   <li>once more with a class-loading trace, summed by package: what the call still loads, and when;</li>
 *   <li>of a new empty environment, in {@value #COLD_ROUNDS} fresh child JVMs: the processes a cold creation starts
 *       once the interpreter's facts are cached on disk (one, {@code python -m venv}, for the venv backend).</li>
 * </ol>
 * The children run on this JVM's class path, so run it with a real class path: {@code mvn -q -DskipTests -Pbench
 * verify} does (exec:exec), not exec:java.
 */
public final class FirstCallBenchmark {
    private static final int WARM_ROUNDS = 11;
    private static final int COLD_ROUNDS = 3;
    private static final double GOAL_MS = 20.0;

    private FirstCallBenchmark() {
    }

    /** One child's result line. */
    private static final class Result {
        final double millis;
        final int processes;
        final int classes;
        final double cpuMillis;
        final List<String> output;

        Result(double millis, int processes, int classes, double cpuMillis, List<String> output) {
            this.millis = millis;
            this.processes = processes;
            this.classes = classes;
            this.cpuMillis = cpuMillis;
            this.output = output;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args the working directory, such as {@code isoenv-tests/isoenv-it/target/bench-first-call}
     * @throws IOException if the working directory cannot be prepared or a child cannot start
     * @throws InterruptedException if interrupted while waiting for a child
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = System.out;
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-first-call").toAbsolutePath();
        if (Files.exists(work)) {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.createDirectories(work);
        out.println("isoenv first-call benchmark: the first ensure() in a fresh JVM");
        out.println("  cores: " + Runtime.getRuntime().availableProcessors() + ", java " + System.getProperty(
                "java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));

        try (PackageIndexServer server = PackageIndexServer.start()) {
            server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
            String url = server.indexUrl();
            Path existing = work.resolve("existing");
            Environment env = IsoenvClient.create().ensure(FirstCallProbe.spec(existing, url));
            out.println("  environment: " + existing + " (backend " + env.backend() + ", one requirement: "
                    + TestPackages.HELLO + "==1.0)");

            List<Result> warm = new ArrayList<>();
            for (int i = 0; i < WARM_ROUNDS; i++) {
                warm.add(child(List.of(), existing, url));
            }
            Result traced = child(List.of("-Xlog:class+load:stdout:uptimenanos"), existing, url);

            List<Result> cold = new ArrayList<>();
            for (int i = 0; i < COLD_ROUNDS; i++) {
                cold.add(child(List.of(), work.resolve("cold-" + i), "-"));
            }

            List<Double> times = new ArrayList<>();
            TreeSet<Integer> processes = new TreeSet<>();
            List<Double> classes = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (Result r : warm) {
                times.add(r.millis);
                processes.add(r.processes);
                classes.add((double) r.classes);
                cpu.add(r.cpuMillis);
            }
            double median = Samples.median(times);
            out.printf(Locale.ROOT, "%n  first ensure() of an existing environment, %d fresh JVMs%n", WARM_ROUNDS);
            out.printf(Locale.ROOT, "    median %.1f ms  (min %.1f, max %.1f)  runs %s%n", median,
                    Collections.min(times), Collections.max(times), Samples.format(times));
            out.printf(Locale.ROOT, "    CPU time of the calling thread: median %.1f ms%n", Samples.median(cpu));
            out.printf(Locale.ROOT, "    processes started: %s   classes loaded: median %.0f%n", processes,
                    Samples.median(classes));
            out.printf(Locale.ROOT, "    ratio median / %.0f ms goal = %.2f  (%s)%n", GOAL_MS, median / GOAL_MS,
                    median <= GOAL_MS ? "met" : "NOT met");

            out.printf(Locale.ROOT, "%n  class-loading trace of one more first call (-Xlog:class+load, so slower):%n");
            for (String line : ClassLoadTrace.parse(traced.output).describe(15)) {
                out.println("    " + line);
            }

            List<Double> coldTimes = new ArrayList<>();
            TreeSet<Integer> coldProcesses = new TreeSet<>();
            for (Result r : cold) {
                coldTimes.add(r.millis);
                coldProcesses.add(r.processes);
            }
            out.printf(Locale.ROOT, "%n  first ensure() of a new empty environment, %d fresh JVMs%n", COLD_ROUNDS);
            out.printf(Locale.ROOT, "    median %.0f ms  runs %s  processes started: %s%n", Samples.median(coldTimes),
                    Samples.format(coldTimes), coldProcesses);
        }
    }

    private static Result child(List<String> jvmOptions, Path location, String url)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        command.add(Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FirstCallProbe.class.getName());
        command.add(location.toString());
        command.add(url);
        Path log = Files.createTempFile(location.getParent(), "child", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the child JVM did not finish: " + command);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.delete(log);
        for (String line : lines) {
            if (line.startsWith(FirstCallProbe.RESULT + " ")) {
                String[] parts = line.split(" ");
                return new Result(Double.parseDouble(value(parts[1])), Integer.parseInt(value(parts[2])),
                        Integer.parseInt(value(parts[3])), Double.parseDouble(value(parts[4])), lines);
            }
        }
        throw new IllegalStateException("the child JVM failed (exit code " + p.exitValue() + "):\n  "
                + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    }

    private static String value(String keyValue) {
        return keyValue.substring(keyValue.indexOf('=') + 1);
    }


}
