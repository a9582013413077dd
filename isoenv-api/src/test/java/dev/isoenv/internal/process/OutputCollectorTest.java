package dev.isoenv.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.OutputListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputCollectorTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private OutputCollector collector(int limit) {
        return new OutputCollector((s, l) -> lines.add(l), Redactor.urlCredentials(), limit, 5);
    }

    @Test
    void multiByteCharactersSplitAcrossWritesAreDecodedWhole() throws Exception {
        String text = "naïve café ✓ 日本語 😀 end\r\nsecond\rthird\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 7; chunk++) {
            lines.clear();
            OutputCollector c = collector(1000);
            OutputStream out = c.stream(OutputListener.Stream.STDOUT);
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
            out.close();
            assertEquals(List.of("naïve café ✓ 日本語 😀 end", "second", "third"), lines, "chunk " + chunk);
            assertEquals("naïve café ✓ 日本語 😀 end\nsecond\nthird\n", c.stdout());
        }
    }

    @Test
    void aLongLineIsCutAtACharacterBoundary() throws Exception {
        OutputCollector c = collector(1000);
        OutputStream out = c.stream(OutputListener.Stream.STDOUT);
        byte[] line = ("é".repeat(OutputCollector.MAX_LINE_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(line, 0, 3); // an odd start, so that the cut would fall inside a character
        out.write(line, 3, line.length - 3);
        out.close();
        assertEquals(String.join("", lines), "é".repeat(OutputCollector.MAX_LINE_BYTES));
        assertTrue(lines.size() > 1);
        lines.forEach(l -> assertTrue(!l.contains("\uFFFD"), "no broken character"));
    }

    @Test
    void outputWithinTheLimitIsKeptWhole() throws Exception {
        OutputCollector c = collector(100);
        OutputStream out = c.stream(OutputListener.Stream.STDERR);
        out.write("a\nbb\nccc\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("a\nbb\nccc\n", c.stderr());
    }

    @Test
    void longOutputKeepsTheFirstPartAndTheLastLines() throws Exception {
        OutputCollector c = collector(1000);
        OutputStream out = c.stream(OutputListener.Stream.STDOUT);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            all.append("line ").append(i).append('\n');
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 8192) {
            out.write(bytes, i, Math.min(8192, bytes.length - i));
        }
        String captured = c.stdout();
        assertTrue(captured.startsWith(all.substring(0, 500)), "the first half of the limit");
        assertTrue(captured.endsWith("line 99998\nline 99999\n"), "the last lines");
        assertTrue(captured.contains(" characters omitted]\n"), captured);
        String tailPart = captured.substring(captured.indexOf("omitted]\n") + 9);
        assertTrue(tailPart.startsWith("line "), "the tail starts at a line boundary: " + tailPart);
        assertTrue(tailPart.length() <= 500);
        long omitted = Long.parseLong(captured.replaceAll("(?s).*\\[isoenv: (\\d+) characters omitted].*", "$1"));
        assertEquals(all.length(), 500 + omitted + tailPart.length());
        assertEquals(List.of("line 99995", "line 99996", "line 99997", "line 99998", "line 99999"), c.tail());
    }

    @Test
    void theCaptureIsBoundedByTheHeap() {
        assertEquals(16 * 1024 * 1024, OutputCollector.effectiveLimit(16 * 1024 * 1024, 4L << 30));
        assertEquals(1024 * 1024, OutputCollector.effectiveLimit(16 * 1024 * 1024, 64L << 20));
        assertEquals(0, OutputCollector.effectiveLimit(0, 64L << 20));
    }

    @Test
    void aZeroLimitCapturesNothing() throws Exception {
        OutputCollector c = collector(0);
        c.stream(OutputListener.Stream.STDOUT).write("abc\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("", c.stdout());
        assertEquals(List.of("abc"), lines);
    }

    @Test
    void aFailingPumpDrainsTheRestAndReportsOnce() throws Exception {
        AtomicInteger killed = new AtomicInteger();
        AtomicInteger seen = new AtomicInteger();
        OutputCollector c = new OutputCollector((s, l) -> {
            if (seen.incrementAndGet() == 2) {
                throw new OutOfMemoryError("simulated");
            }
        }, Redactor.urlCredentials(), 100, 5, killed::incrementAndGet);
        OutputStream out = c.stream(OutputListener.Stream.STDOUT);
        assertNull(c.failure());
        for (int i = 0; i < 1000; i++) {
            out.write("x\n".getBytes(StandardCharsets.UTF_8)); // never throws
        }
        out.close();
        assertInstanceOf(OutOfMemoryError.class, c.failure());
        assertEquals(1, killed.get());
        assertEquals(2, seen.get(), "nothing reaches the listener after the failure");
    }

    @Test
    void aListenerRuntimeExceptionIsIgnored() throws Exception {
        OutputCollector c = new OutputCollector((s, l) -> {
            throw new IllegalStateException("bad listener");
        }, Redactor.urlCredentials(), 100, 5);
        c.stream(OutputListener.Stream.STDOUT).write("a\nb\n".getBytes(StandardCharsets.UTF_8));
        assertNull(c.failure());
        assertEquals("a\nb\n", c.stdout());
    }
}
