package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.IsoenvClient;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidRequirementException;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.RunResult;
import dev.isoenv.Availability;
import dev.isoenv.spi.Installer;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code ensure()} promises over a sequence of calls, with the venv backend, a real Python and a real PEP 503
 * index served on 127.0.0.1 with wheels built by the tests: creation, the warm path that starts no process,
 * incremental installs and removals, version changes in place, failed installs that are never recorded as done,
 * repair of broken and half-built environments, foreign directories left alone, rejected requirement strings, and
 * credentials that are used but never shown. These are the engine's scenarios; what every backend must do on its
 * own is checked by the conformance kit, {@link dev.isoenv.tck.InstallerConformanceSuite}, which
 * {@link VenvConformanceTest} runs.
 */
class EnsureScenariosTest {
    /** The index that requires credentials. */
    private static final String PRIVATE_INDEX = "/private/";
    /** The user of {@link #PRIVATE_INDEX}. */
    private static final String PRIVATE_USER = "alice";
    /** The token of {@link #PRIVATE_INDEX}; it must never appear in anything isoenv shows. */
    private static final String PRIVATE_TOKEN = "tok-7f3a9c-secret";

    private static PackageIndexServer server;

    /** A fresh directory for each test's environments. */
    @TempDir
    Path workDir;

    private final List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private final Installer installer = new VenvInstaller();

    private Installer installer() {
        return installer;
    }

