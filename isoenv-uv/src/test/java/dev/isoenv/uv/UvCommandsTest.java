package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.Requirement;
import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command lines and variables of {@link UvCommands} for the cases the installer's tests do not reach. */
class UvCommandsTest {
    /** Paths are only compared, never created: they are derived from java.io.tmpdir, not a machine's layout. */
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private static final Path UV = TMP.resolve("uv-tool").resolve("uv");
    private static final Path ROOT = TMP.resolve("envs").resolve("tool");

    private static UvCommands commands(EnvironmentSpec spec, OperatingSystem os) {
        return new UvCommands(UV, os, spec, UvOptions.of(spec));
    }

    private static EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(ROOT);
    }

    @Test
    void theDefaultPythonIsAnyPython3AndAnInterpreterIsItsPath() {
        assertEquals("3", UvCommands.request(PythonRequest.defaultPython()));
        assertEquals("3.11.7", UvCommands.request(PythonRequest.version("3.11.7")));
        Path python = TMP.resolve("py").resolve("bin").resolve("python3");
        assertEquals(python.toString(), UvCommands.request(PythonRequest.interpreter(python)));
        assertEquals(List.of(UV.toString(), "venv", "--no-progress", "--color", "never", "--python", "3", "--no-project",
                "--allow-existing", ROOT.toString()), commands(spec().build(), OperatingSystem.LINUX).venv(ROOT));
    }

    @Test
    void exclusiveFindLinksAloneMeanNoIndexAtAll() {
        PackageIndexes links = PackageIndexes.builder().findLinks("/wheels").exclusive().build();
        UvCommands commands = commands(spec().build(), OperatingSystem.LINUX);
        List<String> command = commands.install(ROOT, List.of(Requirement.parse("a")), null, links);
        assertTrue(command.containsAll(List.of("--no-config", "--no-index")), command::toString);
        Map<String, String> env = commands.environment(Map.of("UV_DEFAULT_INDEX", "https://machine/simple",
                "UV_INDEX", "https://extra/simple"), links);
        assertEquals(Map.of("UV_FIND_LINKS", "/wheels", "UV_PYTHON_DOWNLOADS", "never"), env);
    }

    @Test
    void exclusiveExtraIndexesAloneReplaceTheDefaultIndexToo() {
        PackageIndexes extras = PackageIndexes.builder().extraIndexUrl("https://a/simple")
                .extraIndexUrl("https://b/simple").exclusive().build();
        Map<String, String> env = commands(spec().build(), OperatingSystem.LINUX).environment(Map.of(), extras);
        assertEquals("https://b/simple", env.get("UV_DEFAULT_INDEX"), "never PyPI");
        assertEquals("https://a/simple", env.get("UV_INDEX"));
    }

    @Test
    void machineDefaultsLeaveTheMachinesIndexesAndStrategyAlone() {
        Map<String, String> machine = Map.of("UV_INDEX_URL", "https://m/simple", "UV_INDEX_STRATEGY",
                "unsafe-best-match", "PATH", "/bin");
        UvCommands commands = commands(spec().build(), OperatingSystem.LINUX);
        assertEquals(Map.of("UV_INDEX_URL", "https://m/simple", "UV_INDEX_STRATEGY", "unsafe-best-match", "PATH",
                "/bin", "UV_PYTHON_DOWNLOADS", "never"), commands.environment(machine, PackageIndexes.machineDefaults()));
        List<String> command = commands.install(ROOT, List.of(Requirement.parse("a")), null,
                PackageIndexes.machineDefaults());
        assertFalse(command.contains("--index-strategy"), command::toString);
    }

    @Test
    void aFindLinksLocationWithACommaIsRefused() {
        PackageIndexes links = PackageIndexes.builder().findLinks("/wheels,old").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> commands(spec().build(), OperatingSystem.LINUX).environment(Map.of(), links));
        assertTrue(e.getMessage().contains("comma"), e::getMessage);
    }

    @Test
    void onWindowsAVariableIsReplacedWhateverItsCase() {
        PackageIndexes index = PackageIndexes.builder().indexUrl("https://x/simple").build();
        Map<String, String> env = commands(spec().build(), OperatingSystem.WINDOWS).environment(Map.of(
                "Uv_Index_Url", "https://m/simple", "uv_python_downloads", "automatic", "Path", "C:\\bin"), index);
        assertEquals(Map.of("Path", "C:\\bin", "UV_PYTHON_DOWNLOADS", "never", "UV_DEFAULT_INDEX", "https://x/simple"),
                env);
    }

    @Test
    void theLinkModeGoesToCommandsThatInstallOnly() {
        EnvironmentSpec spec = spec().backendOption("uv.link-mode", "hardlink").build();
        UvCommands commands = commands(spec, OperatingSystem.LINUX);
        assertTrue(commands.installPipFrom(ROOT, TMP.resolve("wheels")).contains("hardlink"));
        assertFalse(commands.uninstall(ROOT, List.of("a")).contains("--link-mode"));
        assertFalse(commands.findPython().contains("--link-mode"));
    }

    @Test
    void optionsAreValidated() {
        InvalidSpecException mode = assertThrows(InvalidSpecException.class,
                () -> UvOptions.of(spec().backendOption("uv.link-mode", "reflink").build()));
        assertTrue(mode.getMessage().contains("clone, copy, hardlink, symlink"), mode::getMessage);
        InvalidSpecException unknown = assertThrows(InvalidSpecException.class,
                () -> UvOptions.of(spec().backendOption("uv.cachedir", "/c").build()));
        assertTrue(unknown.getMessage().contains("uv.cache-dir, uv.link-mode, uv.path"), unknown::getMessage);
        assertEquals(UvOptions.of(spec().build()), UvOptions.of(spec().backendOption("conda.path", "/c").build()),
                "other backends' options are theirs");
    }

    @Test
    void noDepsReinstallPackageArgumentsAndConstraintsTogether() {
        Path constraints = ROOT.resolve(".isoenv/constraints.txt");
        List<String> command = commands(spec().build(), OperatingSystem.LINUX).install(ROOT,
                List.of(dev.isoenv.Requirement.parse("torch==2.5.1+cu126")), constraints,
                dev.isoenv.PackageIndexes.machineDefaults(), false, List.of("torch", "torchvision"),
                List.of(dev.isoenv.InstallerArgument.parse("--pre")));
        int start = command.indexOf("--python");
        assertEquals(List.of("--python", ROOT.toString(), "--no-deps", "--reinstall-package=torch",
                "--reinstall-package=torchvision", "--constraint", constraints.toString(), "--prerelease=allow", "--",
                "torch==2.5.1+cu126"), command.subList(start, command.size()));
    }
}
