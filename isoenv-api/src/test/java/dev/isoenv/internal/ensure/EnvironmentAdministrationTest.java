package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentLock;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.LaunchListener;
import dev.isoenv.LockTimeoutException;
import dev.isoenv.OutputListener;
import dev.isoenv.PackageLock;
import dev.isoenv.Timeouts;
import dev.isoenv.internal.registry.InstallerSelector;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status, delete and the caller's lock, against the in-memory backend. */
class EnvironmentAdministrationTest {
    @TempDir
    Path tmp;

    private final MemoryInstaller memory = new MemoryInstaller("memory", 10)
            .publish("app", "1.0", "lib")
            .publish("lib", "2.0")
            .publish("extra", "1.0");

    private InstallerSelector selector() {
        return new InstallerSelector(List.of(memory), name -> null, Map.of());
    }

    private void ensure(EnvironmentSpec spec) {
        new EnvironmentEnsurer(selector(), List.of(), runner -> Accelerator.none(List.of()), LaunchListener.NONE,
                OutputListener.NONE, e -> { }, Map.of()).ensure(spec);
    }

    private EnvironmentStatus status(Path location) {
        return new EnvironmentAdministration(selector()).status(location);
    }

    private EnvironmentSpec.Builder spec(String... requirements) {
        return EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirements);
    }

    @Test
    void statusSaysWhatIsThereWithoutChangingIt() throws IOException {
        Path env = tmp.resolve("env");
        assertEquals(EnvironmentStatus.State.ABSENT, status(env).state());
        Files.createDirectories(env);
        assertEquals(EnvironmentStatus.State.ABSENT, status(env).state(), "an empty directory holds nothing");
        Files.writeString(env.resolve("notes.txt"), "mine");
        EnvironmentStatus foreign = status(env);
        assertEquals(EnvironmentStatus.State.NOT_ISOENV, foreign.state());
        assertFalse(foreign.exists());
        assertFalse(foreign.satisfies(spec().build()));
        Files.delete(env.resolve("notes.txt"));

        ensure(spec("app").build());
        byte[] record = Files.readAllBytes(StateRecord.file(env));
        memory.clearCalls();

        EnvironmentStatus ready = status(env);
        assertEquals(EnvironmentStatus.State.READY, ready.state());
        assertTrue(ready.exists());
        assertEquals("memory", ready.backend().orElseThrow());
        assertEquals("3.11.7", ready.pythonVersion().orElseThrow());
        assertEquals("memory 3.11.7", ready.baseInterpreter().orElseThrow());
        assertEquals(List.of("app==1.0", "lib==2.0", "pip==24.0"),
                ready.installed().stream().map(InstalledDistribution::toString).collect(Collectors.toList()));
        assertTrue(ready.isRequested("App"));
        assertFalse(ready.isRequested("lib"), "a dependency");
        assertFalse(ready.isRequested("pip"), "installed with the environment");
        assertTrue(ready.satisfies(spec("app").build()));
        assertFalse(ready.satisfies(spec("app", "lib").build()));
        assertFalse(ready.satisfies(spec("app").installerArguments("--pre").build()));
        assertFalse(ready.satisfies(spec("app").python("3.12").build()));
        assertFalse(ready.satisfies(spec("app").backend("other").build()));
        assertFalse(ready.satisfies(EnvironmentSpec.builder(tmp.resolve("elsewhere")).requirement("app").build()));

        assertEquals(List.of(), memory.calls(), "no backend call");
        assertArrayEquals(record, Files.readAllBytes(StateRecord.file(env)), "the record is not written");
    }

    @Test
    void aFailedInstallIsIncompleteAndSatisfiesNothing() {
        ensure(spec("app").build());
        memory.failNextInstall(new InstallationException("install of extra", List.of("x"), 1, List.of(), "test"));
        assertThrows(InstallationException.class, () -> ensure(spec("app", "extra").build()));
        EnvironmentStatus status = status(tmp.resolve("env"));
        assertEquals(EnvironmentStatus.State.INCOMPLETE, status.state());
        assertTrue(status.exists());
        assertFalse(status.satisfies(spec("app").build()), "the record no longer says what is installed");
        assertEquals(List.of(), status.requested());
    }

    @Test
    void deleteRemovesOnlyWhatIsoenvCreated() throws IOException {
        Path env = tmp.resolve("env");
        assertFalse(EnvironmentAdministration.delete(env, Duration.ofSeconds(5)), "nothing there");

        Files.createDirectories(env);
        Files.writeString(env.resolve("thesis.tex"), "years of work");
        EnvironmentConflictException foreign = assertThrows(EnvironmentConflictException.class,
                () -> EnvironmentAdministration.delete(env, Duration.ofSeconds(5)));
        assertTrue(foreign.getMessage().contains("isoenv did not create it"), foreign.getMessage());
        assertEquals("years of work", Files.readString(env.resolve("thesis.tex")));

        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        assertThrows(EnvironmentConflictException.class, () -> EnvironmentAdministration.delete(file,
                Duration.ofSeconds(5)));
        assertTrue(Files.exists(file));

        Path other = tmp.resolve("other");
        ensure(EnvironmentSpec.builder(other).requirement("app").build());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), other);
        EnvironmentStatus throughLink = status(link);
        assertEquals(EnvironmentStatus.State.NOT_ISOENV, throughLink.state(), "status, like delete, does not follow it");
        assertFalse(throughLink.exists());
        assertTrue(throughLink.backend().isEmpty() && throughLink.installed().isEmpty(), "the target is not read");
        assertFalse(throughLink.satisfies(EnvironmentSpec.builder(link).requirement("app").build()));
        assertThrows(EnvironmentConflictException.class, () -> EnvironmentAdministration.delete(link,
                Duration.ofSeconds(5)));
        assertEquals(EnvironmentStatus.State.READY, status(other).state(), "nothing deleted through a link");

        assertTrue(EnvironmentAdministration.delete(other, Duration.ofSeconds(5)));
        assertFalse(Files.exists(other));
        assertTrue(Files.exists(dev.isoenv.internal.ensure.EnvironmentLock.lockFile(other)), "the lock's file stays");
        assertEquals(EnvironmentStatus.State.ABSENT, status(other).state());

        ensure(EnvironmentSpec.builder(other).requirement("app").build());
        assertEquals(EnvironmentStatus.State.READY, status(other).state(), "ensure() builds it again");
    }

    @Test
    void theCallersLockIsTheOneEnsureTakesAndThisThreadReentersIt() throws Exception {
        Path env = tmp.resolve("env");
        EnvironmentSpec quick = spec("app").timeouts(Timeouts.builder().lock(Duration.ofMillis(200)).build()).build();
        try (EnvironmentLock lock = EnvironmentAdministration.lock(env, Duration.ofSeconds(5))) {
            assertEquals(env.toAbsolutePath().normalize(), lock.location());
            ensure(quick);
            assertEquals(EnvironmentStatus.State.READY, status(env).state(), "this thread's ensure() went ahead");

            LockTimeoutException other = assertThrows(LockTimeoutException.class, () -> inOtherThread(() -> {
                ensure(spec("app", "lib").timeouts(Timeouts.builder().lock(Duration.ofMillis(200)).build()).build());
                return null;
            }));
            assertTrue(other.getMessage().contains("held the lock of " + env), other.getMessage());
            assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                    EnvironmentAdministration.delete(env, Duration.ofMillis(200))));
            assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                    EnvironmentAdministration.lock(env, Duration.ZERO)));
            assertTrue(EnvironmentAdministration.delete(env, Duration.ZERO), "this thread deletes under its lock");
            lock.close();
            lock.close();
        }
        // Released exactly once: another thread takes it at once, and this thread can take it again.
        inOtherThread(() -> {
            EnvironmentAdministration.lock(env, Duration.ZERO).close();
            return null;
        });
        EnvironmentAdministration.lock(env, Duration.ZERO).close();
    }

    @Test
    void closingTheCallersLockOnAnotherThreadIsRefusedAndLeavesBothLocksToTheOwner() throws Exception {
        Path env = tmp.resolve("env");
        EnvironmentLock lock = EnvironmentAdministration.lock(env, Duration.ofSeconds(5));
        String owner = Thread.currentThread().getName();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> inOtherThread(() -> {
            lock.close();
            return null;
        }));
        assertTrue(refused.getMessage().contains(env.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("(" + owner + ")"), refused.getMessage());

        // Both locks are intact: no other thread of this JVM enters, and the file lock is still taken.
        assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                EnvironmentAdministration.lock(env, Duration.ZERO)));
        try (FileChannel channel = FileChannel.open(dev.isoenv.internal.ensure.EnvironmentLock.lockFile(env),
                StandardOpenOption.WRITE)) {
            assertThrows(OverlappingFileLockException.class, channel::tryLock, "the file lock is still held");
        }

        // The owner closes it as usual, and then it is free for everyone.
        lock.close();
        inOtherThread(() -> {
            EnvironmentAdministration.lock(env, Duration.ZERO).close();
            return null;
        });
        inOtherThread(() -> {
            lock.close();
            return null;
        });
    }

    @Test
    void aLockTimeoutAdvisesWhatTheCallerCanChange() throws Exception {
        Path env = tmp.resolve("env");
        ensure(spec("app").build());
        IsoenvClient client = IsoenvClient.builder().installers(List.of(memory)).processEnvironment(Map.of()).build();
        try (EnvironmentLock held = EnvironmentAdministration.lock(env, Duration.ofSeconds(5))) {
            LockTimeoutException byLock = assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                    client.lock(env, Duration.ZERO)));
            assertTrue(byLock.getMessage().endsWith("wait for it, or pass a longer timeout to lock()."),
                    byLock.getMessage());

            LockTimeoutException byDelete = assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                    client.delete(env, Duration.ZERO)));
            assertTrue(byDelete.getMessage().endsWith("wait for it, or pass a longer timeout to delete(location,"
                    + " timeout)."), byDelete.getMessage());

            LockTimeoutException byEnsure = assertThrows(LockTimeoutException.class, () -> inOtherThread(() -> {
                ensure(spec("app", "lib").timeouts(Timeouts.builder().lock(Duration.ofMillis(50)).build()).build());
                return null;
            }));
            assertTrue(byEnsure.getMessage().endsWith("wait for it, or raise Timeouts.lock of the specification."),
                    byEnsure.getMessage());
        }
        assertEquals(EnvironmentStatus.State.READY, status(env).state(), "nothing was deleted while it was held");
        assertThrows(InvalidSpecException.class, () -> client.delete(env, Duration.ofSeconds(-1)));
        assertTrue(inOtherThread(() -> client.delete(env, Duration.ZERO)), "free now: deleted at the first try");
        assertEquals(EnvironmentStatus.State.ABSENT, status(env).state());
    }

    @Test
    void exportingALockReadsTheEnvironmentUnderItsLock() throws Exception {
        Path env = tmp.resolve("env");
        Environment environment = new EnvironmentEnsurer(selector(), List.of(), runner -> Accelerator.none(List.of()),
                LaunchListener.NONE, OutputListener.NONE, e -> { }, Map.of())
                .ensure(spec("app").timeouts(Timeouts.builder().lock(Duration.ofMillis(200)).build()).build());
        try (EnvironmentLock held = EnvironmentAdministration.lock(env, Duration.ofSeconds(5))) {
            LockTimeoutException waited = assertThrows(LockTimeoutException.class, () -> inOtherThread(() ->
                    environment.exportLockFile(tmp.resolve("other").resolve("pylock.toml"))));
            assertTrue(waited.getMessage().contains("held the lock of " + env), waited.getMessage());
            assertFalse(Files.exists(tmp.resolve("other")), "nothing was read or written while another held it");

            PackageLock mine = environment.exportLockFile(tmp.resolve("pylock.toml"));
            assertEquals(List.of("app", "lib"), mine.packages().stream().map(PackageLock.Package::name)
                    .collect(Collectors.toList()), "the holder's own thread exports without waiting");
        }
        assertTrue(inOtherThread(() -> environment.exportLockFile(tmp.resolve("after").resolve("pylock.toml")))
                .file().toString().endsWith("pylock.toml"), "released: another thread exports");
    }

    private static <T> T inOtherThread(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        t.join();
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }
}
