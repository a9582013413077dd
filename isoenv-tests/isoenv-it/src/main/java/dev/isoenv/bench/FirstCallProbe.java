package dev.isoenv.bench;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child side of {@link FirstCallBenchmark}: run in a fresh JVM, it makes that JVM's first {@code ensure()} call
 * and prints one line with its time, the processes it started, the classes it loaded and the CPU time of the calling
 * thread (which a busy machine disturbs less than the wall-clock time). The lines
 * {@value #START} and {@value #END} bracket the call, so that a class-loading trace on the same output can be cut to
 * it.
 */
public final class FirstCallProbe {
    /** Printed just before the call. */
    static final String START = "isoenv-bench: first call starts";
    /** Printed just after the call. */
    static final String END = "isoenv-bench: first call ends";
    /** Starts the result line: {@code isoenv-bench-result ms=... processes=... classes=... cpu-ms=...}. */
    public static final String RESULT = "isoenv-bench-result";

    private FirstCallProbe() {
    }

    /**
     * Makes the first call.
     *
     * @param args the environment's location, then the index URL its specification names (or {@code -} for none),
     *     then, optionally, the Python interpreter it asks for (by default, whichever discovery finds)
     */
    public static void main(String[] args) {
        Path location = Path.of(args[0]);
        String indexUrl = args.length > 1 ? args[1] : "-";
        String python = args.length > 2 ? args[2] : "-";
        // Loaded before the call, so that the bean's own classes are not counted as the call's.
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long classesBefore = classes.getTotalLoadedClassCount();
        long cpuStart = threads.getCurrentThreadCpuTime();
        System.out.println(START);
        System.out.flush();

        long start = System.nanoTime();
        AtomicInteger launches = new AtomicInteger();
        IsoenvClient isoenv = IsoenvClient.builder().launchListener(command -> launches.incrementAndGet()).build();
        isoenv.ensure(spec(location, indexUrl, python));
        long nanos = System.nanoTime() - start;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;

        System.out.println(END);
        long loaded = classes.getTotalLoadedClassCount() - classesBefore;
        // Formatted first and printed whole, so that a traced class load cannot land inside the line.
        String result = String.format(Locale.ROOT, "%s ms=%.3f processes=%d classes=%d cpu-ms=%.3f", RESULT,
                nanos / 1e6, launches.get(), loaded, cpuNanos / 1e6);
        System.out.println(result);
        System.out.flush();
    }

    /**
     * Returns the specification that the parent and the children use; they must agree on it exactly.
     *
     * @param location the environment's location
     * @param indexUrl the index that serves {@code isoenv-demo-hello}, whose 1.0 it requires; {@code -} for an empty
     *     specification
     * @return the specification
     */
    public static EnvironmentSpec spec(Path location, String indexUrl) {
        return spec(location, indexUrl, "-");
    }

    /**
     * Returns the specification that the parent and the children use, for one interpreter.
     *
     * @param location the environment's location
     * @param indexUrl the index that serves {@code isoenv-demo-hello}, whose 1.0 it requires; {@code -} for an empty
     *     specification
     * @param python the interpreter it asks for; {@code -} for whichever discovery finds
     * @return the specification
     */
    public static EnvironmentSpec spec(Path location, String indexUrl, String python) {
        EnvironmentSpec.Builder b = EnvironmentSpec.builder(location);
        if (!"-".equals(python)) {
            b.python(PythonRequest.interpreter(Path.of(python)));
        }
        if (!"-".equals(indexUrl)) {
            b.inheritMachineConfiguration(false)
                    .indexes(PackageIndexes.builder().indexUrl(indexUrl).build())
                    .requirement(dev.isoenv.testing.dist.TestPackages.HELLO + "==1.0");
        }
        return b.build();
    }
}
