package dev.isoenv.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentLayoutTest {

    @Test
    void posixVirtualEnvironmentLayoutAndActivation(@TempDir Path dir) {
        Path root = dir.resolve("env");
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        assertEquals(root.resolve("bin/python"), layout.python());
        assertEquals(root.resolve("bin"), layout.scriptsDirectory());

        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", "/usr/bin:/bin");
        base.put("VIRTUAL_ENV", "/somewhere/else");
        base.put("CONDA_PREFIX", "/srv/conda");
        base.put("PYTHONHOME", "/usr");
        base.put("PYTHONPATH", "/usr/lib/python3/dist-packages");
        base.put("HOME", "/srv/users/u");
        Map<String, String> env = layout.activate(base);
        assertEquals(root.toString(), env.get("VIRTUAL_ENV"));
        assertEquals(root.resolve("bin") + ":/usr/bin:/bin", env.get("PATH"));
        assertFalse(env.containsKey("CONDA_PREFIX"));
        assertFalse(env.containsKey("PYTHONHOME"));
        assertFalse(env.containsKey("PYTHONPATH"));
        assertEquals("/srv/users/u", env.get("HOME"));
        assertEquals("utf-8", env.get("PYTHONIOENCODING"));
        assertEquals("/usr/bin:/bin", base.get("PATH"), "the input map is not modified");
    }

    @Test
    void windowsLayoutUsesScriptsPythonExeSemicolonsAndCaseInsensitiveNames() {
        Path root = Path.of("envs").toAbsolutePath().resolve("w");
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("Lib/site-packages"),
                OperatingSystem.WINDOWS);
        assertEquals(root.resolve("Scripts").resolve("python.exe"), layout.python());
        Map<String, String> base = new LinkedHashMap<>();
        base.put("Path", "C:\\Windows\\system32");
        base.put("PythonPath", "C:\\x");
        base.put("virtual_env", "C:\\old");
        Map<String, String> env = layout.activate(base);
        assertEquals(root.resolve("Scripts") + ";C:\\Windows\\system32", env.get("Path"));
        assertFalse(env.containsKey("PythonPath"));
        assertFalse(env.containsKey("virtual_env"));
        assertEquals(root.toString(), env.get("VIRTUAL_ENV"));
    }

    @Test
    void condaPrefixOnWindowsPutsCondasDirectoriesInOrder() {
        Path root = Path.of("c").toAbsolutePath();
        EnvironmentLayout layout = EnvironmentLayout.condaPrefix(root, root.resolve("Lib/site-packages"),
                OperatingSystem.WINDOWS);
        assertEquals(root.resolve("python.exe"), layout.python());
        assertEquals(java.util.List.of(root, root.resolve("Library/mingw-w64/bin"), root.resolve("Library/usr/bin"),
                root.resolve("Library/bin"), root.resolve("Scripts"), root.resolve("bin")), layout.pathEntries());
        assertEquals(root.toString(), layout.activate(Map.of()).get("CONDA_PREFIX"));
    }

    @Test
    void condaPrefixActivationSetsCondasVariablesFromItsFiles(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("conda");
        Path envVars = Files.createDirectories(root.resolve("etc/conda/env_vars.d"));
        Files.writeString(envVars.resolve("a-pkg.json"), "{\"A\": \"1\", \"B\": \"from-package\", \"N\": 3}");
        Files.writeString(envVars.resolve("b-pkg.json"), "{\"PATH\": \"/bad\", \"D\": \"***unset***\"}");
        Files.writeString(envVars.resolve("c-broken.json"), "not json");
        Files.createDirectories(root.resolve("conda-meta"));
        Files.writeString(root.resolve("conda-meta/state"),
                "{\"env_vars\": {\"B\": \"from-environment\", \"C\": \"***unset***\"}, \"other\": 1}");
        Path activate = Files.createDirectories(root.resolve("etc/conda/activate.d"));
        Files.writeString(activate.resolve("10-simple.sh"), "# sets variables only\n\n"
                + "export GDAL_DATA=\"${CONDA_PREFIX}/share/gdal\"\nexport PROJ=$CONDA_PREFIX/share/proj\n"
                + "export QUOTED='a $b c'\n");
        Files.writeString(activate.resolve("20-condition.sh"), "if [ -z \"$X\" ]; then\n  export SKIPPED=1\nfi\n");
        Files.writeString(activate.resolve("30-other-variable.sh"), "export ALSO_SKIPPED=$HOME/x\n");
        Files.writeString(activate.resolve("40-windows.bat"), "set WINDOWS_ONLY=1\n");
        EnvironmentLayout layout = EnvironmentLayout.condaPrefix(root, root.resolve("lib/python3.12/site-packages"),
                OperatingSystem.LINUX);
        assertEquals(List.of(root.resolve("bin")), layout.pathEntries());

        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", "/usr/bin");
        base.put("CONDA_PREFIX", dir.resolve("base-conda").toString());
        base.put("CONDA_SHLVL", "1");
        base.put("VIRTUAL_ENV", "/somewhere");
        base.put("D", "kept");
        Map<String, String> env = layout.activate(base);
        assertEquals(root.toString(), env.get("CONDA_PREFIX"));
        assertEquals("1", env.get("PYTHONNOUSERSITE"));
        assertEquals(root.resolve("bin") + ":/usr/bin", env.get("PATH"), "PATH in env_vars is reserved");
        assertEquals("1", env.get("A"));
        assertEquals("from-environment", env.get("B"), "conda-meta/state overrides the packages' variables");
        assertFalse(env.containsKey("C"), "***unset*** sets nothing");
        assertFalse(env.containsKey("N"), "only strings are variables");
        assertEquals("kept", env.get("D"));
        assertEquals(root + "/share/gdal", env.get("GDAL_DATA"));
        assertEquals(root + "/share/proj", env.get("PROJ"));
        assertEquals("a $b c", env.get("QUOTED"), "single quotes are literal");
        assertFalse(env.containsKey("SKIPPED"), "a script with a condition is not applied");
        assertFalse(env.containsKey("ALSO_SKIPPED"), "a script with another expansion is not applied");
        assertFalse(env.containsKey("WINDOWS_ONLY"));
        assertFalse(env.containsKey("CONDA_SHLVL"));
        assertFalse(env.containsKey("VIRTUAL_ENV"));
    }

    @Test
    void condaPrefixOnWindowsAddsTheMsys2VariantAndSimpleBatchScripts(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("c");
        Files.createDirectories(root.resolve("Library/clang64"));
        Files.createDirectories(root.resolve("Library/mingw64"));
        Path activate = Files.createDirectories(root.resolve("etc/conda/activate.d"));
        Files.writeString(activate.resolve("cuda.bat"), "@echo off\r\nREM the CUDA toolkit\r\n"
                + "set \"CUDA_PATH=%CONDA_PREFIX%\\Library\"\r\n@set Tool_Home=%conda_prefix%\\tool\r\n");
        Files.writeString(activate.resolve("other.bat"), "@if not defined X set Y=1\r\n");
        Files.writeString(activate.resolve("posix.sh"), "export POSIX_ONLY=1\n");
        EnvironmentLayout layout = EnvironmentLayout.condaPrefix(root, root.resolve("Lib/site-packages"),
                OperatingSystem.WINDOWS);
        assertEquals(List.of(root, root.resolve("Library/clang64/bin"), root.resolve("Library/mingw-w64/bin"),
                root.resolve("Library/usr/bin"), root.resolve("Library/bin"), root.resolve("Scripts"),
                root.resolve("bin")), layout.pathEntries(), "only the first variant present, as conda does");

        Map<String, String> base = new LinkedHashMap<>();
        base.put("Path", "C:\\Windows");
        base.put("TOOL_HOME", "C:\\old");
        base.put("conda_prefix", "C:\\other");
        Map<String, String> env = layout.activate(base);
        assertEquals(root.toString(), env.get("CONDA_PREFIX"));
        assertFalse(env.containsKey("conda_prefix"));
        assertTrue(env.get("Path").startsWith(root + ";" + root.resolve("Library/clang64/bin") + ";"), env::toString);
        assertEquals(root + "\\Library", env.get("CUDA_PATH"));
        assertEquals(root + "\\tool", env.get("Tool_Home"));
        assertFalse(env.containsKey("TOOL_HOME"), "a variable is one name in any case on Windows");
        assertFalse(env.containsKey("Y"));
        assertFalse(env.containsKey("POSIX_ONLY"));
        assertEquals("1", env.get("PYTHONNOUSERSITE"));
    }

    @Test
    void findsExecutablesInTheEnvironmentFirstAndPythonAlwaysInside(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("env");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path hostBin = Files.createDirectories(dir.resolve("host-bin"));
        for (Path p : new Path[] {bin.resolve("python"), bin.resolve("tool"), hostBin.resolve("python"),
                hostBin.resolve("tool"), hostBin.resolve("other")}) {
            Files.writeString(p, "#!/bin/sh\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(hostBin.resolve("not-executable"), "x");
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib"), OperatingSystem.LINUX);
        Map<String, String> env = layout.activate(Map.of("PATH", hostBin.toString()));
        assertEquals(bin.resolve("python"), layout.findExecutable("python", env).orElseThrow());
        assertEquals(bin.resolve("python"), layout.findExecutable("python3", env).orElseThrow(),
                "python3 means the environment's interpreter even when the venv has no python3 link");
        assertEquals(bin.resolve("tool"), layout.findExecutable("tool", env).orElseThrow());
        assertEquals(hostBin.resolve("other"), layout.findExecutable("other", env).orElseThrow());
        assertTrue(layout.findExecutable("not-executable", env).isEmpty());
        assertTrue(layout.findExecutable("missing", env).isEmpty());
        assertEquals(hostBin.resolve("tool"), layout.findExecutable(hostBin.resolve("tool").toString(), env).orElseThrow());
    }

    @Test
    void windowsCommandNamesFollowPathext() {
        assertEquals(java.util.List.of("black.com", "black.exe", "black.cmd"),
                OperatingSystem.WINDOWS.commandFileNames("black", Map.of("PATHEXT", ".COM;.EXE;.CMD")));
        assertEquals(java.util.List.of("tool.exe", "tool.exe.exe"),
                OperatingSystem.WINDOWS.commandFileNames("tool.exe", Map.of("PATHEXT", ".EXE")));
        assertEquals(java.util.List.of("black"), OperatingSystem.LINUX.commandFileNames("black", Map.of()));
    }

    @Test
    void variablesThatLeaveTheEnvironmentAreAlwaysRemovedAndPipConfigurationOnlyWhenHermetic(@TempDir Path dir) {
        Path root = dir.resolve("env");
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        Map<String, String> base = new LinkedHashMap<>();
        for (String name : List.of("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PYTHONUSERBASE",
                "PYTHONEXECUTABLE", "PYTHONHOME", "PYTHONPATH", "PIP_INDEX_URL", "PIP_REQUIRE_VIRTUALENV",
                "UV_INDEX_URL", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE", "HOME")) {
            base.put(name, "x");
        }
        Map<String, String> inheriting = layout.activate(base, false);
        Map<String, String> hermetic = layout.activate(base, true);
        for (String always : List.of("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_USER", "PYTHONUSERBASE",
                "PYTHONEXECUTABLE", "PYTHONHOME", "PYTHONPATH")) {
            assertFalse(inheriting.containsKey(always), always);
            assertFalse(hermetic.containsKey(always), always);
        }
        for (String configuration : List.of("PIP_INDEX_URL", "PIP_REQUIRE_VIRTUALENV", "UV_INDEX_URL", "PYTHONSTARTUP")) {
            assertTrue(inheriting.containsKey(configuration), configuration);
            assertFalse(hermetic.containsKey(configuration), configuration);
        }
        assertEquals("x", hermetic.get("PYTHONDONTWRITEBYTECODE"));
        assertEquals("x", hermetic.get("HOME"));
        assertEquals(layout.activate(base), inheriting);
    }

    @Test
    void theHermeticRuleIgnoresCaseOnWindows() {
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(Path.of("C:/env"), Path.of("C:/env/Lib/site-packages"),
                OperatingSystem.WINDOWS);
        Map<String, String> env = layout.activate(Map.of("Pip_Target", "x", "pip_index_url", "y", "Path", "C:/bin"), true);
        assertFalse(env.containsKey("Pip_Target"));
        assertFalse(env.containsKey("pip_index_url"));
    }
}
