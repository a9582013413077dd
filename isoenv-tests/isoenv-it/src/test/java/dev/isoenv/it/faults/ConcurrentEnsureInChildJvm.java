package dev.isoenv.it.faults;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A program that the fault tests start in several child JVMs at once: it ensures one environment from many threads,
 * all released together, prints {@code launch <command>} for every process it starts and {@code ok <n>} with the
 * number of callers that got a working environment.
 */
public final class ConcurrentEnsureInChildJvm {
    private ConcurrentEnsureInChildJvm() {
    }

    /**
     * Runs the program.
     *
     * @param args the environment's directory, the index URL, the number of threads, then the requirements
     * @throws Exception if a caller failed
     */
    public static void main(String[] args) throws Exception {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of(args[0]))
                .python(PythonRequest.defaultPython())
                .backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(args[1]).build())
                .requirements(List.of(args).subList(3, args.length))
                .build();
        int threads = Integer.parseInt(args[2]);
        IsoenvClient client = IsoenvClient.builder()
                .launchListener(command -> System.out.println("launch " + String.join(" ", command)))
                .build();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> callers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            callers.add(pool.submit(() -> {
                go.await();
                return client.ensure(spec).run("python", "-c", "import isoenv_demo_hello").isSuccess();
            }));
        }
        System.out.println("waiting");
        System.out.flush();
        // The parent releases every JVM at once by creating this file.
        Path release = Path.of(args[0] + ".go");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (!java.nio.file.Files.exists(release)) {
            if (System.nanoTime() > deadline) {
                // The parent test is gone: never wait forever.
                System.exit(2);
            }
            Thread.sleep(10);
        }
        go.countDown();
        int ok = 0;
        for (Future<Boolean> caller : callers) {
            if (caller.get()) {
                ok++;
            }
        }
        pool.shutdown();
        System.out.println("ok " + ok);
    }
}
