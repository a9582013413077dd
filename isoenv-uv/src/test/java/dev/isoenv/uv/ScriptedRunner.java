package dev.isoenv.uv;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.isoenv.OutputListener;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Mockito mock of {@link CommandRunner}, the process boundary: it records every request and answers each uv
 * subcommand with an exit code and output (usually a fixture of uv's real output), feeding the lines to the request's
 * listener as the real runner does, and optionally doing to the disk what uv would have done.
 */
final class ScriptedRunner {
    private final CommandRunner mock = mock(CommandRunner.class);
    private final List<ProcessRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Reply> replies = new HashMap<>();

    private record Reply(int exitCode, String stdout, String stderr, Consumer<ProcessRequest> effect) {
    }

    ScriptedRunner() {
        when(mock.run(any())).thenAnswer(invocation -> {
            ProcessRequest request = invocation.getArgument(0);
            requests.add(request);
            Reply reply = replies.get(key(request.command()));
            if (reply == null) {
                throw new AssertionError("unexpected command " + request.command());
            }
            reply.effect().accept(request);
            List<String> tail = new ArrayList<>();
            for (String line : reply.stdout().split("\\R")) {
                feed(request, OutputListener.Stream.STDOUT, line, tail);
            }
            for (String line : reply.stderr().split("\\R")) {
                feed(request, OutputListener.Stream.STDERR, line, tail);
            }
            return new ProcessResult(request.displayCommand(), reply.exitCode(), reply.stdout(), reply.stderr(), tail,
                    Duration.ofMillis(5));
        });
    }

    private static void feed(ProcessRequest request, OutputListener.Stream stream, String line, List<String> tail) {
        if (!line.isEmpty()) {
            String shown = request.masker().apply(line);
            request.listener().onLine(stream, shown);
            tail.add(shown);
        }
    }

    /** {@code version}, {@code venv}, {@code pip install}, {@code pip uninstall} or {@code python find}. */
    static String key(List<String> command) {
        String first = command.get(1);
        if (first.equals("--version") || first.equals("venv")) {
            return first.equals("venv") ? "venv" : "version";
        }
        return first + " " + command.get(2);
    }

    ScriptedRunner reply(String subcommand, int exitCode, String stdout, String stderr) {
        return reply(subcommand, exitCode, stdout, stderr, r -> { });
    }

    ScriptedRunner reply(String subcommand, int exitCode, String stdout, String stderr, Consumer<ProcessRequest> effect) {
        replies.put(subcommand, new Reply(exitCode, stdout, stderr, effect));
        return this;
    }

    CommandRunner runner() {
        return mock;
    }

    List<ProcessRequest> requests() {
        return new ArrayList<>(requests);
    }

    /** The requests for one subcommand, in order. */
    List<ProcessRequest> requests(String subcommand) {
        List<ProcessRequest> found = new ArrayList<>();
        for (ProcessRequest r : requests()) {
            if (key(r.command()).equals(subcommand)) {
                found.add(r);
            }
        }
        return found;
    }

    ProcessRequest only(String subcommand) {
        List<ProcessRequest> found = requests(subcommand);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + subcommand + ", got " + found);
        }
        return found.get(0);
    }
}
