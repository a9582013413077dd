package dev.isoenv.demo;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.ConsoleReporter;
import dev.isoenv.IsoenvClient;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.RunResult;
import dev.isoenv.BackendCandidate;
import dev.isoenv.Accelerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates an environment under the given directory, installs {@code tabulate} from whatever index the machine's pip
 * is configured with (as a user's program would), runs its {@code tabulate} console script, and prints each step with
 * its timing and the number of processes it started. Progress is shown by {@link ConsoleReporter}.
 */
public final class Demo {
    private static final String PACKAGE = "tabulate";

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args one argument: the working directory, such as {@code isoenv-tests/isoenv-it/target/demo}
     * @throws IOException if the working directory cannot be prepared
     */
    public static void main(String[] args) throws IOException {
        // One line per log record, as README's logging section shows; set before the first record is written.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Path work = Path.of(args.length > 0 ? args[0] : "target/demo").toAbsolutePath();
        PrintStream out = System.out;
        Path root = work.resolve("tabulate-env");
        if (Files.exists(root)) {
            MoreFiles.deleteRecursively(root, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.createDirectories(work);

        out.println("isoenv demo");
        out.println("  backends found:");
        for (BackendCandidate c : Isoenv.backends()) {
            out.println("    - " + c);
        }
        Accelerator accelerator = Isoenv.detectAccelerator();
        out.println("  accelerator: " + accelerator);

        AtomicInteger launches = new AtomicInteger();
        long[] stepStart = {System.nanoTime()};
        // The ready-made reporter: a live progress line on a terminal, plain lines in a log or a pipe.
        IsoenvClient isoenv = IsoenvClient.builder()
                .listener(ConsoleReporter.to(out, System.console() != null))
                .launchListener(command -> {
                    launches.incrementAndGet();
                    out.printf("    +%6.0f ms  $ %s%n", millis(stepStart[0]), String.join(" ", command));
                })
                .build();
        EnvironmentSpec spec = EnvironmentSpec.builder(root).requirement(PACKAGE).build();

        out.println("\n1. ensure() a new environment at " + root + " with '" + PACKAGE + "'");
        long start = System.nanoTime();
        stepStart[0] = start;
        Environment env = isoenv.ensure(spec);
        out.printf("   created and installed in %.0f ms, %d processes started (backend %s, %s)%n",
                millis(start), launches.getAndSet(0), env.backend(), env.python());
        out.println("   plan: " + env.explanation());

        out.println("\n2. ensure() again with the same specification");
        start = System.nanoTime();
        stepStart[0] = start;
        isoenv.ensure(spec);
        out.printf("   returned in %.2f ms, %d processes started%n", millis(start), launches.getAndSet(0));

        out.println("\n3. run the package's console script from the environment");
        Path table = work.resolve("models.csv");
        Files.writeString(table, "model,parameters,language\ntiny,39M,multilingual\nsmall,244M,multilingual\n"
                + "large-v3,1550M,multilingual\n", StandardCharsets.UTF_8);
        start = System.nanoTime();
        stepStart[0] = start;
        RunResult result = env.run("tabulate", "-1", "-s", ",", "-f", "github", table.toString()).requireSuccess();
        out.printf("   %s -> exit %d in %.0f ms%n", String.join(" ", result.command()), result.exitCode(), millis(start));
        result.stdout().lines().forEach(line -> out.println("   " + line));

        out.println("\n4. the environment's own python, never the host's");
        stepStart[0] = System.nanoTime();
        RunResult python = env.run("python", "-c", "import sys, tabulate; print(sys.prefix, tabulate.__version__)");
        out.println("   " + python.stdout().strip());

        List<?> installed = env.installedDistributions();
        out.println("\n5. installed distributions (read from metadata, no process): " + installed);
        out.println("\nThe environment stays at " + root + "; run the demo again to rebuild it from scratch.");
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
