package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Availability;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallerArgument;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backend against a mocked {@link dev.isoenv.spi.CommandRunner} that answers with uv's real output (fixtures):
 * the exact command lines, the child environment (what is set, what is removed), the working directory, what it
 * reads back, the events, and the typed errors, on the Linux and the Windows layout.
 */
class UvInstallerTest {
    private static final String VERSION = Fixtures.read("version-0.12.5.txt");
    private static final String TOKEN = "s3cr3t-t0ken";

    @TempDir
    Path dir;

    private final ScriptedRunner uv = new ScriptedRunner();
    private final List<EnsureEvent> events = new ArrayList<>();
    private final List<String> output = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private Path uvExe;
    private Path root;

    @BeforeEach
    void machine() throws IOException {
        root = dir.resolve("envs").resolve("tool");
        machine.put("PATH", "/usr/bin:/bin");
        machine.put("HOME", dir.resolve("home").toString());
        machine.put("VIRTUAL_ENV", dir.resolve("somewhere-else").resolve(".venv").toString());
        machine.put("CONDA_PREFIX", dir.resolve("conda").toString());
        machine.put("PYTHONHOME", dir.resolve("python").toString());
        machine.put("PYTHONPATH", dir.resolve("decoy").toString());
        machine.put("UV_PYTHON", "3.9");
        machine.put("UV_VENV_CLEAR", "1");
        machine.put("UV_INDEX_URL", "https://machine.example/simple");
        machine.put("UV_EXTRA_INDEX_URL", "https://machine-extra.example/simple");
        machine.put("UV_TORCH_BACKEND", "auto");
        machine.put("UV_CACHE_DIR", "/machine/cache");
        uv.reply("version", 0, VERSION, "");
    }

