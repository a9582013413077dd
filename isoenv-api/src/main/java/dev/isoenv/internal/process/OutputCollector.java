package dev.isoenv.internal.process;

import dev.isoenv.OutputListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Collects the output of one process: splits each stream into UTF-8 lines, masks secrets, hands each line to
 * the listener, keeps a bounded capture of each stream, and keeps the last lines of both streams for error
 * messages. Each stream writes through its own {@link OutputStream}; the shared parts are synchronized.
 *
 * <h2>Memory bound</h2>
 * Memory does not grow with the amount of output. With {@code E = min(captureLimit, maxHeap / 64)} characters
 * (maxHeap is {@link Runtime#maxMemory()}), one process holds at most:
 * <ul>
 *   <li>per stream, a capture of at most {@code E} characters in two {@code char} arrays (the first half of the
 *       output and a ring of the last half): {@code 2E} bytes, briefly {@code 3E} while an array grows;</li>
 *   <li>per stream, a line buffer of at most {@link #MAX_LINE_BYTES} bytes and one decoded line of at most as
 *       many characters (about 192 KiB);</li>
 *   <li>the last {@code tailLines} lines, each cut to {@link #MAX_TAIL_LINE_CHARS} characters.</li>
 * </ul>
 * Building the result of one stream copies its capture twice more (a builder and the string), so the peak for a
 * process is about {@code 8E} bytes plus 400 KiB plus the tail lines: with the defaults of
 * {@code Environment.run} (16 Mi characters) and a heap of 4 GiB or more, 128 MiB; with {@code -Xmx64m}, 8 MiB.
 *
 * <h2>Failures</h2>
 * If anything on a pump thread throws, {@link OutOfMemoryError} included (an {@code Error} from the listener too;
 * a {@code RuntimeException} from the listener is ignored), the first throwable is kept, the captures are freed,
 * the {@code onFailure} action runs (the runner kills the process tree) and every later byte is read and
 * discarded, so the child can never block on a full pipe.
 */
final class OutputCollector {
    /** Lines longer than this many bytes are split (at a UTF-8 character boundary). */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** Lines kept for error messages are cut to this many characters. */
    static final int MAX_TAIL_LINE_CHARS = 4096;

    private final OutputListener listener;
    private final Redactor redactor;
    private final int tailLines;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Capture stdout;
    private final Capture stderr;
    private final Runnable onFailure;
    private volatile Throwable failure;

    OutputCollector(OutputListener listener, Redactor redactor, int captureLimit, int tailLines) {
        this(listener, redactor, captureLimit, tailLines, () -> { });
    }

    OutputCollector(OutputListener listener, Redactor redactor, int captureLimit, int tailLines, Runnable onFailure) {
        this.listener = listener;
        this.redactor = redactor;
        this.tailLines = tailLines;
        int effective = effectiveLimit(captureLimit, Runtime.getRuntime().maxMemory());
        this.stdout = new Capture(effective);
        this.stderr = new Capture(effective);
        this.onFailure = onFailure;
    }

    /**
     * Returns how many characters of each stream are kept: the capture limit, but never more than a 64th of the
     * heap, so that the captures of one process cannot take more than an eighth of it.
     */
    static int effectiveLimit(int captureLimit, long maxHeapBytes) {
        long heapShare = maxHeapBytes == Long.MAX_VALUE ? Integer.MAX_VALUE : maxHeapBytes / 64;
        return (int) Math.max(0, Math.min(captureLimit, heapShare));
    }

    OutputStream stream(OutputListener.Stream which) {
        return new LineSplitter(which);
    }

    /** Returns what a pump thread threw, or {@code null}. */
    Throwable failure() {
        return failure;
    }

    private void fail(Throwable t) {
        if (failure != null) {
            return;
        }
        failure = t;
        synchronized (this) {
            stdout.clear();
            stderr.clear();
            tail.clear();
        }
        try {
            onFailure.run();
        } catch (Throwable ignored) {
            // The bytes are still drained, so the child cannot block; the call fails with the first throwable.
        }
    }

    private void line(OutputListener.Stream which, String raw) {
        String line = redactor.redact(raw);
        synchronized (this) {
            Capture captured = which == OutputListener.Stream.STDOUT ? stdout : stderr;
            captured.appendLine(line);
            if (tailLines > 0) {
                if (tail.size() == tailLines) {
                    tail.removeFirst();
                }
                tail.addLast(line.length() > MAX_TAIL_LINE_CHARS ? line.substring(0, MAX_TAIL_LINE_CHARS) + "…" : line);
            }
        }
        try {
            listener.onLine(which, line);
        } catch (RuntimeException e) {
            // A faulty listener must not stop the pump, or the child could block on a full pipe.
        }
    }

    synchronized String stdout() {
        return stdout.text();
    }

    synchronized String stderr() {
        return stderr.text();
    }

    synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    /**
     * The first part and the last lines of one stream, in at most {@code limit} characters: the first half is kept
     * as it came, the second half is a ring of the latest characters. When nothing was dropped, {@link #text()} is
     * the whole output; otherwise it is the first part, a line saying how many characters were left out, and the
     * last lines (starting at a line boundary).
     */
    static final class Capture {
        private static final char[] EMPTY = new char[0];

        private final int headLimit;
        private final int ringLimit;
        private char[] head = EMPTY;
        private int headLength;
        private char[] ring = EMPTY;
        private int ringStart;
        private int ringLength;
        private long dropped;
        private char lastDropped;

        Capture(int limit) {
            this.headLimit = limit / 2;
            this.ringLimit = limit - headLimit;
        }

        void appendLine(String line) {
            append(line);
            append("\n");
        }

        void append(String s) {
            int from = 0;
            int length = s.length();
            if (headLength < headLimit) {
                int n = Math.min(length, headLimit - headLength);
                head = grow(head, headLength + n, headLimit);
                s.getChars(0, n, head, headLength);
                headLength += n;
                from = n;
            }
            if (from < length) {
                appendToRing(s, from, length);
            }
        }

        private void appendToRing(String s, int from, int to) {
            int k = to - from;
            if (ringLimit == 0) {
                dropped += k;
                lastDropped = s.charAt(to - 1);
                return;
            }
            if (k >= ringLimit) {
                // The new text alone fills the ring: everything older goes.
                dropped += ringLength + (k - ringLimit);
                lastDropped = s.charAt(to - ringLimit - 1 >= from ? to - ringLimit - 1 : from);
                if (k == ringLimit && ringLength > 0) {
                    lastDropped = ring[(ringStart + ringLength - 1) % ring.length];
                }
                ring = grow(ring, ringLimit, ringLimit);
                s.getChars(to - ringLimit, to, ring, 0);
                ringStart = 0;
                ringLength = ringLimit;
                return;
            }
            if (ring.length < ringLimit && ringLength + k > ring.length) {
                // Still linear (ringStart is 0): grow, doubling, up to the limit.
                ring = grow(ring, ringLength + k, ringLimit);
            }
            int overflow = ringLength + k - ring.length;
            if (overflow > 0) {
                dropped += overflow;
                lastDropped = ring[(ringStart + overflow - 1) % ring.length];
                ringStart = (ringStart + overflow) % ring.length;
                ringLength -= overflow;
            }
            int pos = (ringStart + ringLength) % ring.length;
            int first = Math.min(k, ring.length - pos);
            s.getChars(from, from + first, ring, pos);
            s.getChars(from + first, to, ring, 0);
            ringLength += k;
        }

        /** Returns an array of at least {@code needed} characters, growing by doubling but never past {@code max}. */
        private static char[] grow(char[] array, int needed, int max) {
            if (needed <= array.length) {
                return array;
            }
            int capacity = (int) Math.min(max, Math.max(needed, Math.max(256L, 2L * array.length)));
            char[] bigger = new char[capacity];
            System.arraycopy(array, 0, bigger, 0, array.length);
            return bigger;
        }

        void clear() {
            head = EMPTY;
            ring = EMPTY;
            headLength = 0;
            ringLength = 0;
            ringStart = 0;
            dropped = 0;
        }

        long dropped() {
            return dropped;
        }

        String text() {
            if (headLimit + ringLimit == 0) {
                return "";
            }
            char[] last = new char[ringLength];
            int first = Math.min(ringLength, ring.length - ringStart);
            System.arraycopy(ring, ringStart, last, 0, first);
            System.arraycopy(ring, 0, last, first, ringLength - first);
            if (dropped == 0) {
                return new StringBuilder(headLength + ringLength).append(head, 0, headLength).append(last).toString();
            }
            int skip = 0;
            if (lastDropped != '\n') {
                // Start the tail at a line boundary, unless the kept part is one unbroken line.
                for (int i = 0; i < last.length - 1; i++) {
                    if (last[i] == '\n') {
                        skip = i + 1;
                        break;
                    }
                }
            }
            long omitted = dropped + skip;
            StringBuilder text = new StringBuilder(headLength + ringLength - skip + 64).append(head, 0, headLength);
            if (headLength > 0 && head[headLength - 1] != '\n') {
                text.append('\n');
            }
            text.append("[isoenv: ").append(omitted).append(" characters omitted]\n");
            return text.append(last, skip, last.length - skip).toString();
        }
    }

    /**
     * Splits bytes into lines on LF, CR or CRLF, and decodes each line as UTF-8. The bytes of a line are kept until
     * its end arrives, so a multi-byte character split across writes is decoded whole; a line longer than
     * {@link #MAX_LINE_BYTES} is cut at a character boundary. Works on whole arrays: a scan for line ends, one
     * copy for an unfinished line, one decode per line.
     */
    private final class LineSplitter extends OutputStream {
        private final OutputListener.Stream which;
        private byte[] pending = new byte[256];
        private int pendingLength;
        private boolean lastWasCr;

        LineSplitter(OutputListener.Stream which) {
            this.which = which;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            if (failure != null) {
                return; // drain and discard
            }
            try {
                split(bytes, off, len);
            } catch (Throwable t) {
                pending = new byte[0];
                pendingLength = 0;
                fail(t);
            }
        }

        private void split(byte[] b, int off, int len) {
            int end = off + len;
            int i = off;
            if (lastWasCr && i < end) {
                lastWasCr = false;
                if (b[i] == '\n') {
                    i++;
                }
            }
            int start = i;
            while (i < end) {
                byte c = b[i];
                if (c == '\n' || c == '\r') {
                    lineEnd(b, start, i);
                    i++;
                    if (c == '\r') {
                        if (i == end) {
                            lastWasCr = true;
                        } else if (b[i] == '\n') {
                            i++;
                        }
                    }
                    start = i;
                } else {
                    i++;
                }
            }
            if (start < end) {
                addPending(b, start, end);
            }
        }

        private void lineEnd(byte[] b, int from, int to) {
            if (pendingLength == 0 && to - from <= MAX_LINE_BYTES) {
                line(which, new String(b, from, to - from, StandardCharsets.UTF_8));
                return;
            }
            addPending(b, from, to);
            emitPending();
        }

        private void addPending(byte[] b, int from, int to) {
            while (from < to) {
                if (pendingLength == MAX_LINE_BYTES) {
                    int cut = utf8Boundary(pending, pendingLength);
                    line(which, new String(pending, 0, cut, StandardCharsets.UTF_8));
                    System.arraycopy(pending, cut, pending, 0, pendingLength - cut);
                    pendingLength -= cut;
                }
                int n = Math.min(to - from, MAX_LINE_BYTES - pendingLength);
                if (pendingLength + n > pending.length) {
                    byte[] bigger = new byte[Math.min(MAX_LINE_BYTES, Math.max(pendingLength + n, 2 * pending.length))];
                    System.arraycopy(pending, 0, bigger, 0, pendingLength);
                    pending = bigger;
                }
                System.arraycopy(b, from, pending, pendingLength, n);
                pendingLength += n;
                from += n;
            }
        }

        private void emitPending() {
            String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
            pendingLength = 0;
            line(which, text);
        }

        @Override
        public void flush() {
            // Partial lines are kept until a newline arrives or the stream closes.
        }

        @Override
        public void close() {
            if (failure == null && pendingLength > 0) {
                try {
                    emitPending();
                } catch (Throwable t) {
                    fail(t);
                }
            }
        }
    }

    /**
     * Returns where an unfinished UTF-8 sequence at the end of {@code bytes[0, length)} starts, or {@code length}
     * if the bytes end with a complete character (or with bytes that are not UTF-8 at all).
     */
    static int utf8Boundary(byte[] bytes, int length) {
        for (int k = length - 1; k >= Math.max(0, length - 3); k--) {
            int c = bytes[k] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for the lead byte
            }
            if (c < 0xC0) {
                return length;
            }
            int needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            return length - k < needed && k > 0 ? k : length;
        }
        return length;
    }
}
