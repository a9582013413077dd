package dev.isoenv.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.IsoenvException;
import dev.isoenv.LockTimeoutException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.ProcessTimeoutException;
import dev.isoenv.PythonRequest;
import dev.isoenv.Timeouts;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index that stops answering: the install is killed on time with its whole tree, the failure is typed and never
 * recorded as a success, the environment that worked keeps working, and a second caller waiting for the lock gets a
 * typed timeout instead of waiting forever.
 */
class HangsTest {
    @TempDir
    Path dir;

    private PackageIndexServer server;

    @BeforeEach
    void start() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
    }

    @AfterEach
    void stop() {
        server.releaseStalledRequests();
        server.close();
    }

    private EnvironmentSpec spec(Path location, Duration install, Duration lock, String... requirements) {
        return EnvironmentSpec.builder(location)
                .python(PythonRequest.defaultPython())
                .backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .timeouts(Timeouts.builder().install(install).lock(lock).build())
                .requirements(List.of(requirements))
                .build();
    }


    @Test
    void aHungIndexIsKilledOnTimeTheFailureIsTypedAndTheWorkingEnvironmentStays() throws Exception {
        Path location = dir.resolve("env");
        Duration minute = Duration.ofMinutes(1);
        IsoenvClient isoenv = IsoenvClient.builder().build();
        Environment env = isoenv.ensure(spec(location, minute, minute, TestPackages.HELLO + "==1.0"));

        server.stall(server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.GREETER));
        long start = System.nanoTime();
        IsoenvException e = assertThrows(IsoenvException.class, () -> isoenv.ensure(
                spec(location, Duration.ofSeconds(4), minute, TestPackages.HELLO + "==1.0", TestPackages.GREETER)));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(e instanceof ProcessTimeoutException || e.getCause() instanceof ProcessTimeoutException,
                "a typed timeout: " + e);
        assertTrue(seconds < 30, "killed on time, not after " + seconds + " s");
        assertEquals(List.of(), Processes.installing(location, TestPackages.GREETER),
                "no pip of the timed-out install is left");
        assertEquals(TestPackages.helloGreeting("1.0"),
                env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip(), "what worked still works");

        server.clearFaults();
        server.releaseStalledRequests();
        Environment after = isoenv.ensure(spec(location, minute, minute, TestPackages.HELLO + "==1.0",
                TestPackages.GREETER));
        assertTrue(after.installedDistribution(TestPackages.GREETER).isPresent(),
                "the failed install was not recorded as done: the next ensure() installed it");
        FaultFigures.record("a hung index: the install was killed after its 4 s timeout (" + seconds + " s in all),"
                + " typed, not recorded; the environment kept working and the next ensure() completed it");
    }

    @Test
    void aCallerWaitingForTheLockGetsATypedTimeout() throws Exception {
        Path location = dir.resolve("locked");
        Duration minute = Duration.ofMinutes(1);
        String page = server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.GREETER);
        server.stall(page);
        CompletableFuture<Environment> holder = CompletableFuture.supplyAsync(() -> IsoenvClient.builder().build()
                .ensure(spec(location, minute, minute, TestPackages.GREETER)));
        assertTrue(server.awaitRequest(page, Duration.ofMinutes(2)).isPresent(), "the first caller holds the lock");
        IsoenvException e = assertThrows(IsoenvException.class, () -> IsoenvClient.builder().build()
                .ensure(spec(location, minute, Duration.ofSeconds(2), TestPackages.GREETER)));
        assertInstanceOf(LockTimeoutException.class, e);
        server.clearFaults();
        server.releaseStalledRequests();
        assertTrue(holder.get(2, TimeUnit.MINUTES).installedDistribution(TestPackages.GREETER).isPresent(),
                "the holder finished once the index answered");
        FaultFigures.record("a caller waiting 2 s for a held lock got LockTimeoutException; the holder then finished");
    }
}