    private Path uvFor(OperatingSystem os) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("uv-bin"));
        Path exe = Files.writeString(bin.resolve(os.executableName("uv")), "");
        assertTrue(exe.toFile().setExecutable(true));
        uvExe = exe;
        return exe;
    }

    private EnvironmentSpec.Builder spec(OperatingSystem os) throws IOException {
        return EnvironmentSpec.builder(root).python("3.12").backendOption("uv.path", uvFor(os).toString());
    }

    private BackendContext context(EnvironmentSpec spec) {
        return new BackendContext(spec, uv.runner(), (stream, line) -> output.add(line), events::add, machine);
    }

    private UvInstaller installer(OperatingSystem os) {
        return new UvInstaller(os, uv.runner(), name -> null);
    }

    private List<String> uvCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(uvExe.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Map<String, String> env(ProcessRequest request) {
        return request.environment().orElseThrow();
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code uv venv} leaves on a POSIX disk (crates/uv-virtualenv/src/virtualenv.rs), with a base Python home. */
    private void posixVenv(Path base) {
        write(root.resolve("pyvenv.cfg"), "home = " + base.resolve("bin") + "\nimplementation = CPython\n"
                + "uv = 0.12.5\nversion_info = 3.12.4\ninclude-system-site-packages = false\n");
        write(root.resolve("bin").resolve("python"), "");
        root.resolve("lib/python3.12/site-packages").toFile().mkdirs();
    }

    private void windowsVenv() {
        write(root.resolve("pyvenv.cfg"), "home = C:\\Users\\me\\AppData\\Roaming\\uv\\python\\cpython-3.12.4\n"
                + "implementation = CPython\nuv = 0.12.5\nversion_info = 3.12\n");
        write(root.resolve("Scripts").resolve("python.exe"), "");
        root.resolve("Lib/site-packages").toFile().mkdirs();
    }

    @Test
    void anotherPlatformIsRefusedBeforeAnythingRuns() throws IOException {
        // backends.md documents no uv option for another platform's wheels, so uv builds for this machine only.
        String other = dev.isoenv.internal.platform.TargetPlatform.current().name().equals("linux-aarch64")
                ? "linux-x86_64" : "linux-aarch64";
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).backendOption("target.platform", other).build();
        String refused = installer(OperatingSystem.LINUX).cannotBuild(spec).orElseThrow();
        assertTrue(refused.contains("asks for " + other) && refused.contains("use the venv backend"), refused);
        assertEquals(Optional.empty(), installer(OperatingSystem.LINUX).cannotBuild(spec(OperatingSystem.LINUX)
                .backendOption("target.platform", dev.isoenv.internal.platform.TargetPlatform.current().name())
                .build()));
    }

    @Test
    void createOnLinuxRunsUvVenvInTheRootKeepsIsoenvsFolderAndSeedsTheBundledPip() throws IOException {
        Path base = dir.resolve("python312");
        Path bundled = Files.createDirectories(base.resolve("lib/python3.12/ensurepip/_bundled"));
        Files.writeString(bundled.resolve("pip-24.0-py3-none-any.whl"), "");
        write(root.resolve(".isoenv").resolve("state.json"), "{}");
        uv.reply("venv", 0, "", Fixtures.read("venv-system-python.txt"), r -> posixVenv(base))
                .reply("pip install", 0, "", " + pip==24.0\n");
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();

        CreatedEnvironment created = installer(OperatingSystem.LINUX).create(spec, context(spec));

        ProcessRequest venv = uv.only("venv");
        assertEquals(uvCommand("venv", "--no-progress", "--color", "never", "--python", "3.12", "--no-project",
                "--allow-existing", root.toString()), venv.command());
        assertEquals(root, venv.directory().orElseThrow());
        for (String removed : List.of("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME", "PYTHONPATH", "UV_PYTHON",
                "UV_VENV_CLEAR")) {
            assertFalse(env(venv).containsKey(removed), removed);
        }
        assertEquals("never", env(venv).get("UV_PYTHON_DOWNLOADS"));
        assertEquals("/machine/cache", env(venv).get("UV_CACHE_DIR"), "machine configuration is inherited");
        assertTrue(Files.exists(root.resolve(".isoenv/state.json")), "isoenv's folder is kept");

        ProcessRequest pip = uv.only("pip install");
        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--no-config", "--python",
                root.toString(), "--no-index", "--find-links", bundled.toString(), "--", "pip"), pip.command());
        assertEquals(root, pip.directory().orElseThrow());

        assertEquals("3.12.4", created.pythonVersion());
        assertEquals("/usr/bin/python3.12", created.baseInterpreter());
        assertEquals(root.resolve("bin/python"), created.layout().python());
        assertEquals(root.resolve("lib/python3.12/site-packages"), created.layout().sitePackages());
        assertTrue(events.contains(new EnsureEvent.InterpreterFound(root, "/usr/bin/python3.12", "3.12.4")), events::toString);
        assertEquals(List.of("version", "venv", "pip install"),
                uv.requests().stream().map(r -> ScriptedRunner.key(r.command())).collect(Collectors.toList()));
    }

    @Test
    void createOnWindowsWithAManagedPythonAndNoBundledPipInstallsPipFromTheIndexes() throws IOException {
        uv.reply("venv", 0, "", Fixtures.read("venv-managed-python.txt"), r -> windowsVenv())
                .reply("pip install", 0, "", " + pip==24.0\n");
        machine.remove("PYTHONPATH");
        machine.put("PythonPath", "C:\\decoy");
        machine.put("Virtual_Env", "C:\\other");
        EnvironmentSpec spec = spec(OperatingSystem.WINDOWS).python("3.12").indexes(PackageIndexes.builder()
                .indexUrl("https://me:" + TOKEN + "@pkgs.example.com/simple").build()).build();

        CreatedEnvironment created = installer(OperatingSystem.WINDOWS).create(spec, context(spec));

        assertEquals(root.resolve("Scripts/python.exe"), created.layout().python());
        assertEquals(root.resolve("Lib/site-packages"), created.layout().sitePackages());
        assertEquals("3.12.4", created.pythonVersion(), "from uv's output, as pyvenv.cfg has only 3.12");
        assertEquals("uv-managed CPython 3.12.4", created.baseInterpreter());
        ProcessRequest venv = uv.only("venv");
        assertFalse(env(venv).containsKey("PythonPath"), "variables are matched ignoring case on Windows");
        assertFalse(env(venv).containsKey("Virtual_Env"));
        ProcessRequest pip = uv.only("pip install");
        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--python", root.toString(),
                "--index-strategy", "first-index", "--", "pip"), pip.command());
        assertEquals("https://me:" + TOKEN + "@pkgs.example.com/simple", env(pip).get("UV_DEFAULT_INDEX"));
        assertFalse(env(pip).containsKey("UV_INDEX_URL"), "the specification's index URL replaces the machine's");
        assertFalse(pip.command().toString().contains(TOKEN));
    }

    @Test
    void withoutPipNoSecondCommandRuns() throws IOException {
        uv.reply("venv", 0, "", Fixtures.read("venv-system-python.txt"), r -> posixVenv(dir.resolve("base")));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).pip(false).build();
        installer(OperatingSystem.LINUX).create(spec, context(spec));
        assertEquals(List.of(), uv.requests("pip install"));
    }

    @Test
    void withoutMachineConfigurationEveryUvVariableGoesAndNoConfigIsPassed() throws IOException {
        uv.reply("venv", 0, "", Fixtures.read("venv-system-python.txt"), r -> posixVenv(dir.resolve("base")));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).pip(false).inheritMachineConfiguration(false)
                .pythonDownloads(true).build();
        installer(OperatingSystem.LINUX).create(spec, context(spec));
        ProcessRequest venv = uv.only("venv");
        assertTrue(venv.command().contains("--no-config"), venv.command()::toString);
        assertEquals(List.of("UV_PYTHON_DOWNLOADS"), env(venv).keySet().stream().filter(k -> k.startsWith("UV_"))
                .collect(Collectors.toList()));
        assertEquals("automatic", env(venv).get("UV_PYTHON_DOWNLOADS"));
    }

    @Test
    void optionsBecomeFlagsAndAnUnknownOneIsRefused() throws IOException {
        uv.reply("venv", 0, "", Fixtures.read("venv-system-python.txt"), r -> posixVenv(dir.resolve("base")));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).pip(false).backendOption("uv.cache-dir", "/fast/cache")
                .backendOption("uv.link-mode", "copy").build();
        installer(OperatingSystem.LINUX).create(spec, context(spec));
        assertEquals(uvCommand("venv", "--no-progress", "--color", "never", "--cache-dir", "/fast/cache",
                "--link-mode", "copy", "--python", "3.12", "--no-project", "--allow-existing", root.toString()),
                uv.only("venv").command());

        EnvironmentSpec typo = spec.toBuilder().backendOption("uv.linkmode", "copy").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> installer(OperatingSystem.LINUX).create(typo, context(typo)));
        assertTrue(e.getMessage().contains("uv.linkmode") && e.getMessage().contains("uv.link-mode"), e::getMessage);
    }

    @Test
    void aMissingPythonIsAPythonNotFoundExceptionFromPrepareAndFromCreate() throws IOException {
        uv.reply("python find", 2, "", Fixtures.read("python-find-not-found.txt"))
                .reply("venv", 2, "", Fixtures.read("venv-downloads-never.txt"));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).python("3.13").build();
        UvInstaller installer = installer(OperatingSystem.LINUX);

        PythonNotFoundException prepared = assertThrows(PythonNotFoundException.class,
                () -> installer.prepare(spec, context(spec)));
        assertTrue(prepared.getMessage().contains("Python 3.13"), prepared::getMessage);
        assertTrue(prepared.getMessage().contains("pythonDownloads(true)"), prepared::getMessage);
        assertEquals(uvCommand("python", "find", "--no-progress", "--color", "never", "--system", "--no-project",
                "3.13"), uv.only("python find").command());
        assertEquals(dir, uv.only("python find").directory().orElseThrow(), "the nearest folder that exists");

        PythonNotFoundException created = assertThrows(PythonNotFoundException.class,
                () -> installer.create(spec, context(spec)));
        assertTrue(created.getMessage().contains("set to 'never'"), created::getMessage);
        assertEquals(1, uv.requests("version").size(), "uv --version runs once per executable");
    }

    @Test
    void prepareChecksNoPythonWhenDownloadsAreAllowed() throws IOException {
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).pythonDownloads(true).build();
        installer(OperatingSystem.LINUX).prepare(spec, context(spec));
        assertEquals(List.of("version"), uv.requests().stream().map(r -> ScriptedRunner.key(r.command()))
                .collect(Collectors.toList()));
    }

    @Test
    void anyOtherVenvFailureIsAnEnvironmentCreationExceptionWithUvsOutput() throws IOException {
        uv.reply("venv", 2, "", Fixtures.read("venv-directory-exists.txt"));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentCreationException e = assertThrows(EnvironmentCreationException.class,
                () -> installer(OperatingSystem.LINUX).create(spec, context(spec)));
        assertTrue(e.getMessage().contains("A directory already exists at: .venv"), e::getMessage);
    }

    @Test
    void tooOldAUvIsRefusedNamingBothVersions() throws IOException {
        uv.reply("version", 0, Fixtures.read("version-0.4.30.txt"), "");
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> installer(OperatingSystem.LINUX).prepare(spec, context(spec)));
        assertTrue(e.getMessage().contains("0.4.30") && e.getMessage().contains("0.5.29"), e::getMessage);
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void installPassesIndexesInVariablesAndRequirementsAfterDoubleDash(OperatingSystem os) throws IOException {
        uv.reply("pip install", 0, "", Fixtures.read("pip-install-progress.txt"));
        EnvironmentSpec spec = spec(os).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), os);
        PackageIndexes indexes = PackageIndexes.builder().indexUrl("https://me:" + TOKEN + "@pkgs.example.com/simple")
                .extraIndexUrl("https://a.example/simple").extraIndexUrl("https://b.example/simple")
                .findLinks("/wheels/here").build();
        InstallStep step = InstallStep.builder("everything").requirements(List.of(Requirement.parse("torch==2.5.1"),
                Requirement.parse("tqdm[notebook]>=4; python_version >= \"3.8\""))).constraints(List.of(
                Requirement.parse("numpy<2"))).indexes(indexes).build();

        installer(os).install(layout, step, context(spec).withSecretsOf(indexes));

        ProcessRequest pip = uv.only("pip install");
        Path constraints = root.resolve(".isoenv/constraints.txt");
        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--python", root.toString(),
                "--index-strategy", "first-index", "--constraint", constraints.toString(), "--", "torch==2.5.1",
                "tqdm[notebook]>=4; python_version >= '3.8'"), pip.command());
        assertEquals("numpy<2\n", Files.readString(constraints));
        assertEquals(root, pip.directory().orElseThrow());
        Map<String, String> env = env(pip);
        assertEquals("https://me:" + TOKEN + "@pkgs.example.com/simple", env.get("UV_DEFAULT_INDEX"));
        assertEquals("https://a.example/simple https://b.example/simple", env.get("UV_INDEX"));
        assertEquals("/wheels/here", env.get("UV_FIND_LINKS"));
        for (String removed : List.of("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "VIRTUAL_ENV", "CONDA_PREFIX",
                "PYTHONHOME", "PYTHONPATH")) {
            assertFalse(env.containsKey(removed), removed);
        }
        assertEquals("auto", env.get("UV_TORCH_BACKEND"), "a step that is not exclusive keeps the machine's");
        assertFalse(pip.command().toString().contains(TOKEN));
        List<EnsureEvent.PackageProgress> progress = events.stream().filter(EnsureEvent.PackageProgress.class::isInstance)
                .map(EnsureEvent.PackageProgress.class::cast).collect(Collectors.toList());
        assertTrue(progress.contains(new EnsureEvent.PackageProgress(root, "torch", "2.5.1+cu124",
                EnsureEvent.PackageProgress.Phase.INSTALLED, -1, -1)), progress::toString);
        assertTrue(output.contains(" + numpy==2.1.3"), "uv's lines reach the output listener");
    }

    @Test
    void installerArgumentsReachUvInItsSpellingAndPreferBinaryIsRefused() throws IOException {
        uv.reply("pip install", 0, "", " + isoenv-demo-hello==3.0rc1\n");
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).installerArguments("--pre", "--use-pep517",
                "--no-build-isolation", "--only-binary=numpy,scipy", "--no-binary=:none:",
                "--config-settings=--build-option=--plat=x").build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        InstallStep step = InstallStep.builder("requirements").requirements(List.of(Requirement.parse("hello")))
                .build();

        installer(OperatingSystem.LINUX).install(layout, step, context(spec));

        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--python", root.toString(),
                "--prerelease=allow", "--no-build-isolation", "--only-binary=numpy", "--only-binary=scipy",
                "--no-binary=:none:", "--config-setting=--build-option=--plat=x", "--", "hello"),
                uv.only("pip install").command(), "--use-pep517 adds nothing: uv always builds through PEP 517");
        UvInstaller installer = installer(OperatingSystem.LINUX);
        for (InstallerArgument.Kind kind : InstallerArgument.Kind.values()) {
            assertEquals(kind == InstallerArgument.Kind.PREFER_BINARY, installer.cannotApply(
                    InstallerArgument.parse(kind.takesValue() ? kind.option() + (kind
                            == InstallerArgument.Kind.CONFIG_SETTINGS ? "=k=v" : "=:all:") : kind.option()))
                    .isPresent(), kind::toString);
        }
        EnvironmentSpec preferBinary = spec(OperatingSystem.LINUX).installerArguments("--prefer-binary").build();
        InvalidSpecException refused = assertThrows(InvalidSpecException.class,
                () -> installer.install(layout, step, context(preferBinary)));
        assertTrue(refused.getMessage().contains("uv has no --prefer-binary"), refused.getMessage());
    }

    @Test
    void anExclusiveStepUsesOnlyItsIndexAndNoConfigurationFile() throws IOException {
        uv.reply("pip install", 0, "", " + torch==2.5.1+cu124\n");
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        InstallStep step = InstallStep.builder("PyTorch from the cu124 index").requirements(List.of(
                Requirement.parse("torch==2.5.1+cu124"))).indexes(PackageIndexes.only(
                "https://download.pytorch.org/whl/cu124")).build();

        installer(OperatingSystem.LINUX).install(layout, step, context(spec));

        ProcessRequest pip = uv.only("pip install");
        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--no-config", "--python",
                root.toString(), "--index-strategy", "first-index", "--", "torch==2.5.1+cu124"), pip.command());
        Map<String, String> env = env(pip);
        assertEquals("https://download.pytorch.org/whl/cu124", env.get("UV_DEFAULT_INDEX"));
        for (String removed : List.of("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_FIND_LINKS",
                "UV_TORCH_BACKEND")) {
            assertFalse(env.containsKey(removed), removed);
        }
        assertEquals("/machine/cache", env.get("UV_CACHE_DIR"), "other machine settings still apply");
    }

    @Test
    void installFailuresAreInstallationExceptionsWithAdviceAndMaskedOutput() throws IOException {
        uv.reply("pip install", 1, "", Fixtures.read("pip-install-unauthorized.txt")
                .replace("http://127.0.0.1:8080/basic-auth/simple", "https://me:" + TOKEN + "@pkgs.example.com/simple"));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).indexes(PackageIndexes.builder()
                .indexUrl("https://me:" + TOKEN + "@pkgs.example.com/simple").build()).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        InstallStep step = InstallStep.builder("requirements").requirements(List.of(Requirement.parse("anyio")))
                .indexes(spec.indexes()).build();

        InstallationException e = assertThrows(InstallationException.class,
                () -> installer(OperatingSystem.LINUX).install(layout, step, context(spec)));

        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("credentials"), e::getMessage);
        assertTrue(e.getMessage().contains("anyio"), e::getMessage);
        assertFalse(e.getMessage().contains(TOKEN), e::getMessage);
        assertFalse(String.join("\n", output).contains(TOKEN));
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void resolveIsTheStepsInstallCommandWithDryRunAndReadsWhatItWouldInstall(OperatingSystem os) throws IOException {
        uv.reply("pip install", 0, "", Fixtures.read("pip-install-dry-run-derived.txt"));
        EnvironmentSpec spec = spec(os).installerArguments("--pre", "--only-binary=numpy").build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), os);
        PackageIndexes indexes = PackageIndexes.builder().indexUrl("https://me:" + TOKEN + "@pkgs.example.com/simple")
                .extraIndexUrl("https://a.example/simple").build();
        InstallStep step = InstallStep.builder("all requirements, with the torch family pinned").requirements(List.of(
                Requirement.parse("timm"), Requirement.parse("torch==2.8.0+cu126"))).constraints(List.of(
                Requirement.parse("numpy<2"))).indexes(indexes).build();

        List<InstalledDistribution> resolved = installer(os).resolve(layout, step, context(spec).withSecretsOf(indexes))
                .orElseThrow();

        assertEquals(List.of(InstalledDistribution.of("pillow", "11.0.0"),
                InstalledDistribution.of("torch", "2.8.0+cu126"), InstalledDistribution.of("torchvision",
                        "0.23.0+cu126")), resolved);
        ProcessRequest dryRun = uv.only("pip install");
        Path constraints = root.resolve(".isoenv/constraints.txt");
        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--python", root.toString(),
                "--dry-run", "--index-strategy", "first-index", "--constraint", constraints.toString(),
                "--prerelease=allow", "--only-binary=numpy", "--", "timm", "torch==2.8.0+cu126"), dryRun.command());
        assertEquals("numpy<2\n", Files.readString(constraints));
        assertEquals(root, dryRun.directory().orElseThrow());
        Map<String, String> env = env(dryRun);
        assertEquals("https://me:" + TOKEN + "@pkgs.example.com/simple", env.get("UV_DEFAULT_INDEX"));
        assertEquals("https://a.example/simple", env.get("UV_INDEX"));
        assertFalse(env.containsKey("UV_INDEX_URL") || env.containsKey("VIRTUAL_ENV"), env::toString);
        assertFalse(dryRun.command().toString().contains(TOKEN));
        assertEquals(List.of(), events.stream().filter(EnsureEvent.PackageProgress.class::isInstance)
                .collect(Collectors.toList()), "a dry run installs nothing, so it reports no progress");
    }

    @Test
    void resolvingAnExclusiveStepWithoutDependenciesKeepsItsFlagsAndNoConfig() throws IOException {
        uv.reply("pip install", 0, "", Fixtures.read("pip-install-dry-run-no-changes-0.5.29.txt"));
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        InstallStep step = InstallStep.builder("PyTorch from the cu126 index").requirements(List.of(
                Requirement.parse("torch==2.8.0+cu126"))).indexes(PackageIndexes.only(
                "https://download.pytorch.org/whl/cu126")).withoutDependencies().reinstall(List.of("torch")).build();

        assertEquals(List.of(), installer(OperatingSystem.LINUX).resolve(layout, step, context(spec)).orElseThrow(),
                "nothing would change");

        assertEquals(uvCommand("pip", "install", "--no-progress", "--color", "never", "--no-config", "--python",
                root.toString(), "--dry-run", "--no-deps", "--reinstall-package=torch", "--index-strategy",
                "first-index", "--", "torch==2.8.0+cu126"), uv.only("pip install").command());
        assertFalse(env(uv.only("pip install")).containsKey("UV_TORCH_BACKEND"));
    }

    @Test
    void aFailedOrUnreadableDryRunIsNoResolutionAndThrowsNothing() throws IOException {
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        InstallStep step = InstallStep.builder("requirements").requirements(List.of(Requirement.parse("a"))).build();
        UvInstaller installer = installer(OperatingSystem.LINUX);

        uv.reply("pip install", 1, "", Fixtures.read("pip-install-no-matching-version.txt"));
        assertTrue(installer.resolve(layout, step, context(spec)).isEmpty(), "the install reports the failure");
        uv.reply("pip install", 0, "", "Resolved 1 package in 3ms\nsomething else entirely\n");
        assertTrue(installer.resolve(layout, step, context(spec)).isEmpty(), "output that is not a dry run's");
    }

    @Test
    void resolvingAStepWithoutRequirementsStartsNoProcess() throws IOException {
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        assertEquals(List.of(), installer(OperatingSystem.LINUX).resolve(layout, InstallStep.builder("none").build(),
                context(spec)).orElseThrow());
        assertEquals(List.of(), uv.requests());
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void uninstallRemovesByNameInTheRoot(OperatingSystem os) throws IOException {
        uv.reply("pip uninstall", 0, "", Fixtures.read("pip-uninstall.txt"));
        EnvironmentSpec spec = spec(os).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), os);

        installer(os).uninstall(layout, List.of("markupsafe", "isoenv-demo-mixed-case"), context(spec));

        ProcessRequest pip = uv.only("pip uninstall");
        assertEquals(uvCommand("pip", "uninstall", "--no-progress", "--color", "never", "--python", root.toString(),
                "--", "markupsafe", "isoenv-demo-mixed-case"), pip.command());
        assertEquals(root, pip.directory().orElseThrow());
        assertFalse(env(pip).containsKey("VIRTUAL_ENV"));
        assertFalse(env(pip).containsKey("UV_DEFAULT_INDEX"), "an uninstall needs no index");
    }

    @Test
    void nothingToInstallOrRemoveStartsNoProcess() throws IOException {
        EnvironmentSpec spec = spec(OperatingSystem.LINUX).build();
        EnvironmentLayout layout = EnvironmentLayout.virtualEnvironment(root, root.resolve("site"), OperatingSystem.LINUX);
        installer(OperatingSystem.LINUX).install(layout, InstallStep.builder("none").build(), context(spec));
        installer(OperatingSystem.LINUX).uninstall(layout, List.of(), context(spec));
        assertEquals(List.of(), uv.requests());
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void listReadsSitePackagesWithoutAProcess(OperatingSystem os) {
        Path site = os.isWindows() ? root.resolve("Lib/site-packages") : root.resolve("lib/python3.12/site-packages");
        write(site.resolve("IsoEnv_Demo.Mixed_Case-1.0.0+kit.2.dist-info/METADATA"),
                "Metadata-Version: 2.1\nName: IsoEnv_Demo.Mixed_Case\nVersion: 1.0.0+kit.2\n");
        write(site.resolve("pip-24.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: pip\nVersion: 24.0\n");

        List<InstalledDistribution> listed = installer(os).list(EnvironmentLayout.virtualEnvironment(root, site, os));

        assertEquals(List.of("isoenv-demo-mixed-case 1.0.0+kit.2", "pip 24.0"), listed.stream()
                .map(d -> d.normalizedName() + " " + d.version()).sorted().collect(Collectors.toList()));
        assertEquals(List.of(), uv.requests());
    }

    @Test
    void availabilityNamesTheUvItFoundAndItsVersion() throws IOException {
        Path exe = uvFor(OperatingSystem.LINUX);
        UvInstaller installer = new UvInstaller(OperatingSystem.LINUX, uv.runner(),
                name -> name.equals("isoenv.uv") ? exe.toString() : null);
        Availability a = installer.availability();
        assertTrue(a.isAvailable(), a::toString);
        assertEquals("uv 0.12.5 at " + exe + " (named by the system property isoenv.uv)", a.detail());
        assertTrue(installer.availability().isAvailable());
        assertEquals(1, uv.requests("version").size(), "the version is read once");
        assertEquals(200, installer.priority());
        assertEquals("uv", installer.name());
    }

    @Test
    void availabilitySaysWhyAndHowToPointAtAUv() throws IOException {
        Path exe = uvFor(OperatingSystem.LINUX);
        uv.reply("version", 0, Fixtures.read("version-0.4.30.txt"), "");
        Availability old = new UvInstaller(OperatingSystem.LINUX, uv.runner(), name -> exe.toString()).availability();
        assertFalse(old.isAvailable());
        assertTrue(old.detail().contains("uv 0.4.30") && old.detail().contains("0.5.29"), old::detail);

        Availability wrong = new UvInstaller(OperatingSystem.LINUX, uv.runner(), name -> dir.resolve("nope").toString())
                .availability();
        assertFalse(wrong.isAvailable());
        assertTrue(wrong.detail().contains("isoenv.uv names " + dir.resolve("nope")), wrong::detail);
    }

    @Test
    void aSpecsUvPathOptionIsWhatSelectionChecks() throws IOException {
        Path exe = uvFor(OperatingSystem.LINUX);
        UvInstaller installer = new UvInstaller(OperatingSystem.LINUX, uv.runner(), name -> null);
        EnvironmentSpec named = EnvironmentSpec.builder(dir.resolve("env")).backend("uv")
                .backendOption("uv.path", exe.toString()).build();
        Availability a = installer.availabilityFor(named);
        assertTrue(a.isAvailable(), a::toString);
        assertTrue(a.detail().contains(exe.toString()), a::detail);
        Availability missing = installer.availabilityFor(named.toBuilder()
                .backendOption("uv.path", dir.resolve("nope").toString()).build());
        assertFalse(missing.isAvailable());
        assertTrue(missing.detail().contains(dir.resolve("nope").toString()), missing::detail);
    }
}
