package dev.isoenv.internal.process;

import dev.isoenv.OutputListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Collects the output of one process: splits each stream into UTF-8 lines, masks secrets, hands each line to
 * the listener, keeps the captured text up to a limit, and keeps the last lines of both streams for error
 * messages. Each stream writes through its own {@link OutputStream}; the shared parts are synchronized.
 */
final class OutputCollector {
    /** Lines longer than this are split, so a process that never writes a newline cannot exhaust memory. */
    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final OutputListener listener;
    private final Redactor redactor;
    private final int captureLimit;
    private final int tailLines;
    private final Deque<String> tail = new ArrayDeque<>();
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();

    OutputCollector(OutputListener listener, Redactor redactor, int captureLimit, int tailLines) {
        this.listener = listener;
        this.redactor = redactor;
        this.captureLimit = captureLimit;
        this.tailLines = tailLines;
    }

    OutputStream stream(OutputListener.Stream which) {
        return new LineSplitter(which);
    }

    private void line(OutputListener.Stream which, String raw) {
        String line = redactor.redact(raw);
        synchronized (this) {
            StringBuilder captured = which == OutputListener.Stream.STDOUT ? stdout : stderr;
            if (captured.length() < captureLimit) {
                captured.append(line, 0, Math.min(line.length(), captureLimit - captured.length()));
                if (captured.length() < captureLimit) {
                    captured.append('\n');
                }
            }
            if (tailLines > 0) {
                if (tail.size() == tailLines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
        }
        try {
            listener.onLine(which, line);
        } catch (RuntimeException e) {
            // A faulty listener must not stop the pump, or the child could block on a full pipe.
        }
    }

    synchronized String stdout() {
        return stdout.toString();
    }

    synchronized String stderr() {
        return stderr.toString();
    }

    synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    /** Splits bytes into lines on LF, CR or CRLF, and decodes each line as UTF-8. */
    private final class LineSplitter extends OutputStream {
        private final OutputListener.Stream which;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        private boolean lastWasCr;

        LineSplitter(OutputListener.Stream which) {
            this.which = which;
        }

        @Override
        public void write(int b) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                return;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                emit();
            } else {
                buffer.write(b);
                if (buffer.size() >= MAX_LINE_BYTES) {
                    emit();
                }
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            for (int k = off; k < off + len; k++) {
                write(bytes[k]);
            }
        }

        @Override
        public void flush() {
            // Partial lines are kept until a newline arrives or the stream closes.
        }

        @Override
        public void close() {
            if (buffer.size() > 0) {
                emit();
            }
        }

        private void emit() {
            String text = buffer.toString(StandardCharsets.UTF_8);
            buffer.reset();
            line(which, text);
        }
    }
}
