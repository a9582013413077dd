package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CondaLocatorTest {
    @TempDir
    Path dir;

    private Path tool(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private CondaLocator.Result locate(OperatingSystem os, Map<String, String> env, String property, String option) {
        return new CondaLocator(os, env, property, dir.resolve("root")).locate(Optional.ofNullable(option));
    }

    private static String found(CondaLocator.Result result) {
        CondaTool t = result.tool().orElseThrow(() -> new AssertionError(result.problem()));
        return t.kind() + " " + t.executable() + " from " + t.source();
    }

    @Test
    void onWindowsOnlyAnExeIsTakenNeverABatchFileThatCmdWouldRun() throws IOException {
        Path bat = tool("condabin/conda.bat");
        Path micromamba = tool("mm/micromamba.exe");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Path", bat.getParent() + ";" + micromamba.getParent());
        env.put("CONDA_EXE", bat.toString());
        assertEquals("MICROMAMBA " + micromamba + " from PATH", found(locate(OperatingSystem.WINDOWS, env, null, null)));
        Files.delete(micromamba);
        Path exe = tool("Scripts/conda.exe");
        env.put("Path", bat.getParent() + ";" + exe.getParent());
        assertEquals("CONDA " + exe + " from PATH", found(locate(OperatingSystem.WINDOWS, env, null, null)));
        assertFalse(locate(OperatingSystem.WINDOWS, env, null, bat.toString()).tool().isPresent());
    }

    @Test
    void explicitPathsComeFirstThenTheToolsVariablesThenPathThenTheUsualFolders() throws IOException {
        Path option = tool("option/mm");
        Path property = tool("property/bin/mamba");
        Path mambaExe = tool("mamba-exe/micromamba");
        Path condaExe = tool("conda-exe/conda");
        Path onPath = tool("path/conda");
        Path micromambaOnPath = tool("path2/micromamba");
        Path home = tool("home/.local/bin/micromamba");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", dir.resolve("path") + ":" + dir.resolve("path2"));
        env.put("MAMBA_EXE", mambaExe.toString());
        env.put("CONDA_EXE", condaExe.toString());
        env.put("HOME", dir.resolve("home").toString());

        assertEquals("CONDA " + option + " from the backend option conda.path",
                found(locate(OperatingSystem.LINUX, env, property.getParent().getParent().toString(), option.toString())));
        assertEquals("MAMBA " + property + " from the system property isoenv.conda",
                found(locate(OperatingSystem.LINUX, env, dir.resolve("property").toString(), null)),
                "a folder holding a tool, here in bin/");
        assertEquals("MICROMAMBA " + mambaExe + " from MAMBA_EXE", found(locate(OperatingSystem.LINUX, env, null, null)));
        env.put("MAMBA_EXE", dir.resolve("stale/micromamba").toString());
        assertEquals("CONDA " + condaExe + " from CONDA_EXE", found(locate(OperatingSystem.LINUX, env, "", null)),
                "a stale variable is passed over");
        env.remove("CONDA_EXE");
        assertEquals("MICROMAMBA " + micromambaOnPath + " from PATH", found(locate(OperatingSystem.LINUX, env, null, null)),
                "micromamba before conda, even later on PATH");
        Files.delete(micromambaOnPath);
        assertEquals("CONDA " + onPath + " from PATH", found(locate(OperatingSystem.LINUX, env, null, null)));
        env.remove("PATH");
        assertEquals("MICROMAMBA " + home + " from a common install folder",
                found(locate(OperatingSystem.LINUX, env, null, null)));
        Files.delete(home);
        Path forge = tool("home/miniforge3/bin/mamba");
        Path opt = tool("root/opt/conda/bin/conda");
        assertEquals("MAMBA " + forge + " from a common install folder",
                found(locate(OperatingSystem.LINUX, env, null, null)));
        Files.delete(forge);
        assertEquals("CONDA " + opt + " from a common install folder",
                found(locate(OperatingSystem.LINUX, env, null, null)));
    }

    @Test
    void anExplicitPathThatHoldsNoToolIsAnErrorNotAReasonToSearchOn() throws IOException {
        tool("path/micromamba");
        Map<String, String> env = Map.of("PATH", dir.resolve("path").toString());
        CondaLocator.Result r = locate(OperatingSystem.LINUX, env, dir.resolve("nowhere").toString(), null);
        assertFalse(r.tool().isPresent());
        assertTrue(r.problem().startsWith("the system property isoenv.conda names '" + dir.resolve("nowhere")),
                r.problem());
        Files.writeString(dir.resolve("not-executable"), "");
        assertFalse(locate(OperatingSystem.LINUX, env, null, dir.resolve("not-executable").toString()).tool()
                .isPresent());
        assertEquals("MICROMAMBA " + dir.resolve("path/micromamba") + " from the backend option conda.path and PATH",
                found(locate(OperatingSystem.LINUX, env, null, "micromamba")), "a bare name is looked up on PATH");
    }

    @Test
    void nothingFoundSaysWhereItLookedAndHowToPointAtATool() {
        CondaLocator.Result r = locate(OperatingSystem.LINUX, Map.of("PATH", dir.toString()), null, null);
        assertFalse(r.tool().isPresent());
        assertTrue(r.problem().contains("MAMBA_EXE, CONDA_EXE, PATH") && r.problem().contains("-Disoenv.conda="),
                r.problem());
    }

    @Test
    void onWindowsPathextAndTheInstallersFoldersCount() throws IOException {
        Path onPath = tool("path/conda.exe");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Path", dir.resolve("path").toString());
        env.put("PATHEXT", ".COM;.EXE;.BAT");
        assertEquals("CONDA " + onPath + " from PATH", found(locate(OperatingSystem.WINDOWS, env, null, null)));
        env.remove("Path");
        env.put("USERPROFILE", dir.resolve("user").toString());
        env.put("LOCALAPPDATA", dir.resolve("local").toString());
        Path forge = tool("user/miniforge3/Scripts/mamba.exe");
        assertEquals("MAMBA " + forge + " from a common install folder",
                found(locate(OperatingSystem.WINDOWS, env, null, null)));
        Path micromamba = tool("local/micromamba/micromamba.exe");
        assertEquals("MICROMAMBA " + micromamba + " from a common install folder",
                found(locate(OperatingSystem.WINDOWS, env, null, null)));
        Path folder = tool("explicit/Scripts/conda.exe");
        assertEquals("CONDA " + folder + " from the system property isoenv.conda",
                found(locate(OperatingSystem.WINDOWS, env, dir.resolve("explicit").toString(), null)));
    }
}
