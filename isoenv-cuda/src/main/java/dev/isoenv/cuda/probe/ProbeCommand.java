package dev.isoenv.cuda.probe;

import dev.isoenv.ProcessStartException;
import dev.isoenv.ProcessTimeoutException;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.spi.ProbeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one probe command through the context's {@link dev.isoenv.internal.process.ProcessRunner}, with the context's
 * variables and timeout and without a shell. Nothing here throws: a command that cannot start, times out or
 * fails is an {@link Outcome} with a problem.
 */
final class ProbeCommand {
    private static final int CAPTURE_LIMIT = 256 * 1024;

    private ProbeCommand() {
    }

    /**
     * How a command ended.
     *
     * @param stdout the standard output when the command succeeded, else null
     * @param output the last lines of output, for messages and retry decisions
     * @param problem why it failed, or null on success
     */
    record Outcome(String stdout, String output, String problem) {
        boolean succeeded() {
            return problem == null;
        }
    }

    static Outcome run(ProbeContext context, Path executable, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(arguments);
        String name = executable.getFileName() == null ? executable.toString() : executable.getFileName().toString();
        try {
            ProcessResult result = context.runner().run(ProcessRequest.command(command)
                    .environment(context.environment())
                    .timeout(context.timeout())
                    .captureLimit(CAPTURE_LIMIT)
                    .tailLines(5)
                    .build());
            String output = String.join(" / ", result.tail()).strip();
            if (!result.isSuccess()) {
                return new Outcome(null, output, name + " exited with code " + result.exitCode()
                        + (output.isEmpty() ? "" : ": " + output));
            }
            return new Outcome(result.stdout(), output, null);
        } catch (ProcessTimeoutException e) {
            return new Outcome(null, "", name + " did not answer within " + context.timeout().toMillis()
                    + " ms and was stopped");
        } catch (ProcessStartException e) {
            return new Outcome(null, "", name + " (" + executable + ") could not be started: " + e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(null, "", name + " failed: " + e);
        }
    }
}
