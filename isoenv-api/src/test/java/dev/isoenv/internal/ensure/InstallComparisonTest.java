package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.LaunchListener;
import dev.isoenv.OutputListener;
import dev.isoenv.PackageIndexes;
import dev.isoenv.internal.registry.InstallerSelector;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.PlanningContext;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm check compares the canonical text of the specification, and still reads the records that older versions
 * wrote with fingerprints only: such an environment stays warm, with no reinstall, and its record gains the text.
 */
class InstallComparisonTest {
    @TempDir
    Path tmp;

    private final MemoryInstaller memory = new MemoryInstaller("memory", 10)
            .publish("app", "1.0", "util")
            .publish("util", "1.0")
            .publish("other", "1.0");

    private EnvironmentEnsurer ensurer(List<InstallPlanner> planners) {
        return new EnvironmentEnsurer(new InstallerSelector(List.of(memory), name -> null, Map.of()), planners,
                runner -> Accelerator.none(List.of()), LaunchListener.NONE, OutputListener.NONE, e -> { }, Map.of());
    }

    private EnvironmentSpec spec(String... requirements) {
        return EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirements).build();
    }

    private Properties record() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(StateRecord.file(tmp.resolve("env")), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** Rewrites the record as a version that kept fingerprints only would have written it. */
    private void makeRecordOld(String... keys) throws IOException {
        Properties p = record();
        for (String key : keys) {
            p.remove(key);
        }
        try (Writer w = Files.newBufferedWriter(StateRecord.file(tmp.resolve("env")), StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
    }

    @Test
    void aRecordKeepsTheCanonicalTextAndTheFingerprintsThatOlderVersionsCompare() throws IOException {
        EnvironmentSpec spec = spec("app");
        ensurer(List.of()).ensure(spec);

        Properties p = record();
        InstallPlan plan = InstallPlan.direct(spec);
        assertEquals(SpecFingerprint.content(spec), p.getProperty("installed.content"));
        assertEquals(SpecFingerprint.of(spec, plan), p.getProperty("installed.fingerprint"));
        assertEquals(SpecFingerprint.ofSpec(spec), p.getProperty("installed.spec"));
    }

    @Test
    void theCanonicalTextAndItsFingerprintsAreThoseThatOlderVersionsWrote() {
        EnvironmentSpec spec = EnvironmentSpec.builder(tmp.resolve("env"))
                .requirements("Foo_Bar[X]>=1,<2; python_version >= \"3.8\"", "app")
                .indexes(PackageIndexes.builder().indexUrl("https://HOST.example/simple").build())
                .inheritMachineConfiguration(false).build();
        String text = "isoenv-fingerprint-2\n"
                + "requirement=app[]()\n"
                + "requirement=foo-bar[x](<2,>=1) ; python_version >= \"3.8\"\n"
                + "index-url=https://host.example/simple\n"
                + "exclusive=false\n"
                + "machine-configuration=false\n";
        assertEquals(text, SpecFingerprint.content(spec));
        // The SHA-256 of the text, and of the text with the plan, as state records have held them since format 2.
        assertEquals("aff92d4fd3d122d6db933752a17529b16c3173dc5846dd46c726998c5e1f03e9", SpecFingerprint.ofSpec(spec));
        assertEquals("5161b9d193010ff3b4b4bcadcfb964538d507221c732d81c0c5e0ae1c5c2df79", SpecFingerprint.of(spec,
                new InstallPlan(InstallPlan.direct(spec).steps(), List.of(), "variant=cu126", "")));
    }

    @Test
    void anOldRecordIsWarmWithoutAReinstallAndGainsTheText() throws IOException {
        EnvironmentEnsurer engine = ensurer(List.of(new FixedPlanner("variant=cu126")));
        engine.ensure(spec("app"));
        String fingerprint = record().getProperty("installed.fingerprint");
        makeRecordOld("installed.content", "installed.plan");
        memory.clearCalls();

        engine.ensure(spec("APP"));
        assertEquals(List.of(), memory.calls(), "the same specification, compared by its fingerprint");
        Properties upgraded = record();
        assertEquals(SpecFingerprint.content(spec("app")), upgraded.getProperty("installed.content"));
        assertEquals("variant=cu126", upgraded.getProperty("installed.plan"), "the plan the fingerprint was made of");
        assertEquals(fingerprint, upgraded.getProperty("installed.fingerprint"));

        engine.ensure(spec("app"));
        assertEquals(List.of(), memory.calls(), "compared by its text");
        engine.ensure(spec("app", "other"));
        assertEquals(List.of("install other"), memory.calls(), "a changed specification is still installed");
    }

    @Test
    void anOldRecordThatDoesNotMatchIsInstalledAndRecordedInFull() throws IOException {
        EnvironmentEnsurer engine = ensurer(List.of());
        engine.ensure(spec("app"));
        makeRecordOld("installed.content");
        memory.clearCalls();

        engine.ensure(spec("app", "other"));
        assertEquals(List.of("install other"), memory.calls());
        assertEquals(SpecFingerprint.content(spec("app", "other")), record().getProperty("installed.content"));
    }

    @Test
    void anOldRecordWhoseLockIsBusyIsStillWarmAndLeftAsItIs() throws Exception {
        EnvironmentEnsurer engine = ensurer(List.of());
        engine.ensure(spec("app"));
        makeRecordOld("installed.content");
        memory.clearCalls();

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (EnvironmentLock lock = EnvironmentLock.acquire(tmp.resolve("env"), Duration.ofSeconds(10))) {
                held.countDown();
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            engine.ensure(spec("app"));
            assertEquals(List.of(), memory.calls(), "warm without waiting for the lock");
            assertFalse(record().containsKey("installed.content"), "left for a later call");
        } finally {
            release.countDown();
            holder.join();
        }
        engine.ensure(spec("app"));
        assertTrue(record().containsKey("installed.content"));
    }

    @Test
    void theTextDecidesOnceItIsThereAndAChangedPlanIsInstalled() throws IOException {
        FixedPlanner planner = new FixedPlanner("variant=cu126");
        EnvironmentEnsurer engine = ensurer(List.of(planner));
        engine.ensure(spec("app"));
        memory.clearCalls();

        planner.fingerprint = "variant=cpu";
        engine.ensure(spec("app"));
        assertEquals(List.of(), memory.calls(), "app is installed as the new plan asks: only the record changes");
        assertEquals("variant=cpu", record().getProperty("installed.plan"));
    }

    /** A planner that adds a fixed fingerprint, such as a PyTorch variant. */
    private static final class FixedPlanner implements InstallPlanner {
        volatile String fingerprint;

        FixedPlanner(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            return Optional.of(new InstallPlan(InstallPlan.direct(spec).steps(), List.of(), fingerprint, fingerprint));
        }
    }
}