    @BeforeAll
    static void startIndex() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
        server.publish(TestPackages.brokenSdist());
        server.publish(TestPackages.orphan());
        server.addIndex(PRIVATE_INDEX);
        server.publish(PRIVATE_INDEX, TestPackages.hello("1.0"));
        server.requireBasicAuth(PRIVATE_INDEX, PRIVATE_USER, PRIVATE_TOKEN);
    }

    @AfterAll
    static void stopIndex() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void requireAvailableBackend() {
        Availability availability = installer().availability();
        assumeTrue(availability.isAvailable(), () -> installer().name() + " is not available here: " + availability.detail());
        server.clearRequestLog();
    }

    /**
     * Starts a specification for an environment named {@code name} in {@link #workDir}, using the venv backend, the
     * machine's default Python, the fixture index only, and no machine configuration.
     *
     * @param name the environment's directory name
     * @return a builder
     */
    private EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(workDir.resolve(name))
                .python(PythonRequest.defaultPython())
                .backend(installer().name())
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }

    /**
     * Ensures an environment with this backend only, recording every process launch and output line.
     *
     * @param spec the specification
     * @return the environment
     */
    private Environment ensure(EnvironmentSpec spec) {
        return ensure(spec, System.getenv());
    }

    /**
     * Ensures an environment with the given process variables.
     *
     * @param spec the specification
     * @param processEnvironment the variables child processes start from
     * @return the environment
     */
    private Environment ensure(EnvironmentSpec spec, Map<String, String> processEnvironment) {
        return IsoenvClient.builder()
                .installers(List.of(installer()))
                .launchListener(launches::add)
                .outputListener((stream, line) -> output.add(line))
                .processEnvironment(processEnvironment)
                .build()
                .ensure(spec);
    }

    /**
     * Returns the commands started since the last call, and forgets them.
     *
     * @return the launched commands
     */
    private List<List<String>> takeLaunches() {
        synchronized (launches) {
            List<List<String>> copy = new ArrayList<>(launches);
            launches.clear();
            return copy;
        }
    }

    private static String version(Environment env, String name) {
        return env.installedDistribution(name).map(InstalledDistribution::version).orElse("(not installed)");
    }

    private static Path marker(Environment env) throws IOException {
        return Files.writeString(env.root().resolve("user-data.txt"), "kept");
    }

    @Test
    @DisplayName("creates an empty environment whose pip works")
    void createsAnEmptyEnvironmentWithAWorkingPip() throws IOException {
        Environment env = ensure(spec("empty").build());
        assertTrue(Files.isRegularFile(env.python()), env.python().toString());
        assertTrue(env.python().startsWith(env.scriptsDirectory()) || env.python().startsWith(env.root()));
        RunResult pip = env.run("python", "-m", "pip", "--version").requireSuccess();
        assertTrue(pip.stdout().contains(env.root().toString()), "pip runs from inside the environment: " + pip.stdout());
        RunResult prefix = env.run("python", "-c", "import sys; print(sys.prefix)").requireSuccess();
        assertEquals(env.root().toRealPath(), Path.of(prefix.stdout().strip()).toRealPath());
        assertTrue(env.installedDistribution("pip").isPresent(), env.installedDistributions().toString());
    }

    @Test
    @DisplayName("installs from the index, resolves dependencies, and runs console scripts and python -c")
    void installsFromTheIndexAndRunsConsoleScripts() {
        Environment env = ensure(spec("tools").requirement(TestPackages.GREETER).build());
        assertEquals("1.0", version(env, TestPackages.GREETER));
        assertEquals("1.1", version(env, TestPackages.HELLO), "the newest hello below 2.0, as the greeter asks");
        RunResult greet = env.run(TestPackages.GREETER_SCRIPT).requireSuccess();
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), greet.stdout().strip());
        assertEquals(env.scriptsDirectory().resolve(TestPackages.HELLO_SCRIPT),
                env.findExecutable(TestPackages.HELLO_SCRIPT).orElseThrow());
        RunResult python = env.run("python", "-c",
                "import " + TestPackages.HELLO_MODULE + " as m; print(m.__version__)").requireSuccess();
        assertEquals("1.1", python.stdout().strip());
    }

    @Test
    @DisplayName("activates the environment and removes variables that point elsewhere")
    void environmentVariablesActivateTheEnvironment() throws IOException {
        Path hostBin = Files.createDirectories(workDir.resolve("host-bin"));
        Path fakePython = hostBin.resolve("python");
        Files.writeString(fakePython, "#!/bin/sh\necho host-python\n");
        fakePython.toFile().setExecutable(true);
        Map<String, String> processEnvironment = new HashMap<>(System.getenv());
        processEnvironment.put("PATH", hostBin + java.io.File.pathSeparator + System.getenv("PATH"));
        processEnvironment.put("VIRTUAL_ENV", workDir.resolve("some-other-venv").toString());
        processEnvironment.put("CONDA_PREFIX", workDir.resolve("some-conda").toString());
        processEnvironment.put("PYTHONPATH", workDir.resolve("elsewhere").toString());
        processEnvironment.put("PYTHONHOME", workDir.resolve("no-such-home").toString());

        Environment env = ensure(spec("activated").build(), processEnvironment);
        Map<String, String> vars = env.environmentVariables();
        assertEquals(env.root().toString(), vars.get("VIRTUAL_ENV"));
        assertTrue(vars.get("PATH").startsWith(env.scriptsDirectory().toString()), vars.get("PATH"));
        assertFalse(vars.containsKey("PYTHONHOME"));
        assertFalse(vars.containsKey("PYTHONPATH"));
        assertFalse(vars.containsKey("CONDA_PREFIX"));

        RunResult seen = env.run("python", "-c", "import os, sys; print(sys.prefix); print(os.environ['VIRTUAL_ENV']);"
                + " print(os.environ.get('PYTHONPATH', '-')); print(os.environ.get('CONDA_PREFIX', '-'))").requireSuccess();
        List<String> lines = seen.stdout().lines().collect(Collectors.toList());
        assertEquals(env.root().toRealPath(), Path.of(lines.get(0)).toRealPath(), "the environment's python ran, not the host's");
        assertEquals(List.of(env.root().toString(), "-", "-"), lines.subList(1, 4));
    }

    @Test
    @DisplayName("a second ensure() of an unchanged specification starts no process")
    void aSecondEnsureStartsNoProcess() {
        EnvironmentSpec spec = spec("warm").requirement(TestPackages.HELLO).build();
        Environment first = ensure(spec);
        assertFalse(takeLaunches().isEmpty(), "the first ensure() creates and installs");
        server.clearRequestLog();
        Environment second = ensure(spec);
        assertEquals(List.of(), takeLaunches());
        assertEquals(first.root(), second.root());
        assertEquals(first.python(), second.python());
        assertEquals(List.of(), server.requestedPaths(), "nor does it contact the index");
    }

    @Test
    @DisplayName("adding a requirement installs only what is new, in place")
    void addingARequirementInstallsOnlyWhatIsNew() throws IOException {
        // What pip is handed; the shared store, which links what another environment holds, is SharedStoreTest's.
        Environment env = ensure(spec("grow").requirement(TestPackages.HELLO + "==1.1").sharedStore(false).build());
        Path kept = marker(env);
        server.clearRequestLog();
        takeLaunches();
        env = ensure(spec("grow").requirement(TestPackages.HELLO + "==1.1").requirement(TestPackages.GREETER)
                .sharedStore(false).build());
        assertEquals("1.0", version(env, TestPackages.GREETER));
        assertEquals("1.1", version(env, TestPackages.HELLO));
        assertTrue(Files.exists(kept), "the environment was not rebuilt");
        List<String> downloads = server.requestLog().stream().filter(r -> r.isFileDownload())
                .map(r -> r.path()).collect(Collectors.toList());
        assertEquals(1, downloads.size(), "only the new distribution is downloaded: " + downloads);
        assertTrue(downloads.get(0).contains("greeter"), downloads.toString());
        assertEquals(List.of(List.of(TestPackages.GREETER)), installed(takeLaunches()),
                "only the delta is handed to pip");
    }

    @Test
    @DisplayName("an unchanged requirement list after a removal starts no install, only pip uninstall")
    void removingStartsOnlyTheUninstall() {
        ensure(spec("remove-only").requirement(TestPackages.HELLO + "==1.1").requirement(TestPackages.GREETER).build());
        takeLaunches();
        Environment env = ensure(spec("remove-only").requirement(TestPackages.HELLO + "==1.1").build());
        List<List<String>> started = takeLaunches();
        assertEquals(1, started.size(), started.toString());
        assertTrue(started.get(0).containsAll(List.of("-m", "pip", "uninstall")), started.toString());
        assertEquals(TestPackages.GREETER, started.get(0).get(started.get(0).size() - 1));
        assertTrue(env.installedDistribution(TestPackages.GREETER).isEmpty());
        assertEquals("1.1", version(env, TestPackages.HELLO));
    }

    @Test
    @DisplayName("a delta that conflicts with what is installed is installed with the whole step, resolved together")
    void aConflictingDeltaFallsBackToTheWholeStep() {
        server.publish(dev.isoenv.testing.dist.WheelBuilder.wheel("isoenv-demo-lib", "1.0").file("isoenv_demo_lib/__init__.py", "")
                .build());
        server.publish(dev.isoenv.testing.dist.WheelBuilder.wheel("isoenv-demo-lib", "2.0").file("isoenv_demo_lib/__init__.py", "")
                .build());
        server.publish(dev.isoenv.testing.dist.WheelBuilder.wheel("isoenv-demo-app", "1.0").file("isoenv_demo_app/__init__.py", "")
                .requires("isoenv-demo-lib<2").build());
        server.publish(dev.isoenv.testing.dist.WheelBuilder.wheel("isoenv-demo-app", "2.0").file("isoenv_demo_app/__init__.py", "")
                .requires("isoenv-demo-lib>=2").build());
        server.publish(dev.isoenv.testing.dist.WheelBuilder.wheel("isoenv-demo-new", "1.0").file("isoenv_demo_new/__init__.py", "")
                .requires("isoenv-demo-lib>=2").build());
        Environment env = ensure(spec("conflict").requirement("isoenv-demo-app<2").build());
        assertEquals("1.0", version(env, "isoenv-demo-lib"));
        takeLaunches();
        // app 1.0 is installed and satisfies "isoenv-demo-app", but keeps lib below 2, which the new one cannot use.
        env = ensure(spec("conflict").requirement("isoenv-demo-app").requirement("isoenv-demo-new").build());
        assertEquals(List.of(List.of("isoenv-demo-new"), List.of("isoenv-demo-app", "isoenv-demo-new")),
                installed(takeLaunches()));
        assertEquals("2.0", version(env, "isoenv-demo-app"));
        assertEquals("2.0", version(env, "isoenv-demo-lib"));
        assertEquals("1.0", version(env, "isoenv-demo-new"));
    }

    /** The requirements of each pip install among the launched commands. */
    private static List<List<String>> installed(List<List<String>> started) {
        List<List<String>> installs = new ArrayList<>();
        for (List<String> command : started) {
            if (command.containsAll(List.of("-m", "pip", "install"))) {
                installs.add(command.subList(command.indexOf("--") + 1, command.size()));
            }
        }
        return installs;
    }

    @Test
    @DisplayName("removing a requirement uninstalls it and what only it needed, without a rebuild")
    void removingARequirementUninstallsItWithoutRebuilding() throws IOException {
        Environment env = ensure(spec("shrink").requirement(TestPackages.GREETER).build());
        Path kept = marker(env);
        assertEquals("1.1", version(env, TestPackages.HELLO));
        env = ensure(spec("shrink").build());
        assertTrue(env.installedDistribution(TestPackages.GREETER).isEmpty(), env.installedDistributions().toString());
        assertTrue(env.installedDistribution(TestPackages.HELLO).isEmpty(), "its dependency went too");
        assertTrue(env.installedDistribution("pip").isPresent(), "pip stays");
        assertTrue(Files.exists(kept), "the environment was not rebuilt");

        env = ensure(spec("shrink").requirement(TestPackages.GREETER).requirement(TestPackages.HELLO).build());
        env = ensure(spec("shrink").requirement(TestPackages.HELLO).build());
        assertTrue(env.installedDistribution(TestPackages.GREETER).isEmpty());
        assertEquals("1.1", version(env, TestPackages.HELLO), "still requested, so kept");
    }

    @Test
    @DisplayName("changing a version pin upgrades and downgrades in place")
    void changingAVersionPinUpdatesInPlace() throws IOException {
        Environment env = ensure(spec("pins").requirement(TestPackages.HELLO + "==1.0").build());
        Path kept = marker(env);
        env = ensure(spec("pins").requirement(TestPackages.HELLO + "==2.0").build());
        assertEquals("2.0", version(env, TestPackages.HELLO));
        assertEquals(TestPackages.helloGreeting("2.0"), env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
        env = ensure(spec("pins").requirement(TestPackages.HELLO + "==1.0").build());
        assertEquals("1.0", version(env, TestPackages.HELLO));
        assertTrue(Files.exists(kept));
    }

    @Test
    @DisplayName("a failed install is an error, is never recorded as done, and leaves the environment working")
    void aFailedInstallIsNotRecordedAsDone() {
        Environment env = ensure(spec("fails").requirement(TestPackages.HELLO + "==1.0").build());
        EnvironmentSpec broken = spec("fails").requirement(TestPackages.HELLO + "==1.0").requirement(TestPackages.ORPHAN).build();
        InstallationException first = assertThrows(InstallationException.class, () -> ensure(broken));
        assertTrue(first.getMessage().contains(TestPackages.MISSING_DEPENDENCY), first.getMessage());
        takeLaunches();
        assertThrows(InstallationException.class, () -> ensure(broken));
        assertFalse(takeLaunches().isEmpty(), "the second attempt installs again instead of trusting the failure");
        assertEquals(TestPackages.helloGreeting("1.0"), env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip(),
                "the environment that worked keeps working");

        InstallationException build = assertThrows(InstallationException.class,
                () -> ensure(spec("fails").requirement(TestPackages.BROKEN).build()));
        assertTrue(build.getMessage().contains(TestPackages.BROKEN_MARKER) || build.outputTail().toString().contains("setup.py"),
                build.getMessage());

        Environment fixed = ensure(spec("fails").requirement(TestPackages.HELLO + "==1.0").build());
        assertEquals("1.0", version(fixed, TestPackages.HELLO));
        takeLaunches();
        ensure(spec("fails").requirement(TestPackages.HELLO + "==1.0").build());
        assertEquals(List.of(), takeLaunches(), "once it succeeded, it is recorded");
    }

    @Test
    @DisplayName("repairs an environment whose interpreter is gone, or that was left half-built")
    void repairsBrokenAndHalfBuiltEnvironments() throws IOException {
        EnvironmentSpec spec = spec("repair").requirement(TestPackages.HELLO).build();
        Environment env = ensure(spec);
        Files.delete(env.python());
        env = ensure(spec);
        assertEquals(TestPackages.helloGreeting("2.0"), env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());

        Path halfBuilt = workDir.resolve("half");
        Files.createDirectories(halfBuilt.resolve(".isoenv"));
        Files.writeString(halfBuilt.resolve(".isoenv/state.properties"), "format=1\nbackend=" + installer().name()
                + "\ncreated=false\n");
        Files.createDirectories(halfBuilt.resolve("lib/leftover"));
        Files.writeString(halfBuilt.resolve("pyvenv.cfg"), "home = /nowhere\n");
        Environment repaired = ensure(spec("half").requirement(TestPackages.HELLO).build());
        assertFalse(Files.exists(halfBuilt.resolve("lib/leftover")), "the half-built content was discarded");
        assertEquals(TestPackages.helloGreeting("2.0"), repaired.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
    }

    @Test
    @DisplayName("never deletes a directory it did not create")
    void neverDeletesAForeignDirectory() throws IOException {
        Path foreign = Files.createDirectories(workDir.resolve("my-project"));
        Path precious = Files.writeString(foreign.resolve("thesis.tex"), "years of work");
        EnvironmentConflictException e = assertThrows(EnvironmentConflictException.class,
                () -> ensure(spec("my-project").build()));
        assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
        assertEquals("years of work", Files.readString(precious));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--extra-index-url https://evil.example/simple", "-e .", "isoenv-demo-hello --no-deps",
            "isoenv-demo-hello; touch /pwned", "isoenv-demo-hello\n-r other.txt"})
    @DisplayName("rejects strings that are not one requirement, before touching the disk")
    void rejectsRequirementStringsThatAreNotRequirements(String text) {
        assertThrows(InvalidRequirementException.class, () -> ensure(spec("rejected").requirement(text).build()));
        assertFalse(Files.exists(workDir.resolve("rejected")));
        assertEquals(List.of(), takeLaunches());
    }

    @Test
    @DisplayName("uses credentials in index URLs but never shows them, logs them or writes them down")
    void usesCredentialsButNeverShowsThem() throws IOException {
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger isoenvLogger = java.util.logging.Logger.getLogger("dev.isoenv");
        isoenvLogger.addHandler(handler);
        try {
            EnvironmentSpec wrong = spec("private").indexes(PackageIndexes.builder()
                    .indexUrl(server.indexUrl(PRIVATE_INDEX, PRIVATE_USER, "wrong-" + PRIVATE_TOKEN)).build())
                    .requirement(TestPackages.HELLO).build();
            IsoenvException e = assertThrows(IsoenvException.class, () -> ensure(wrong));
            StringBuilder shown = new StringBuilder(String.join("\n", output)).append(takeLaunches()).append(wrong);
            for (Throwable t = e; t != null; t = t.getCause()) {
                shown.append(t).append(t.getMessage());
            }
            assertFalse(shown.toString().contains(PRIVATE_TOKEN), shown.toString());

            EnvironmentSpec right = spec("private").indexes(PackageIndexes.builder()
                    .indexUrl(server.indexUrl(PRIVATE_INDEX, PRIVATE_USER, PRIVATE_TOKEN)).build())
                    .requirement(TestPackages.HELLO).build();
            Environment env = ensure(right);
            assertEquals("1.0", version(env, TestPackages.HELLO));
            String all = String.join("\n", output) + takeLaunches() + right + env + logged;
            assertFalse(all.contains(PRIVATE_TOKEN), all);
            try (java.util.stream.Stream<Path> files = Files.walk(env.root().resolve(".isoenv"))) {
                for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    assertFalse(Files.readString(file).contains(PRIVATE_TOKEN), "written to " + file);
                }
            }
        } finally {
            isoenvLogger.removeHandler(handler);
        }
        assertTrue(server.requestLog().stream().anyMatch(r -> r.user().filter(PRIVATE_USER::equals).isPresent()
                && r.status() == 200), "the credentials did reach the index");
    }
}
