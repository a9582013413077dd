package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnsureEvent;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.bench.FirstCallProbe;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.testing.python.PythonLocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine starts no process of its own: adding a requirement to a working environment starts exactly one
 * process, the installer's, and nothing after it (the dependency closure is computed in Java, from metadata). A new
 * JVM starts none to use an existing environment, and none to learn again about an interpreter it already ran.
 */
class ProcessCountTest {
    private static PackageIndexServer server;

    @TempDir
    Path dir;

    private final List<List<String>> launches = new CopyOnWriteArrayList<>();
    private final List<EnsureEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void serve() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(dir.resolve("env")).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }

    /** This process's variables, with the venv backend named and the interpreter cache in the test's folder. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("ISOENV_BACKEND", "venv");
        env.put("ISOENV_CACHE_DIR", dir.resolve("cache").toString());
        return env;
    }

    /** Runs one first ensure() in a fresh JVM and returns the processes it started. */
    private int firstCallInANewJvm(Path location, String indexUrl, String python) {
        List<String> out = ChildJvm.run(FirstCallProbe.class, environment(), dir, location.toString(), indexUrl,
                python);
        String result = out.stream().filter(l -> l.startsWith(FirstCallProbe.RESULT + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result in " + out));
        for (String part : result.split(" ")) {
            if (part.startsWith("processes=")) {
                return Integer.parseInt(part.substring("processes=".length()));
            }
        }
        throw new AssertionError(result);
    }

    @Test
    void aNewJvmsFirstEnsureOfAnExistingEnvironmentStartsNoProcess() {
        Path env = dir.resolve("existing");
        IsoenvClient.builder().processEnvironment(environment()).build()
                .ensure(FirstCallProbe.spec(env, server.indexUrl()));

        assertEquals(0, firstCallInANewJvm(env, server.indexUrl(), "-"));
    }

    @Test
    void aNewJvmDoesNotRunAnInterpreterThatAnotherAlreadyRan() {
        // The interpreter itself, not whatever PATH offers: a launcher stub that is not a shim is run every time.
        String python = PythonLocator.python3().toString();
        assertEquals(3, firstCallInANewJvm(dir.resolve("one"), "-", python), "its inspection, then python -m venv"
                + " and, once per pip and Python, pip's compilation into the cache");
        assertEquals(1, firstCallInANewJvm(dir.resolve("two"), "-", python), "python -m venv alone");
    }

    @Test
    void addingOneRequirementStartsExactlyOneProcessThePipInstall() {
        IsoenvClient isoenv = IsoenvClient.builder().launchListener(launches::add).listener(events::add).build();
        isoenv.ensure(spec().requirement(TestPackages.HELLO + "==1.0").build());

        launches.clear();
        events.clear();
        Environment env = isoenv.ensure(spec().requirement(TestPackages.HELLO + "==1.0")
                .requirement(TestPackages.GREETER).build());
        assertEquals(1, launches.size(), "one process: " + launches);
        List<String> pip = launches.get(0);
        assertTrue(pip.contains("pip") && pip.contains("install"), pip.toString());
        EnsureEvent last = events.get(events.size() - 1);
        assertEquals(1, ((EnsureEvent.Ready) last).processesStarted(), "the Ready event counts it too");
        assertEquals(TestPackages.greeterLine("1.0", "1.0"),
                env.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());

        launches.clear();
        isoenv.ensure(spec().requirement(TestPackages.GREETER).requirement(TestPackages.HELLO + "==1.0").build());
        assertEquals(List.of(), launches, "the same specification in another order starts nothing");
    }
}
