package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.isoenv.Availability;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallerArgument;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.OutputListener;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backend against a mocked {@link CommandRunner}: the exact command lines, environments and working directories
 * it asks for, on the Linux and the Windows layout. The mock answers as the tool would, writing into the prefix the
 * files that micromamba or conda would write ({@code conda-meta/*.json}, the interpreter, site-packages) and printing
 * the JSON of the fixtures; no tool and no script stands in for one.
 */
class CondaInstallerTest {
    /** An interpreter path that is only named, never run. */
    private static final Path SOME_PYTHON = Path.of(System.getProperty("java.io.tmpdir"), "bin", "python3");

    private static final List<String> DROPPED = List.of("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX",
            "CONDA_DEFAULT_ENV", "CONDA_SHLVL");

    @TempDir
    Path dir;

    private final List<ProcessRequest> requests = new ArrayList<>();
    private final List<EnsureEvent> events = new ArrayList<>();
    private final CommandRunner runner = mock(CommandRunner.class);
    private Function<ProcessRequest, ProcessResult> answer = this::tool;

    private Path executable(OperatingSystem os, String name) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path file = Files.writeString(tools.resolve(os.executableName(name)), "not run: the runner is a mock\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private Map<String, String> machine(OperatingSystem os) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(os.isWindows() ? "Path" : "PATH", dir.resolve("tools").toString());
        env.put("HOME", dir.resolve("home").toString());
        env.put("KEEP_ME", "1");
        for (String name : DROPPED) {
            env.put(os.isWindows() ? name.toLowerCase(java.util.Locale.ROOT) : name, "/elsewhere");
        }
        return env;
    }

    private CondaInstaller installer(OperatingSystem os) {
        return new CondaInstaller(os, () -> machine(os), key -> null, dir.resolve("system-root"));
    }

    @BeforeEach
    void answerAsTheToolWould() {
        when(runner.run(any(ProcessRequest.class))).thenAnswer(inv -> {
            ProcessRequest request = inv.getArgument(0);
            requests.add(request);
            return answer.apply(request);
        });
    }

    private BackendContext context(EnvironmentSpec spec, OperatingSystem os) {
        return new BackendContext(spec, runner, OutputListener.NONE, events::add, machine(os));
    }

    private EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(dir.resolve("env")).python("3.12").backend("conda");
    }

    /** What micromamba does for install and remove: the files it writes, and its JSON answer. */
    private ProcessResult tool(ProcessRequest request) {
        List<String> c = request.command();
        try {
            if (c.get(1).equals("--version")) {
                return result(c, 0, "2.0.8\n", "");
            }
            if (c.get(1).equals("create")) {
                assertEquals(List.of("create", "--dry-run", "-p"), c.subList(1, 4));
                assertFalse(Files.exists(Path.of(c.get(4))), "a dry run's prefix does not exist");
                return result(c, 0, fixture("micromamba-install-success.json"), "");
            }
            Path root = Path.of(c.get(3));
            assertTrue(Files.isRegularFile(root.resolve("conda-meta/history")), "the prefix is marked before the tool");
            if (c.get(1).equals("remove")) {
                for (String name : c.subList(4, c.indexOf("-y"))) {
                    try (var files = Files.newDirectoryStream(root.resolve("conda-meta"), name + "-*.json")) {
                        for (Path f : files) {
                            Files.delete(f);
                        }
                    }
                }
                return result(c, 0, "{\"success\": true}", "");
            }
            boolean windows = c.get(0).endsWith(".exe");
            meta(root, "python-3.12.4-h9e4cc4f_0_cpython");
            Files.createDirectories(root.resolve(windows ? "python.exe" : "bin/python").getParent());
            Files.writeString(root.resolve(windows ? "python.exe" : "bin/python"), "");
            Path site = root.resolve(windows ? "Lib/site-packages" : "lib/python3.12/site-packages");
            if (c.contains("pip")) {
                meta(root, "pip-24.0-pyhd8ed1ab_0");
                distInfo(site, "pip", "24.0");
            }
            for (String spec : c.subList(4, c.indexOf("-c"))) {
                if (!spec.startsWith("python") && !spec.equals("pip")) {
                    meta(root, CondaCommands.packageName(spec) + "-1.0-h0_0");
                }
            }
            return result(c, 0, fixture("micromamba-install-success.json"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void meta(Path root, String record) throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("conda-meta")).resolve(record + ".json"), "{}");
    }

    private static void distInfo(Path site, String name, String version) throws IOException {
        Path info = Files.createDirectories(site.resolve(name + "-" + version + ".dist-info"));
        Files.writeString(info.resolve("METADATA"), "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version
                + "\n");
    }

    static String fixture(String name) {
        try (var in = CondaInstallerTest.class.getResourceAsStream("fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProcessResult result(List<String> command, int exitCode, String stdout, String stderr) {
        List<String> tail = new ArrayList<>();
        for (String s : (stdout + "\n" + stderr).split("\\R")) {
            if (!s.isBlank()) {
                tail.add(s);
            }
        }
        return new ProcessResult(command, exitCode, stdout, stderr, tail, Duration.ofMillis(5));
    }

    private void assertToolEnvironment(OperatingSystem os, ProcessRequest request, boolean withPip) {
        Map<String, String> env = request.environment().orElseThrow();
        for (String name : DROPPED) {
            assertEquals(null, os.variable(env, name), () -> name + " reaches the tool: " + env);
        }
        assertEquals("1", env.get("KEEP_ME"));
        assertEquals(dir.resolve("tools").toString(), os.variable(env, "PATH"), "PATH is left as it is");
        assertEquals(withPip ? null : "false", env.get("CONDA_ADD_PIP_AS_PYTHON_DEPENDENCY"));
        assertEquals(withPip ? null : "false", env.get("MAMBA_ADD_PIP_AS_PYTHON_DEPENDENCY"));
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void createsIntoAPrefixThatHoldsIsoenvsRecordWithInstallNeverCreate(OperatingSystem os) throws IOException {
        Path tool = executable(os, "micromamba");
        Path root = dir.resolve("env");
        Files.createDirectories(root.resolve(".isoenv"));
        Files.writeString(root.resolve(".isoenv/state.properties"), "state=creating\n");
        EnvironmentSpec spec = spec().condaPackages("ffmpeg", "conda-forge::x264>=1!0").build();
        CreatedEnvironment created = installer(os).create(spec, context(spec, os));

        assertEquals(1, requests.size());
        ProcessRequest request = requests.get(0);
        assertEquals(List.of(tool.toString(), "install", "-p", root.toString(), "python=3.12", "pip", "ffmpeg",
                "conda-forge::x264>=1!0", "-c", "conda-forge", "--override-channels", "-y", "--json"),
                request.command());
        assertEquals(Optional.of(root), request.directory());
        assertEquals(Optional.of(spec.timeouts().create()), request.timeout());
        assertToolEnvironment(os, request, true);
        assertEquals("state=creating\n", Files.readString(root.resolve(".isoenv/state.properties")),
                "isoenv's record survives");
        assertEquals("", Files.readString(root.resolve("conda-meta/history")));

        EnvironmentLayout layout = created.layout();
        assertEquals(EnvironmentLayout.Kind.CONDA_PREFIX, layout.kind());
        assertEquals("3.12.4", created.pythonVersion());
        assertEquals(root.resolve(os.isWindows() ? "python.exe" : "bin/python"), layout.python());
        assertEquals(root.resolve(os.isWindows() ? "Lib/site-packages" : "lib/python3.12/site-packages"),
                layout.sitePackages());
        assertTrue(created.baseInterpreter().contains("h9e4cc4f_0_cpython"), created.baseInterpreter());
        assertEquals(List.of("channel conda-forge", "package ffmpeg", "package conda-forge::x264>=1!0"),
                Files.readAllLines(root.resolve("conda-meta").resolve(CondaPrefix.APPLIED)));
        assertEquals(List.of("python 3.12.4 INSTALLED", "ffmpeg 7.0.1 INSTALLED"), events.stream()
                .filter(e -> e instanceof EnsureEvent.PackageProgress).map(e -> (EnsureEvent.PackageProgress) e)
                .map(e -> e.name() + " " + e.version() + " " + e.phase()).collect(Collectors.toList()));
        assertTrue(events.stream().anyMatch(e -> e instanceof EnsureEvent.InterpreterFound
                && ((EnsureEvent.InterpreterFound) e).version().equals("3.12.4")), events::toString);
    }

    @Test
    void theInterpreterFoundEventAndOriginMaskChannelCredentials() throws IOException {
        executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().condaChannels("https://user:s3cret@conda.example.com/private").build();
        CreatedEnvironment created = installer(OperatingSystem.LINUX).create(spec, context(spec, OperatingSystem.LINUX));
        assertFalse(created.baseInterpreter().contains("s3cret"), created.baseInterpreter());
        assertFalse(events.toString().contains("s3cret"), events::toString);
    }

    @Test
    void withoutPipTurnsOffTheToolsPipDependencyAndAsksForNoPip() throws IOException {
        Path tool = executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().python(PythonRequest.defaultPython()).pip(false).build();
        CreatedEnvironment created = installer(OperatingSystem.LINUX).create(spec, context(spec, OperatingSystem.LINUX));
        assertEquals(List.of(tool.toString(), "install", "-p", dir.resolve("env").toString(), "python", "-c",
                "conda-forge", "--override-channels", "-y", "--json"), requests.get(0).command());
        assertToolEnvironment(OperatingSystem.LINUX, requests.get(0), false);
        assertTrue(installer(OperatingSystem.LINUX).list(created.layout()).isEmpty());
    }

    @Test
    void prepareRunsTheToolsVersionAndADryRunAndCreateNamesIt() throws IOException {
        Path tool = executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().condaChannels("nvidia", "conda-forge").build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        BackendContext context = context(spec, OperatingSystem.LINUX);
        installer.prepare(spec, context);
        assertEquals(List.of(tool.toString(), "--version"), requests.get(0).command());
        assertEquals(List.of(tool.toString(), "create", "--dry-run", "-p", dir.resolve("env.isoenv-dry-run").toString(),
                "python=3.12", "pip", "-c", "nvidia", "-c", "conda-forge", "--override-channels", "-y", "--json"),
                requests.get(1).command());
        assertToolEnvironment(OperatingSystem.LINUX, requests.get(1), true);
        requests.remove(1);
        assertEquals(Optional.of(spec.timeouts().probe()), requests.get(0).timeout());
        assertToolEnvironment(OperatingSystem.LINUX, requests.get(0), true);
        assertFalse(Files.exists(dir.resolve("env")), "prepare changes nothing");

        CreatedEnvironment created = installer.create(spec, context);
        assertEquals(List.of("-c", "nvidia", "-c", "conda-forge", "--override-channels"),
                requests.get(1).command().subList(6, 11));
        assertTrue(created.baseInterpreter().endsWith("installed by micromamba 2.0.8 at " + tool),
                created.baseInterpreter());
    }

    @Test
    void prepareFailsForWhatTheChannelsLackBeforeAnythingIsDeleted() throws IOException {
        executable(OperatingSystem.LINUX, "conda");
        Path root = Files.createDirectories(dir.resolve("env/conda-meta"));
        EnvironmentSpec spec = spec().python("3.1").build();
        answer = r -> r.command().get(1).equals("--version") ? tool(r)
                : result(r.command(), 1, fixture("conda-packages-not-found-python.json"), "");
        assertThrows(PythonNotFoundException.class,
                () -> installer(OperatingSystem.LINUX).prepare(spec, context(spec, OperatingSystem.LINUX)));
        answer = r -> r.command().get(1).equals("--version") ? tool(r)
                : result(r.command(), 1, fixture("conda-packages-not-found.json"), "");
        assertThrows(InstallationException.class,
                () -> installer(OperatingSystem.LINUX).prepare(spec, context(spec, OperatingSystem.LINUX)));
        assertEquals("create", requests.get(1).command().get(1));
        assertTrue(Files.isDirectory(root), "the working environment is left alone");
    }

    @Test
    void aToolThatDoesNotRunFailsPrepare() throws IOException {
        executable(OperatingSystem.LINUX, "conda");
        EnvironmentSpec spec = spec().build();
        answer = r -> result(r.command(), 127, "", "conda: error while loading shared libraries");
        EnvironmentCreationException e = assertThrows(EnvironmentCreationException.class,
                () -> installer(OperatingSystem.LINUX).prepare(spec, context(spec, OperatingSystem.LINUX)));
        assertTrue(e.getMessage().contains("does not run") && e.getMessage().contains("-Disoenv.conda"),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void installAppliesChangedCondaPackagesThenInstallsTheStepWithPip(OperatingSystem os) throws IOException {
        Path tool = executable(os, "conda");
        Path root = dir.resolve("env");
        EnvironmentSpec first = spec().condaPackages("ffmpeg").build();
        CondaInstaller installer = installer(os);
        EnvironmentLayout layout = installer.create(first, context(first, os)).layout();
        requests.clear();

        EnvironmentSpec second = spec().condaPackages("cuda-toolkit=12.4").requirement("requests>=2")
                .installerArguments("--only-binary=:all:", "--pre").build();
        InstallStep step = InstallStep.builder("requirements").requirements(second.requirements()).build();
        answer = r -> r.command().get(0).equals(tool.toString()) ? tool(r) : result(r.command(), 0, "", "");
        installer.install(layout, step, context(second, os));

        assertEquals(3, requests.size(), requests::toString);
        assertEquals(List.of(tool.toString(), "remove", "-p", root.toString(), "ffmpeg", "-c", "conda-forge",
                "--override-channels", "-y", "--json"), requests.get(0).command(), "conda's remove takes channels");
        assertEquals(List.of(tool.toString(), "install", "-p", root.toString(), "python=3.12", "pip",
                "cuda-toolkit=12.4", "-c", "conda-forge", "--override-channels", "-y", "--json"),
                requests.get(1).command());
        for (ProcessRequest conda : requests.subList(0, 2)) {
            assertEquals(Optional.of(root), conda.directory());
            assertEquals(Optional.of(second.timeouts().install()), conda.timeout());
            assertToolEnvironment(os, conda, true);
        }
        ProcessRequest pip = requests.get(2);
        // The environment's pip (the fake one is 24.0) writes an installation report, kept for a lock export.
        assertEquals(List.of(layout.python().toString(), "-m", "pip", "install", "--no-input", "--progress-bar", "off",
                "--disable-pip-version-check", "--report", root.resolve(".isoenv").resolve("pip-report.json").toString(),
                "--only-binary=:all:", "--pre", "--", "requests>=2"), pip.command(),
                "installer arguments reach pip, never conda");
        for (InstallerArgument.Kind kind : InstallerArgument.Kind.values()) {
            assertEquals(Optional.empty(), installer.cannotApply(InstallerArgument.parse(kind.takesValue()
                    ? kind.option() + (kind == InstallerArgument.Kind.CONFIG_SETTINGS ? "=k=v" : "=:all:")
                    : kind.option())), kind::toString);
        }
        assertEquals(Optional.empty(), pip.directory());
        Map<String, String> env = pip.environment().orElseThrow();
        assertEquals(root.toString(), env.get("CONDA_PREFIX"));
        assertEquals("1", env.get("PYTHONNOUSERSITE"));
        assertTrue(os.variable(env, "PATH").startsWith(layout.pathEntries().get(0).toString()), env::toString);
        assertEquals(null, os.variable(env, "PYTHONPATH"));
        assertEquals(List.of("channel conda-forge", "package cuda-toolkit=12.4"),
                Files.readAllLines(root.resolve("conda-meta").resolve(CondaPrefix.APPLIED)));
    }

    @Test
    void micromambasRemoveGetsNoChannelOptions() throws IOException {
        Path tool = executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec first = spec().condaPackages("ffmpeg", "x264").build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        EnvironmentLayout layout = installer.create(first, context(first, OperatingSystem.LINUX)).layout();
        requests.clear();
        EnvironmentSpec second = spec().condaPackages("ffmpeg").build();
        installer.install(layout, InstallStep.builder("none").build(), context(second, OperatingSystem.LINUX));
        assertEquals(List.of(tool.toString(), "remove", "-p", layout.root().toString(), "x264", "-y", "--json"),
                requests.get(0).command());
        assertEquals("install", requests.get(1).command().get(1), "what the removal took with it comes back");
    }

    @Test
    void changedCondaPackagesPinTheInstalledPythonAndAChangedPythonFails() throws IOException {
        Path tool = executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec first = spec().python(PythonRequest.defaultPython()).condaPackages("ffmpeg").build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        EnvironmentLayout layout = installer.create(first, context(first, OperatingSystem.LINUX)).layout();
        Path applied = layout.root().resolve("conda-meta").resolve(CondaPrefix.APPLIED);
        requests.clear();
        EnvironmentSpec second = spec().python(PythonRequest.defaultPython()).condaPackages("x264").build();
        installer.install(layout, InstallStep.builder("none").build(), context(second, OperatingSystem.LINUX));
        assertEquals(List.of(tool.toString(), "install", "-p", layout.root().toString(), "python=3.12", "pip", "x264",
                "-c", "conda-forge", "--override-channels", "-y", "--json"), requests.get(1).command());

        requests.clear();
        answer = r -> {
            ProcessResult done = tool(r);
            try {
                Files.delete(layout.root().resolve("conda-meta/python-3.12.4-h9e4cc4f_0_cpython.json"));
                meta(layout.root(), "python-3.13.1-h0_cpython");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return done;
        };
        EnvironmentSpec third = spec().python(PythonRequest.defaultPython()).condaPackages("x264", "ffmpeg").build();
        InstallationException e = assertThrows(InstallationException.class, () -> installer.install(layout,
                InstallStep.builder("none").build(), context(third, OperatingSystem.LINUX)));
        assertTrue(e.getMessage().contains("Python 3.13.1") && e.getMessage().contains("built with Python 3.12"),
                e.getMessage());
        assertEquals(List.of("channel conda-forge", "package x264"), Files.readAllLines(applied), "not recorded");
    }

    @Test
    void unchangedCondaPackagesStartNoProcessOfTheTool() throws IOException {
        executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().condaPackages("ffmpeg").build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        EnvironmentLayout layout = installer.create(spec, context(spec, OperatingSystem.LINUX)).layout();
        requests.clear();
        installer.install(layout, InstallStep.builder("nothing").build(), context(spec, OperatingSystem.LINUX));
        assertEquals(List.of(), requests);

        Files.delete(layout.root().resolve("conda-meta/ffmpeg-1.0-h0_0.json"));
        installer.install(layout, InstallStep.builder("nothing").build(), context(spec, OperatingSystem.LINUX));
        assertEquals("install", requests.get(0).command().get(1), "a package removed behind isoenv's back returns");
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void uninstallRemovesWithPipAndLeavesWhatCondaInstalled(OperatingSystem os) throws IOException {
        executable(os, "micromamba");
        EnvironmentSpec spec = spec().condaPackages("numpy", "typing_extensions").build();
        CondaInstaller installer = installer(os);
        EnvironmentLayout layout = installer.create(spec, context(spec, os)).layout();
        requests.clear();
        answer = r -> result(r.command(), 0, "", "");
        installer.uninstall(layout, List.of("requests", "numpy", "typing-extensions"), context(spec, os));
        assertEquals(1, requests.size());
        assertEquals(List.of(layout.python().toString(), "-m", "pip", "uninstall", "--no-input",
                "--disable-pip-version-check", "--yes", "--", "requests"), requests.get(0).command());
        assertEquals(Optional.empty(), requests.get(0).directory());
        assertEquals(layout.root().toString(), requests.get(0).environment().orElseThrow().get("CONDA_PREFIX"));

        requests.clear();
        installer.uninstall(layout, List.of("numpy"), context(spec, os));
        assertEquals(List.of(), requests);
    }

    @Test
    void uninstallLeavesWhatCondaInstalledByItsInstallerFileWhateverItsCondaName() throws IOException {
        executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().condaPackages("pytorch", "py-opencv").build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        EnvironmentLayout layout = installer.create(spec, context(spec, OperatingSystem.LINUX)).layout();
        for (String[] d : new String[][] {{"torch", "conda"}, {"opencv_python", "conda\n"}, {"requests", "pip"}}) {
            distInfo(layout.sitePackages(), d[0], "1.0");
            Files.writeString(layout.sitePackages().resolve(d[0] + "-1.0.dist-info/INSTALLER"), d[1]);
        }
        requests.clear();
        answer = r -> result(r.command(), 0, "", "");
        installer.uninstall(layout, List.of("torch", "opencv-python", "requests"), context(spec,
                OperatingSystem.LINUX));
        assertEquals(List.of(layout.python().toString(), "-m", "pip", "uninstall", "--no-input",
                "--disable-pip-version-check", "--yes", "--", "requests"), requests.get(0).command());
    }

    @ParameterizedTest
    @EnumSource(value = OperatingSystem.class, names = {"LINUX", "WINDOWS"})
    void listReadsSitePackagesWithoutAProcess(OperatingSystem os) throws IOException {
        executable(os, "micromamba");
        EnvironmentSpec spec = spec().build();
        CondaInstaller installer = installer(os);
        EnvironmentLayout layout = installer.create(spec, context(spec, os)).layout();
        distInfo(layout.sitePackages(), "Requests", "2.32.3");
        requests.clear();
        Map<String, String> listed = new TreeMap<>();
        for (InstalledDistribution d : installer.list(layout)) {
            listed.put(d.normalizedName(), d.version());
        }
        assertEquals(Map.of("pip", "24.0", "requests", "2.32.3"), listed);
        assertEquals(List.of(), requests);
    }

    @Test
    void failuresBecomeTypedExceptions() throws IOException {
        executable(OperatingSystem.LINUX, "conda");
        EnvironmentSpec spec = spec().python("3.1").build();
        answer = r -> result(r.command(), 1, fixture("conda-packages-not-found-python.json"), "");
        PythonNotFoundException python = assertThrows(PythonNotFoundException.class,
                () -> installer(OperatingSystem.LINUX).create(spec, context(spec, OperatingSystem.LINUX)));
        assertTrue(python.getMessage().contains("Python 3.1 is not available"), python.getMessage());

        answer = r -> result(r.command(), 1, fixture("conda-tos-non-interactive.json"), "");
        EnvironmentCreationException tos = assertThrows(EnvironmentCreationException.class,
                () -> installer(OperatingSystem.LINUX).create(spec, context(spec, OperatingSystem.LINUX)));
        assertTrue(tos.getMessage().contains("never accepts terms"), tos.getMessage());

        answer = r -> result(r.command(), 0, fixture("micromamba-solver-problems.json"), "");
        assertThrows(InstallationException.class,
                () -> installer(OperatingSystem.LINUX).create(spec, context(spec, OperatingSystem.LINUX)),
                "success false is a failure even with exit code 0");
    }

    @Test
    void availabilityCannotBuildAndAutomaticSelection() throws IOException {
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        assertEquals("conda", installer.name());
        assertEquals(50, installer.priority());
        Availability none = installer.availability();
        assertFalse(none.isAvailable());
        assertTrue(none.detail().contains("-Disoenv.conda=/path/to/micromamba"), none.detail());
        Path tool = executable(OperatingSystem.LINUX, "mamba");
        Availability found = installer.availability();
        assertTrue(found.isAvailable());
        assertTrue(found.detail().contains(tool.toString()), found.detail());

        assertFalse(installer.chosenAutomaticallyFor(spec().build()));
        assertTrue(installer.chosenAutomaticallyFor(spec().condaPackages("ffmpeg").build()));
        assertEquals(Optional.empty(), installer.cannotBuild(spec().condaPackages("ffmpeg").build()));
        assertTrue(installer.cannotBuild(spec().python(PythonRequest.interpreter(SOME_PYTHON)).build())
                .orElseThrow().contains("installs its own Python"));
        assertTrue(installer.cannotBuild(spec().pip(false).requirement("requests").build()).orElseThrow()
                .contains("pip(false)"));
        assertEquals(Optional.empty(), installer.cannotBuild(spec().pip(false).build()));
        String other = dev.isoenv.internal.platform.TargetPlatform.current().name().equals("linux-aarch64")
                ? "linux-x86_64" : "linux-aarch64";
        String refused = installer.cannotBuild(spec().backendOption("target.platform", other).build()).orElseThrow();
        assertTrue(refused.contains("asks for " + other) && refused.contains("build on a " + other + " machine"),
                refused);
    }

    @Test
    void aSpecsCondaPathIsWhatSelectionChecks() throws IOException {
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        assertFalse(installer.availability().isAvailable(), "nothing on PATH or in the usual folders");
        Path tool = dir.resolve("tools").resolve("micromamba");
        java.nio.file.Files.createDirectories(tool.getParent());
        java.nio.file.Files.writeString(tool, "");
        tool.toFile().setExecutable(true);
        Availability named = installer.availabilityFor(spec().backendOption("conda.path", tool.toString()).build());
        assertTrue(named.isAvailable(), named::detail);
        assertTrue(named.detail().contains(tool.toString()), named::detail);
    }

    @Test
    void optionsAreCheckedAndCondaPathNamesTheTool() throws IOException {
        Path tool = executable(OperatingSystem.LINUX, "some-conda-build");
        EnvironmentSpec unknown = spec().backendOption("conda.root-prefix", "/x").backendOption("uv.path", "/y").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> installer(OperatingSystem.LINUX).prepare(unknown, context(unknown, OperatingSystem.LINUX)));
        assertTrue(e.getMessage().contains("conda.root-prefix") && e.getMessage().contains("[conda.path]"),
                e.getMessage());

        EnvironmentSpec missing = spec().backendOption("conda.path", dir.resolve("nothing").toString()).build();
        assertThrows(InvalidSpecException.class,
                () -> installer(OperatingSystem.LINUX).create(missing, context(missing, OperatingSystem.LINUX)));

        EnvironmentSpec named = spec().backendOption("conda.path", tool.toString()).build();
        installer(OperatingSystem.LINUX).create(named, context(named, OperatingSystem.LINUX));
        assertEquals(tool.toString(), requests.get(0).command().get(0));

        EnvironmentSpec interpreter = spec().python(PythonRequest.interpreter(SOME_PYTHON)).build();
        assertThrows(InvalidSpecException.class, () -> installer(OperatingSystem.LINUX).create(interpreter,
                context(interpreter, OperatingSystem.LINUX)));
    }

    @Test
    void pythonRequirementsWithoutPipAreRefusedAtInstall() throws IOException {
        executable(OperatingSystem.LINUX, "micromamba");
        EnvironmentSpec spec = spec().pip(false).build();
        CondaInstaller installer = installer(OperatingSystem.LINUX);
        EnvironmentLayout layout = installer.create(spec, context(spec, OperatingSystem.LINUX)).layout();
        InstallStep step = InstallStep.builder("r").requirements(List.of(Requirement.parse("requests"))).build();
        assertThrows(InvalidSpecException.class, () -> installer.install(layout, step,
                context(spec, OperatingSystem.LINUX)));
    }
}
