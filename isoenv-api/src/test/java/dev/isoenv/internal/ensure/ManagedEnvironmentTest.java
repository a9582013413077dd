package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.CommandNotFoundException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.RunOptions;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an environment resolves what it runs, on a simulated operating system: the layout says Windows, the files are
 * real, and the runner (the process boundary) only records what it would have started.
 */
class ManagedEnvironmentTest {
    @TempDir
    Path tmp;

    private final List<List<String>> started = new ArrayList<>();
    private final CommandRunner recorder = request -> {
        started.add(request.command());
        return new ProcessResult(request.command(), 0, "", "", List.of(), Duration.ZERO);
    };

    private ManagedEnvironment environment(OperatingSystem os, String... scripts) throws IOException {
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(tmp.resolve("env"),
                tmp.resolve("env").resolve("site-packages"), os);
        Files.createDirectories(layout.scriptsDirectory());
        for (String script : scripts) {
            Path file = Files.writeString(layout.scriptsDirectory().resolve(script), "");
            file.toFile().setExecutable(true);
        }
        return new ManagedEnvironment(layout, "test", EnvironmentSpec.builder(layout.root()).build(), recorder,
                Map.of("PATH", ""), "", Map.of());
    }

    @Test
    void onWindowsABatchFileIsRefusedBeforeAnythingStarts() throws IOException {
        ManagedEnvironment env = environment(OperatingSystem.WINDOWS, "tool.cmd", "other.BAT");

        CommandNotFoundException run = assertThrows(CommandNotFoundException.class,
                () -> env.run(List.of("tool", "a&b"), RunOptions.defaults()));
        assertTrue(run.getMessage().contains("Command 'tool' resolves to " + env.scriptsDirectory().resolve("tool.cmd")
                + ", a batch file."), run.getMessage());
        assertTrue(run.getMessage().contains("through cmd.exe, which would read the arguments as shell syntax"),
                run.getMessage());
        assertTrue(run.getMessage().contains("Call the tool's .exe instead, or run it through the environment's"
                + " Python: python -m"), run.getMessage());
        assertThrows(CommandNotFoundException.class, () -> env.run("other"), "the extension in any case");
        assertThrows(CommandNotFoundException.class, () -> env.run("other.bat"));
        assertThrows(CommandNotFoundException.class, () -> env.processBuilder("tool", "x"));
        assertEquals(List.of(), started, "no process was started");
    }

    @Test
    void onWindowsTheExeBesideABatchFileIsWhatRuns() throws IOException {
        ManagedEnvironment env = environment(OperatingSystem.WINDOWS, "tool.exe", "tool.cmd");
        env.run("tool", "--version").requireSuccess();
        assertEquals(List.of(List.of(env.scriptsDirectory().resolve("tool.exe").toString(), "--version")), started);
        assertEquals(env.scriptsDirectory().resolve("tool.exe").toString(), env.processBuilder("tool").command().get(0));
    }

    @Test
    void elsewhereAFileNamedLikeABatchFileIsAnOrdinaryExecutable() throws IOException {
        ManagedEnvironment env = environment(OperatingSystem.LINUX, "tool.cmd");
        env.run("tool.cmd").requireSuccess();
        assertEquals(List.of(List.of(env.scriptsDirectory().resolve("tool.cmd").toString())), started);
    }
}
