package dev.isoenv.internal.process;

import dev.isoenv.OutputListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Measures the line splitter's throughput (not a test): 256 MB of 100-byte lines, written in 8 KiB chunks as
 * commons-exec's pump does, through the URL-credential redactor, the capture and a counting listener.
 * Run after {@code mvn -o -q test-compile -pl isoenv-api}:
 * {@code java -cp isoenv-api/target/classes:isoenv-api/target/test-classes
 * dev.isoenv.internal.process.OutputCollectorBenchmark}
 */
public final class OutputCollectorBenchmark {
    private OutputCollectorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder block = new StringBuilder();
        for (int i = 0; block.length() < 1 << 20; i++) {
            block.append(String.format("line %07d ", i)).append("x".repeat(86)).append("é\n");
        }
        byte[] bytes = block.toString().getBytes(StandardCharsets.UTF_8);
        long[] lines = new long[1];
        for (int round = 0; round < 5; round++) {
            OutputCollector collector = new OutputCollector((s, l) -> lines[0]++, Redactor.urlCredentials(),
                    16 * 1024 * 1024, 40);
            OutputStream out = collector.stream(OutputListener.Stream.STDOUT);
            long total = 0;
            long start = System.nanoTime();
            while (total < 256L << 20) {
                for (int i = 0; i < bytes.length; i += 8192) {
                    out.write(bytes, i, Math.min(8192, bytes.length - i));
                }
                total += bytes.length;
            }
            out.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: %.0f MB/s (%d MB, %d lines, captured %d chars)%n", round,
                    total / 1e6 / seconds, total >> 20, lines[0], collector.stdout().length());
            lines[0] = 0;
        }
    }
}
