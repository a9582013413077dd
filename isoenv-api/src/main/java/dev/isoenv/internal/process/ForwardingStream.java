package dev.isoenv.internal.process;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes a process's standard output, byte for byte, to the caller's stream. If that stream fails (an
 * {@link IOException}, or anything it throws), the failure is kept, the process tree is killed and every later byte is
 * read and discarded, so that the child never blocks on a full pipe; the runner then throws. Closing it flushes the
 * caller's stream and leaves it open: the caller owns it.
 */
final class ForwardingStream extends OutputStream {
    private final OutputStream target;
    private final Runnable onFailure;
    private volatile Throwable failure;

    ForwardingStream(OutputStream target, Runnable onFailure) {
        this.target = target;
        this.onFailure = onFailure;
    }

    /** What the caller's stream threw, or {@code null}. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (failure != null) {
            return;
        }
        try {
            target.write(bytes, offset, length);
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    @Override
    public void flush() {
        if (failure != null) {
            return;
        }
        try {
            target.flush();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            try {
                onFailure.run();
            } catch (RuntimeException ignored) {
                // The bytes are still drained; the call fails with the first throwable.
            }
        }
    }
}
