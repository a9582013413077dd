package dev.isoenv.internal.process;

import dev.isoenv.LaunchListener;
import dev.isoenv.OperationInterruptedException;
import dev.isoenv.OutputListener;
import dev.isoenv.ProcessOutputException;
import dev.isoenv.ProcessStartException;
import dev.isoenv.ProcessTimeoutException;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs processes for every part of isoenv: backends, interpreter discovery and {@code Environment.run}.
 *
 * <ul>
 *   <li>No shell: the command is handed to the operating system as a list, through commons-exec with quoting
 *       turned off for every argument, and without commons-exec's {@code cmd /c} wrapper on Windows.</li>
 *   <li>stdout and stderr are pumped concurrently (so a child that fills both pipes cannot deadlock), decoded
 *       as UTF-8, split into lines, masked by the request's {@link Redactor} and streamed to its listener.</li>
 *   <li>Every process carries a {@link ProcessMarker marker} variable that its descendants inherit. A timeout or
 *       an interrupt kills the whole process tree, and, where the OS shows process environments (Linux), every
 *       process that carries the marker, so that a descendant which re-parented itself or started a new session
 *       ({@code setsid}) dies too; after an interrupt the thread's interrupt flag is set again.</li>
 *   <li>A {@link ProcessTracker} can be told about every start, so that a record of the processes outlives the
 *       JVM.</li>
 *   <li>stdin is closed at once, so a child that asks a question gets end-of-file instead of hanging, unless the
 *       request gives bytes (pumped, then closed), a file or this JVM's own input.</li>
 *   <li>stdout may go, as raw bytes, to the request's stream ({@link ForwardingStream}), or stdout and stderr
 *       straight to this JVM's (interactive tools); what is not pumped through the collector is not captured.</li>
 * </ul>
 */
