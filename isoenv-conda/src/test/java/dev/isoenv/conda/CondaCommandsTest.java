package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CondaCommandsTest {
    /** Paths the command lines name; nothing is read from or written to them. */
    private static final Path BASE = Path.of(System.getProperty("java.io.tmpdir"), "isoenv-conda-commands-test");
    private static final Path ENV = BASE.resolve("envs").resolve("tool");

    @Test
    void specsArePythonPipAndTheCondaPackagesUnlessTheyNameThemselves() {
        EnvironmentSpec.Builder b = EnvironmentSpec.builder(ENV).python("3.11");
        assertEquals(List.of("python=3.11", "pip"), CondaCommands.specs(b.build()));
        assertEquals(List.of("python=3.11.7", "ffmpeg"),
                CondaCommands.specs(b.python("3.11.7").pip(false).condaPackages("ffmpeg").build()));
        assertEquals(List.of("python", "pip", "cuda-toolkit=12.4"), CondaCommands.specs(EnvironmentSpec.builder(ENV)
                .python(PythonRequest.defaultPython()).condaPackages("cuda-toolkit=12.4").build()));
        assertEquals(List.of("conda-forge::python>=3.12", "pip=24"), CondaCommands.specs(EnvironmentSpec.builder(ENV)
                .condaPackages("conda-forge::python>=3.12", "pip=24").build()));
    }

    @Test
    void packageNamesDropTheChannelAndTheVersion() {
        assertEquals("cuda-toolkit", CondaCommands.packageName("nvidia::cuda-toolkit=12.4"));
        assertEquals("x264", CondaCommands.packageName("x264>=1!0"));
        assertEquals("python", CondaCommands.packageName("python 3.1**"));
        assertEquals("pyyaml", CondaCommands.packageName("PyYAML"));
        assertEquals("numpy", CondaCommands.packageName("numpy[version='>=1.26']"));
    }

    @Test
    void removeTakesChannelsOnlyForConda() {
        Path condaPath = BASE.resolve("conda").resolve("bin").resolve("conda");
        Path micromambaPath = BASE.resolve("bin").resolve("micromamba");
        CondaTool conda = new CondaTool(condaPath, CondaTool.Kind.CONDA, "PATH");
        CondaTool micromamba = new CondaTool(micromambaPath, CondaTool.Kind.MICROMAMBA, "PATH");
        assertEquals(List.of(condaPath.toString(), "remove", "-p", ENV.toString(), "ffmpeg", "-c", "nvidia", "-c",
                "conda-forge", "--override-channels", "-y", "--json"),
                CondaCommands.remove(conda, ENV, List.of("ffmpeg"), List.of("nvidia", "conda-forge")));
        assertEquals(List.of(micromambaPath.toString(), "remove", "-p", ENV.toString(), "ffmpeg", "-y", "--json"),
                CondaCommands.remove(micromamba, ENV, List.of("ffmpeg"), List.of("conda-forge")));
        assertEquals(List.of(micromambaPath.toString(), "--version"), CondaCommands.version(micromamba));
    }

    @Test
    void theToolsEnvironmentDropsOtherEnvironmentsInAnyCaseOnWindows() {
        Map<String, String> base = new LinkedHashMap<>();
        base.put("Path", "C:\\Windows");
        base.put("PythonPath", "C:\\x");
        base.put("conda_prefix", "C:\\other");
        base.put("Conda_ShLvl", "2");
        base.put("conda_add_pip_as_python_dependency", "true");
        base.put("CONDA_PLUGINS_AUTO_ACCEPT_TOS", "yes");
        Map<String, String> env = CondaCommands.environment(OperatingSystem.WINDOWS, base, false);
        assertEquals(Map.of("Path", "C:\\Windows", "CONDA_PLUGINS_AUTO_ACCEPT_TOS", "yes",
                "CONDA_ADD_PIP_AS_PYTHON_DEPENDENCY", "false", "MAMBA_ADD_PIP_AS_PYTHON_DEPENDENCY", "false"), env,
                "a user's own acceptance of terms is theirs to keep; isoenv never sets it");
        Map<String, String> posix = CondaCommands.environment(OperatingSystem.LINUX,
                Map.of("conda_prefix", "/x", "CONDA_PREFIX", "/y", "VIRTUAL_ENV", "/v"), true);
        assertEquals(Map.of("conda_prefix", "/x"), posix, "names are case-sensitive on POSIX");
        assertFalse(posix.containsKey("CONDA_ADD_PIP_AS_PYTHON_DEPENDENCY"));
    }
}
