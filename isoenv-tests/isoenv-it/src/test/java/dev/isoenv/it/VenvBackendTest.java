package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.IsoenvClient;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.venv.interpreter.InterpreterFinder;
import dev.isoenv.venv.interpreter.PythonInterpreter;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What only the venv backend does: choosing among the machine's interpreters, and rebuilding when Python changes. */
class VenvBackendTest {
    private static PackageIndexServer server;
    private static Map<String, PythonInterpreter> pythons;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        pythons = new LinkedHashMap<>();
        InterpreterFinder finder = new InterpreterFinder(CommandRunner.standard(), System.getenv(), OperatingSystem.current(),
                Duration.ofSeconds(30));
        for (String minor : new String[] {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"}) {
            try {
                pythons.put(minor, finder.find(PythonRequest.version(minor)));
            } catch (PythonNotFoundException e) {
                // Not installed here.
            }
        }
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    static Stream<String> installedMinorVersions() {
        return pythons.keySet().stream();
    }

    private EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(dir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }

    @ParameterizedTest(name = "Python {0}")
    @MethodSource("installedMinorVersions")
    void everyInstalledPythonFrom38BuildsAWorkingEnvironment(String minor) {
        Environment env = Isoenv.ensure(spec("py" + minor).python(minor).requirement(TestPackages.HELLO + "==1.1").build());
        String version = env.run("python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").requireSuccess()
                .stdout().strip();
        assertEquals(minor, version);
        assertEquals(TestPackages.helloGreeting("1.1"), env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
        assertEquals(0, env.run("python", "-m", "pip", "--version").exitCode());
        assertEquals(0, env.run("pip", "--version").exitCode(), "the pip console script works too");
    }

    @Test
    void changingThePythonVersionRebuildsTheEnvironment() throws IOException {
        assumeTrue(pythons.size() >= 2, "needs two Python versions; found " + pythons.keySet());
        List<String> minors = new ArrayList<>(pythons.keySet());
        String first = minors.get(0);
        String second = minors.get(minors.size() - 1);
        Environment env = Isoenv.ensure(spec("switch").python(first).requirement(TestPackages.HELLO).build());
        Path marker = Files.writeString(env.root().resolve("stale.txt"), "from " + first);
        env = Isoenv.ensure(spec("switch").python(second).requirement(TestPackages.HELLO).build());
        assertFalse(Files.exists(marker), "a Python change is a rebuild");
        assertEquals(second, env.run("python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").stdout().strip());
        assertEquals("2.0", env.installedDistribution(TestPackages.HELLO).orElseThrow().version());
    }

    @Test
    void aPythonThatIsNotInstalledIsATypedErrorAndTheWorkingEnvironmentIsKept() throws IOException {
        List<List<String>> launches = new CopyOnWriteArrayList<>();
        IsoenvClient isoenv = IsoenvClient.builder().launchListener(launches::add).build();
        EnvironmentSpec working = spec("kept").requirement(TestPackages.HELLO + "==1.0").build();
        Environment env = isoenv.ensure(working);
        Path userFile = Files.writeString(env.root().resolve("user-data.txt"), "kept");

        PythonNotFoundException e = assertThrows(PythonNotFoundException.class,
                () -> isoenv.ensure(working.toBuilder().python("3.99").build()));
        assertTrue(e.getMessage().contains("3.99"), e.getMessage());
        assertTrue(e.getMessage().contains("Install CPython 3.99"), e.getMessage());

        assertTrue(Files.exists(userFile), "a rebuild that cannot succeed deletes nothing");
        assertEquals(TestPackages.helloGreeting("1.0"), env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
        launches.clear();
        isoenv.ensure(working);
        assertEquals(List.of(), launches, "the old specification is still installed and recorded");
    }

    @Test
    void concurrentEnsureCallsInOneJvmBuildOnceAndAllSucceed() throws Exception {
        List<List<String>> launches = new CopyOnWriteArrayList<>();
        IsoenvClient isoenv = IsoenvClient.builder().launchListener(launches::add).build();
        EnvironmentSpec spec = spec("shared").requirement(TestPackages.HELLO + "==1.0").build();
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Environment>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return isoenv.ensure(spec);
                }));
            }
            start.countDown();
            for (Future<Environment> f : results) {
                Environment env = f.get();
                assertEquals(TestPackages.helloGreeting("1.0"), env.run(TestPackages.HELLO_SCRIPT).stdout().strip());
            }
        } finally {
            pool.shutdownNow();
        }
        long venvRuns = launches.stream().filter(c -> c.size() > 2 && c.get(1).equals("-m") && c.get(2).equals("venv")).count();
        long pipInstalls = launches.stream().filter(c -> c.contains("pip") && c.contains("install")).count();
        assertEquals(1, venvRuns, launches.toString());
        assertEquals(1, pipInstalls, launches.toString());
    }
}
