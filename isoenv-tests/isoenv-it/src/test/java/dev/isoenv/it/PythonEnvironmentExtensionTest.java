package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.isoenv.Environment;
import dev.isoenv.junit.IsoenvExtension;
import dev.isoenv.junit.PythonEnvironment;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * isoenv's JUnit extension, used as a user would: sample test classes (nested, so Surefire does not run them on
 * their own) declare environments with {@link PythonEnvironment}; the JUnit engine runs them here, and the results
 * say what the extension injected, how often it ensured, and how a failure reads.
 */
class PythonEnvironmentExtensionTest {
    private static final String INDEX_PROPERTY = "isoenv.it.extension.index";
    private static final Set<String> ROOTS = ConcurrentHashMap.newKeySet();
    private static PackageIndexServer server;

    @TempDir
    static Path dir;

    @BeforeAll
    static void serve() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        System.setProperty(INDEX_PROPERTY, server.indexUrl());
        System.setProperty(IsoenvExtension.DIRECTORY_PROPERTY, dir.resolve("envs").toString());
    }

    @AfterAll
    static void stop() {
        System.clearProperty(INDEX_PROPERTY);
        System.clearProperty(IsoenvExtension.DIRECTORY_PROPERTY);
        server.close();
    }

    private static EngineExecutionResults run(Class<?>... samples) {
        ROOTS.clear();
        EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter");
        for (Class<?> sample : samples) {
            kit.selectors(selectClass(sample));
        }
        return kit.execute();
    }

    private static List<String> environments() throws IOException {
        try (Stream<Path> entries = Files.list(dir.resolve("envs"))) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** A static field, ensured before all tests of the class, from the fixture index named by a placeholder. */
    static class StaticFieldSample {
        @PythonEnvironment(requirements = TestPackages.HELLO + "==1.0", indexUrls = "${" + INDEX_PROPERTY + "}",
                inheritMachineConfiguration = false, backend = "venv")
        static Environment python;

        @Test
        void runsTheConsoleScript() {
            ROOTS.add(python.root().toString());
            assertEquals(TestPackages.helloGreeting("1.0"),
                    python.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
        }

        @Test
        void seesTheSameEnvironment() {
            ROOTS.add(python.root().toString());
            assertTrue(python.installedDistribution(TestPackages.HELLO).isPresent());
        }
    }

    /** An instance field and a parameter with the same declaration, shared by the whole run. */
    static class FieldAndParameterSample {
        @PythonEnvironment(requirements = TestPackages.HELLO + "==1.1", indexUrls = "${" + INDEX_PROPERTY + "}",
                inheritMachineConfiguration = false, backend = "venv", scope = PythonEnvironment.Scope.RUN)
        Environment field;

        @Test
        void fieldAndParameterAreOneEnvironment(
                @PythonEnvironment(requirements = TestPackages.HELLO + "==1.1", indexUrls = "${" + INDEX_PROPERTY + "}",
                        inheritMachineConfiguration = false, backend = "venv", scope = PythonEnvironment.Scope.RUN)
                Environment parameter) {
            ROOTS.add(field.root().toString());
            ROOTS.add(parameter.root().toString());
            assertEquals(TestPackages.helloGreeting("1.1"),
                    parameter.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
        }
    }

    /** A requirement that no index has. */
    static class FailingSample {
        @PythonEnvironment(requirements = "isoenv-demo-nowhere==1.0", indexUrls = "${" + INDEX_PROPERTY + "}",
                inheritMachineConfiguration = false, backend = "venv")
        static Environment python;

        @Test
        void neverRuns() {
            ROOTS.add("ran");
        }
    }

    /** A field of the wrong type. */
    static class WrongTypeSample {
        @PythonEnvironment(requirements = TestPackages.HELLO)
        String python;

        @Test
        void neverRuns() {
            ROOTS.add("ran");
        }
    }

    @Test
    void aStaticFieldIsEnsuredOnceAndSharedByTheClassesTests() throws IOException {
        EngineExecutionResults results = run(StaticFieldSample.class);
        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));
        assertEquals(1, ROOTS.size(), "both tests saw one environment: " + ROOTS);
        List<String> before = environments();
        run(StaticFieldSample.class).testEvents().assertStatistics(stats -> stats.succeeded(2));
        assertEquals(before, environments(), "a second run reuses the environment kept under isoenv.junit.dir");
    }

    @Test
    void aFieldAndAParameterWithOneDeclarationShareOneEnvironment() {
        run(FieldAndParameterSample.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertEquals(1, ROOTS.size(), ROOTS.toString());
    }

    @Test
    void anEnvironmentThatCannotBeBuiltIsAClearTestErrorNamingTheDeclaration() {
        EngineExecutionResults results = run(FailingSample.class);
        assertTrue(ROOTS.isEmpty(), "no test ran without its environment");
        Throwable failure = failure(results);
        String message = failure.getMessage();
        assertTrue(message.startsWith("isoenv could not build the Python environment declared on field"
                + " FailingSample.python"), message);
        assertTrue(message.contains("isoenv-demo-nowhere"), message);
    }

    @Test
    void aFieldOfTheWrongTypeIsAConfigurationErrorThatSaysWhatToDeclare() {
        String message = failure(run(WrongTypeSample.class)).getMessage();
        assertTrue(message.contains("needs a field of type dev.isoenv.Environment, not java.lang.String"), message);
    }

    private static Throwable failure(EngineExecutionResults results) {
        return Stream.concat(results.allEvents().failed().stream(), Stream.<Event>empty())
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow())
                .map(r -> r.getThrowable().orElseThrow()).findFirst()
                .orElseThrow(() -> new AssertionError("nothing failed: " + results.allEvents().list()));
    }
}
