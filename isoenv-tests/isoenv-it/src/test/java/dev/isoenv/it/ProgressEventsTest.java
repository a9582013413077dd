package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.EnsureEvent;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.interpreter.InterpreterFinder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events a real {@code ensure()} with the venv backend sends, with pip's progress read from its output. */
class ProgressEventsTest {
    private static PackageIndexServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    private EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(dir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirement(TestPackages.HELLO + "==1.1");
    }

    @Test
    void aColdEnsureReportsItsStepThePackagePipInstalledAndReadyLast() {
        List<EnsureEvent> events = new CopyOnWriteArrayList<>();
        IsoenvClient isoenv = IsoenvClient.builder().listener(events::add).build();
        EnvironmentSpec spec = spec("cold").build();

        isoenv.ensure(spec);

        EnsureEvent.StepStarted step = only(events, EnsureEvent.StepStarted.class);
        assertEquals(1, step.index());
        assertEquals(1, step.count());
        assertEquals(List.of(TestPackages.HELLO + "==1.1"), step.requirements());
        List<PackageProgress> progress = ofType(events, PackageProgress.class);
        assertTrue(progress.stream().anyMatch(p -> p.phase() == Phase.INSTALLED && p.name().equals(TestPackages.HELLO)
                && p.version().equals("1.1")), "pip's Successfully installed line: " + progress);
        assertTrue(progress.stream().anyMatch(p -> p.phase() == Phase.RESOLVING && p.name().equals(TestPackages.HELLO)),
                progress.toString());
        assertTrue(progress.stream().allMatch(p -> p.location().equals(spec.location())));
        assertTrue(events.indexOf(step) < events.indexOf(progress.get(0)), "progress comes within the step: " + events);
        EnsureEvent.Ready ready = (EnsureEvent.Ready) events.get(events.size() - 1);
        assertTrue(ready.changed());
        assertTrue(ready.processesStarted() > 0);

        events.clear();
        isoenv.ensure(spec);
        assertEquals(1, events.size(), "a warm ensure() sends only Ready: " + events);
        assertTrue(events.get(0) instanceof EnsureEvent.Ready);
    }

    @Test
    void pip241OrNewerRunsWithItsRawProgressBar() {
        String python = "3.13";
        try {
            new InterpreterFinder(CommandRunner.standard(), System.getenv(), OperatingSystem.current(),
                    Duration.ofSeconds(30)).find(PythonRequest.version(python));
        } catch (PythonNotFoundException e) {
            assumeTrue(false, "needs CPython " + python + ", whose bundled pip is 24.1 or newer");
        }
        List<EnsureEvent> events = new CopyOnWriteArrayList<>();
        List<List<String>> launches = new CopyOnWriteArrayList<>();
        IsoenvClient isoenv = IsoenvClient.builder().listener(events::add).launchListener(launches::add).build();

        isoenv.ensure(spec("py" + python).python(python).build());

        List<String> pipInstall = launches.stream().filter(c -> c.contains("pip") && c.contains("install"))
                .findFirst().orElseThrow();
        assertEquals("raw", pipInstall.get(pipInstall.indexOf("--progress-bar") + 1), pipInstall.toString());
        List<PackageProgress> progress = ofType(events, PackageProgress.class);
        assertTrue(progress.stream().anyMatch(p -> p.phase() == Phase.DOWNLOADING && p.name().equals(TestPackages.HELLO)
                && p.version().equals("1.1") && p.bytesTotal() > 0), progress.toString());
        assertTrue(progress.stream().anyMatch(p -> p.phase() == Phase.INSTALLED && p.version().equals("1.1")),
                progress.toString());
        assertTrue(events.get(events.size() - 1) instanceof EnsureEvent.Ready, events.toString());
    }

    private static <T extends EnsureEvent> List<T> ofType(List<EnsureEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    private static <T extends EnsureEvent> T only(List<EnsureEvent> events, Class<T> type) {
        List<T> found = ofType(events, type);
        assertEquals(1, found.size(), events.toString());
        return found.get(0);
    }
}
