package dev.isoenv.testing.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipEnvironmentTest {
    @Test
    void removesPipVariablesAndSwitchesConfigFilesOff() {
        Map<String, String> parent = new HashMap<>();
        parent.put("PIP_INDEX_URL", "http://mirror.invalid/simple/");
        parent.put("pip_find_links", "links-directory");
        parent.put("PATH", "bin-directory");
        parent.put("NO_PROXY", "example.org");

        Map<String, String> isolated = PipEnvironment.isolate(parent);

        assertEquals(Map.of("PATH", "bin-directory", "PIP_CONFIG_FILE", PipEnvironment.NULL_DEVICE,
                "NO_PROXY", "example.org,127.0.0.1,localhost", "no_proxy", "127.0.0.1,localhost"), isolated);
        assertEquals(isolated, PipEnvironment.isolate(isolated), "isolating twice changes nothing");
    }

    @Test
    void aRealPipSeesNoConfigurationButTheNullConfigFile(@TempDir Path dir) {
        Map<String, String> parent = new HashMap<>(System.getenv());
        parent.put("PIP_INDEX_URL", "http://mirror.invalid/simple/");
        parent.put("PIP_FIND_LINKS", dir.toString());

        CommandResult config = CommandRunner.run(List.of(PythonLocator.python3().toString(), "-m", "pip",
                "config", "list"), PipEnvironment.isolate(parent), dir, Duration.ofMinutes(1)).requireSuccess();

        assertEquals(":env:.config-file='" + PipEnvironment.NULL_DEVICE + "'", config.stdout().strip(),
                config::describe);
    }

    @Test
    void theRunnerCapturesBothOutputsAndTheExitCode(@TempDir Path dir) throws Exception {
        CommandResult result = CommandRunner.run(List.of(PythonLocator.python3().toString(), "-c",
                "import sys, os; print('out', os.getcwd() == sys.argv[1]); print('err', file=sys.stderr); sys.exit(3)",
                dir.toRealPath().toString()), PipEnvironment.current(), dir, Duration.ofMinutes(1));

        assertEquals(3, result.exitCode());
        assertEquals("out True", result.stdout().strip());
        assertEquals("err", result.stderr().strip());
        assertFalse(result.succeeded());
        assertTrue(result.describe().contains("exit code 3"));
    }

    @Test
    void theLocatorFindsARealPython3() {
        Path python = PythonLocator.python3();

        CommandResult version = CommandRunner.run(List.of(python.toString(), "-c",
                "import sys; print(sys.version_info[0])"), PipEnvironment.current(), python.getParent(),
                Duration.ofMinutes(1)).requireSuccess();
        assertEquals("3", version.stdout().strip());
        assertNotEquals(-1, python.toString().indexOf("python"));
    }
}
