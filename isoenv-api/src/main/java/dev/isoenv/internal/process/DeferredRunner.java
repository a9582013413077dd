package dev.isoenv.internal.process;

import dev.isoenv.LaunchListener;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.util.Objects;

/**
 * A {@link CommandRunner} that makes its {@link ProcessRunner} when the first process starts, so that a call that
 * starts none, such as a warm {@code ensure()}, loads none of the process machinery (commons-exec, the output pumps).
 * It behaves exactly as {@link ProcessRunner#withLaunchListener} would.
 */
public final class DeferredRunner implements CommandRunner {
    private final LaunchListener listener;
    private volatile CommandRunner runner;

    /**
     * Creates the runner.
     *
     * @param listener told about every process before it starts
     */
    public DeferredRunner(LaunchListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public ProcessResult run(ProcessRequest request) {
        CommandRunner r = runner;
        if (r == null) {
            r = ProcessRunner.withLaunchListener(listener);
            runner = r;
        }
        return r.run(request);
    }
}
