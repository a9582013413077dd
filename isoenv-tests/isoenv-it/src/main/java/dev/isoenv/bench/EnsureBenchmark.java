package dev.isoenv.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures, in one run and with one interpreter:
 * <ol>
 *   <li>{@code python -m venv DIR} (with ensurepip): the anchor for cold creation;</li>
 *   <li>a cold {@code ensure()} of an empty specification at a new location, which yields an environment with
 *       a working pip, and is checked to have one;</li>
 *   <li>a warm {@code ensure()} of the same specification, many times, counting processes started.</li>
 * </ol>
 * It prints medians and the ratios against the targets: cold creation in 1/20 of venv's time, warm ensure() in 5 ms.
 */
public final class EnsureBenchmark {
    private static final int COLD_ROUNDS = 5;
    private static final int WARM_ROUNDS = 2000;

    private EnsureBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the working directory, such as {@code isoenv-tests/isoenv-it/target/bench}
     * @throws IOException if the working directory cannot be prepared
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
        if (Files.exists(work)) {
            MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.createDirectories(work);
        CommandRunner runner = CommandRunner.standard();
        Path python = PythonLocator.python3();
        out.println("isoenv ensure() benchmark");
        out.println("  interpreter: " + python);
        out.println("  cores: " + Runtime.getRuntime().availableProcessors() + ", java " + System.getProperty("java.version"));

        List<Double> venv = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        String backend = "";
        AtomicInteger launches = new AtomicInteger();
        IsoenvClient isoenv = IsoenvClient.builder().launchListener(c -> launches.incrementAndGet()).build();
        PythonRequest request = PythonRequest.interpreter(python);
        // One unmeasured round of each warms the JVM, the interpreter cache and the OS page cache alike.
        for (int round = -1; round < COLD_ROUNDS; round++) {
            Path venvDir = work.resolve("venv-" + round);
            long start = System.nanoTime();
            ProcessResult r = runner.run(ProcessRequest.command(python.toString(), "-m", "venv",
                    venvDir.toString()).timeout(Duration.ofMinutes(5)).build());
            double venvMs = millis(start);
            if (!r.isSuccess()) {
                throw new IllegalStateException("python -m venv failed: " + r.tail());
            }
            Path envDir = work.resolve("isoenv-" + round);
            start = System.nanoTime();
            Environment env = isoenv.ensure(EnvironmentSpec.builder(envDir).python(request).build());
            double coldMs = millis(start);
            if (!env.run("python", "-m", "pip", "--version").isSuccess()) {
                throw new IllegalStateException("the environment has no working pip");
            }
            backend = env.backend();
            if (round >= 0) {
                venv.add(venvMs);
                cold.add(coldMs);
            }
        }

        EnvironmentSpec warmSpec = EnvironmentSpec.builder(work.resolve("isoenv-0")).python(request).build();
        List<Double> warm = new ArrayList<>();
        launches.set(0);
        for (int i = 0; i < WARM_ROUNDS; i++) {
            long start = System.nanoTime();
            isoenv.ensure(warmSpec);
            warm.add(millis(start));
        }

        double venvMedian = Samples.median(venv);
        double coldMedian = Samples.median(cold);
        double warmMedian = Samples.median(warm);
        double warmP99 = Samples.percentile(warm, 0.99);
        out.printf("%n  backend: %s%n", backend);
        out.printf("  python -m venv (with pip)       median %8.1f ms  runs %s%n", venvMedian, Samples.format(venv));
        out.printf("  isoenv cold ensure() (with pip) median %8.1f ms  runs %s%n", coldMedian, Samples.format(cold));
        out.printf("  isoenv warm ensure()            median %8.3f ms  p99 %.3f ms  over %d calls, %d processes started%n",
                warmMedian, warmP99, WARM_ROUNDS, launches.get());
        out.printf("%n  cold ratio  isoenv / venv = %.3f  (1/%.1f; target 1/20 = 0.050: %s)%n", coldMedian / venvMedian,
                venvMedian / coldMedian, coldMedian / venvMedian <= 0.05 ? "met" : "NOT met");
        out.printf("  warm ratio  median / 5 ms  = %.3f  (target <= 1: %s)%n", warmMedian / 5.0,
                warmMedian <= 5.0 ? "met" : "NOT met");
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }



}
