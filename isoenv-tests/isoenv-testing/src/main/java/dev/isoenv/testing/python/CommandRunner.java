package dev.isoenv.testing.python;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command with {@link ProcessBuilder}, never through a shell: with exactly the environment given, no
 * standard input, both outputs captured, and a time limit after which the process and its descendants are killed.
 */
public final class CommandRunner {
    private CommandRunner() {
    }

    /**
     * Runs a command and waits for it.
     *
     * @param command the program and its arguments
     * @param environment the whole environment of the child (the parent's is not inherited)
     * @param workingDirectory the child's working directory
     * @param limit how long it may run; a safety net against hangs, not a measurement
     * @return how it ended
     * @throws IllegalStateException if it ran past the limit (it is killed) or the thread was interrupted
     * @throws UncheckedIOException if it cannot be started
     */
    public static CommandResult run(List<String> command, Map<String, String> environment, Path workingDirectory,
                                    Duration limit) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("still running after " + limit + ", killed: " + command);
            }
            return new CommandResult(command, process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the output of " + command, e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "isoenv-test-command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }

    private static File nullDevice() {
        return new File(PipEnvironment.NULL_DEVICE);
    }
}