public final class ProcessRunner implements CommandRunner {
    /** How long to wait for the pump threads after the process ends, in case a grandchild holds a pipe open. */
    private static final Duration PUMP_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);

    /** How long a timeout or interrupt waits for the marked processes it killed to end. */
    private static final Duration SWEEP_WAIT = Duration.ofSeconds(5);

    private final LaunchListener launchListener;
    private final ProcessTracker tracker;

    private ProcessRunner(LaunchListener launchListener, ProcessTracker tracker) {
        this.launchListener = launchListener;
        this.tracker = tracker;
    }

    /**
     * Returns a runner with no launch listener.
     *
     * @return a runner
     */
    public static ProcessRunner create() {
        return new ProcessRunner(LaunchListener.NONE, ProcessTracker.NONE);
    }

    /**
     * Returns a runner that tells {@code listener} about every process before it starts.
     *
     * @param listener the launch listener
     * @return a runner
     */
    public static ProcessRunner withLaunchListener(LaunchListener listener) {
        return new ProcessRunner(Objects.requireNonNull(listener, "listener"), ProcessTracker.NONE);
    }

    /**
     * Returns a runner like this one that also tells {@code tracker} about every process it starts.
     *
     * @param tracker the tracker
     * @return a runner
     */
    public ProcessRunner tracking(ProcessTracker tracker) {
        return new ProcessRunner(launchListener, Objects.requireNonNull(tracker, "tracker"));
    }

    /**
     * Runs a process and waits for it to end. A non-zero exit code is returned, not thrown.
     *
     * @param request what to run
     * @return how it ended
     * @throws ProcessStartException if the process could not be started
     * @throws ProcessTimeoutException if it ran past its timeout; it was killed with its descendants
     * @throws OperationInterruptedException if the calling thread was interrupted; the process tree was killed
     * @throws ProcessOutputException if reading the output failed (an {@link OutOfMemoryError}, or an {@link Error}
     *     thrown by the listener); the process tree was killed and the rest of its output discarded
     */
    @Override
    public ProcessResult run(ProcessRequest request) {
        List<String> display = request.displayCommand();
        CommandLine commandLine = new CommandLine(request.command().get(0));
        for (String argument : request.command().subList(1, request.command().size())) {
            commandLine.addArgument(argument, false);
        }
        String token = ProcessMarker.newToken();
        TreeTrackingExecutor executor = new TreeTrackingExecutor(display, token, commandLine, request);
        // If a pump thread fails (an OutOfMemoryError, a listener's Error), the collector drains and discards the
        // rest and the process tree is killed, so the call ends and reports the failure.
        OutputCollector collector = new OutputCollector(request.listener(), Redactor.from(request.masker()),
                request.captureLimit(), request.tailLines(), executor::killTree);
        ForwardingStream forwarding = request.stdout().map(s -> new ForwardingStream(s, executor::killTree))
                .orElse(null);
        OutputStream out = forwarding != null ? forwarding : collector.stream(OutputListener.Stream.STDOUT);
        OutputStream err = collector.stream(OutputListener.Stream.STDERR);
        PumpStreamHandler pumps = new PumpStreamHandler(out, err,
                request.stdinBytes().map(b -> (java.io.InputStream) new java.io.ByteArrayInputStream(b)).orElse(null));
        pumps.setStopTimeout(PUMP_STOP_TIMEOUT);
        executor.setStreamHandler(pumps);
        executor.setExitValues(null);
        request.directory().ifPresent(d -> executor.setWorkingDirectory(d.toFile()));
        LatchResultHandler handler = new LatchResultHandler();

        long start = System.nanoTime();
        tracker.starting(token, String.join(" ", display));
        try {
            return await(request, display, executor, collector, handler, out, err, start);
        } finally {
            tracker.ended(token);
        }
    }

    private ProcessResult await(ProcessRequest request, List<String> display, TreeTrackingExecutor executor,
                                OutputCollector collector, LatchResultHandler handler, OutputStream out,
                                OutputStream err, long start) {
        try {
            executor.execute(executor.command, request.environment().orElse(null), handler);
        } catch (IOException e) {
            close(out);
            close(err);
            throw new ProcessStartException(display, e);
        }
        boolean timedOut = false;
        try {
            if (request.timeout().isPresent()) {
                handler.waitFor(request.timeout().get());
                if (!handler.hasResult() && (executor.processAlive() || !executor.started())) {
                    // Running, or still being launched on commons-exec's thread: either way it ends now.
                    timedOut = true;
                    executor.killTree();
                    handler.waitFor(KILL_GRACE);
                } else if (!handler.hasResult()) {
                    // The process ended in time; commons-exec is still draining a pipe a grandchild holds open.
                    handler.waitFor(PUMP_STOP_TIMEOUT.plus(KILL_GRACE));
                }
            } else {
                handler.waitFor();
            }
        } catch (InterruptedException e) {
            executor.killTree();
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException(String.join(" ", display), e);
        } finally {
            close(out);
            close(err);
        }
        if (executor.trackerFailure != null) {
            throw executor.trackerFailure;
        }
        if (collector.failure() != null) {
            throw new ProcessOutputException(display, collector.failure());
        }
        if (out instanceof ForwardingStream && ((ForwardingStream) out).failure() != null) {
            throw new ProcessOutputException(display, ((ForwardingStream) out).failure());
        }
        if (timedOut) {
            throw new ProcessTimeoutException(display, request.timeout().get(), collector.tail());
        }
        if (!executor.started()) {
            ExecuteException failure = handler.failure();
            Throwable cause = failure != null && failure.getCause() != null ? failure.getCause() : failure;
            throw new ProcessStartException(display, cause == null ? new IOException("unknown error") : cause);
        }
        int exitCode = executor.exitCode();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        return new ProcessResult(display, exitCode, collector.stdout(), collector.stderr(), collector.tail(), duration);
    }

    /**
     * Converts a duration to nanoseconds, saturating at {@link Long#MAX_VALUE} instead of overflowing, so that a
     * timeout of centuries means "wait" and never an exception after the process started.
     *
     * @param duration a non-negative duration
     * @return its nanoseconds, at most {@link Long#MAX_VALUE}
     */
    public static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void close(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // In-memory stream: nothing to report.
        }
    }

    /**
     * Wakes the waiting thread the moment the process ends. commons-exec's own DefaultExecuteResultHandler polls in
     * 50 ms sleeps, which added about 50 ms to every process.
     */
    private static final class LatchResultHandler implements ExecuteResultHandler {
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private volatile ExecuteException failure;

        @Override
        public void onProcessComplete(int exitValue) {
            done.countDown();
        }

        @Override
        public void onProcessFailed(ExecuteException e) {
            failure = e;
            done.countDown();
        }

        void waitFor() throws InterruptedException {
            done.await();
        }

        void waitFor(Duration timeout) throws InterruptedException {
            done.await(saturatedNanos(timeout), java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        boolean hasResult() {
            return done.getCount() == 0;
        }

        ExecuteException failure() {
            return failure;
        }
    }

    /**
     * A commons-exec executor that launches with {@link ProcessBuilder} directly (never {@code cmd /c}), tells
     * the launch listener, and remembers the process so that its whole tree can be killed.
     */
    private final class TreeTrackingExecutor extends DefaultExecutor {
        private final List<String> display;
        private final String token;
        private final CommandLine command;
        private final ProcessRequest request;
        private final AtomicReference<Process> process = new AtomicReference<>();
        /** Guards {@link #cancelled} against a launch that commons-exec runs on its own thread. */
        private final Object launchLock = new Object();
        private boolean cancelled;
        /** Why the tracker could not record the started process, which was then killed. */
        private volatile RuntimeException trackerFailure;

        @SuppressWarnings("deprecation")
        TreeTrackingExecutor(List<String> display, String token, CommandLine commandLine, ProcessRequest request) {
            super();
            this.display = display;
            this.token = token;
            this.command = commandLine;
            this.request = request;
        }

        @Override
        protected Process launch(CommandLine commandLine, Map<String, String> environment, Path directory)
                throws IOException {
            return start(commandLine, environment, directory == null ? null : directory.toFile());
        }

        @Override
        protected Process launch(CommandLine commandLine, Map<String, String> environment, java.io.File directory)
                throws IOException {
            return start(commandLine, environment, directory);
        }

        private Process start(CommandLine commandLine, Map<String, String> environment, java.io.File directory)
                throws IOException {
            launchListener.launching(display);
            // Arguments were added with quoting off and there is no substitution map, so toStrings() is the
            // command exactly as given (the executable's separators are normalized for this platform).
            ProcessBuilder builder = new ProcessBuilder(commandLine.toStrings());
            Map<String, String> env = builder.environment();
            if (environment != null) {
                env.clear();
                env.putAll(environment);
            }
            env.put(ProcessMarker.VARIABLE, token);
            if (directory != null) {
                builder.directory(directory);
            }
            // commons-exec then reads from, and writes to, the null streams of the redirected pipes: nothing.
            request.stdinRedirect().ifPresent(builder::redirectInput);
            if (request.inheritsOutput()) {
                builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            }
            synchronized (launchLock) {
                if (cancelled) {
                    throw new IOException("the call was cancelled (timeout or interrupt) before the process started");
                }
            }
            Process started = builder.start();
            synchronized (launchLock) {
                process.set(started);
                if (cancelled) {
                    // A timeout or interrupt came while this thread was launching: end it at once.
                    killStarted(started);
                    return started;
                }
            }
            try {
                tracker.started(token, started.toHandle());
            } catch (RuntimeException e) {
                // Unrecorded, it could outlive this JVM unnoticed: it does not run at all.
                trackerFailure = e;
                killStarted(started);
            }
            return started;
        }

        boolean started() {
            return process.get() != null;
        }

        boolean processAlive() {
            Process p = process.get();
            return p != null && p.isAlive();
        }

        /** Reads the exit code from the process itself, which commons-exec loses when a pump overruns. */
        int exitCode() {
            Process p = process.get();
            try {
                return p.waitFor(KILL_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /**
         * Kills the process and every descendant, descendants first so none escapes to a new parent, then every
         * process that still carries this start's marker: one that left the tree by re-parenting or {@code setsid}.
         */
        void killTree() {
            Process p;
            synchronized (launchLock) {
                cancelled = true;
                p = process.get();
            }
            if (p == null) {
                // Not started yet: start() sees the flag. Anything already carrying the marker ends now.
                ProcessMarker.killMarked(token, SWEEP_WAIT);
                return;
            }
            killStarted(p);
        }

        private void killStarted(Process p) {
            List<ProcessHandle> descendants = new ArrayList<>();
            p.toHandle().descendants().forEach(descendants::add);
            for (ProcessHandle h : descendants) {
                h.destroyForcibly();
            }
            p.destroyForcibly();
            // A descendant may have forked between the snapshot and the kill; sweep once more.
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            ProcessMarker.killMarked(token, SWEEP_WAIT);
        }
    }
}
