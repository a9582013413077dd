package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.HashMismatchException;
import dev.isoenv.InstallationException;
import dev.isoenv.LaunchListener;
import dev.isoenv.OutputListener;
import dev.isoenv.internal.registry.InstallerSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the delta, torch steps and lock steps meet: the installer sees a lock step whole (hashes and no
 * dependencies), a step without dependencies whole, and a step replacing wrong builds whole; only plain steps are cut
 * down to what is missing.
 */
class StepCompositionTest {
    @TempDir
    Path tmp;

    private final MemoryInstaller memory = new MemoryInstaller("memory", 10).acceptLocks()
            .publish("app", "1.0").publish("lib", "2.0").publish("shared", "1.0");

    private EnvironmentEnsurer ensurer() {
        return ensurer(List.of());
    }

    private EnvironmentEnsurer ensurer(List<dev.isoenv.spi.InstallPlanner> planners) {
        return new EnvironmentEnsurer(new InstallerSelector(List.of(memory), name -> null, Map.of()), planners,
                runner -> Accelerator.none(List.of()), LaunchListener.NONE, OutputListener.NONE, e -> { }, Map.of());
    }

    private Path lock(String file, String... packages) throws Exception {
        StringBuilder toml = new StringBuilder("lock-version = \"1.0\"\ncreated-by = \"test\"\n");
        for (String p : packages) {
            String[] nv = p.split("==");
            toml.append("\n[[packages]]\nname = \"").append(nv[0]).append("\"\nversion = \"").append(nv[1])
                    .append("\"\nwheels = [{ url = \"https://files.example/").append(nv[0]).append('-').append(nv[1])
                    .append("-py3-none-any.whl\", hashes = { sha256 = \"").append("a".repeat(64)).append("\" } }]\n");
        }
        Path path = tmp.resolve(file);
        Files.writeString(path, toml);
        return path;
    }

    @Test
    void aLockStepIsNeverDeltaedIntoAnUnhashedInstall() throws Exception {
        Path env = tmp.resolve("env");
        ensurer().ensure(EnvironmentSpec.builder(env).lockFile(lock("v1.toml", "app==1.0", "lib==2.0")).build());
        assertEquals(List.of("prepare", "create", "install-locked app==1.0,lib==2.0"), memory.calls());

        memory.clearCalls();
        // The lock gains one package; the two already installed satisfy their pins.
        ensurer().ensure(EnvironmentSpec.builder(env)
                .lockFile(lock("v2.toml", "app==1.0", "lib==2.0", "shared==1.0")).build());
        // Every install of a lock's packages must go through the lock's hashed, no-deps path.
        assertEquals(List.of("install-locked app==1.0,lib==2.0,shared==1.0"), memory.calls());
    }

    /** One step of the spec's requirements, shaped by {@code shape}. */
    private static dev.isoenv.spi.InstallPlanner planner(
            java.util.function.UnaryOperator<dev.isoenv.spi.InstallStep.Builder> shape) {
        return new dev.isoenv.spi.InstallPlanner() {
            @Override
            public String name() {
                return "review";
            }

            @Override
            public java.util.Optional<dev.isoenv.spi.InstallPlan> plan(EnvironmentSpec spec,
                                                                      dev.isoenv.spi.PlanningContext context) {
                dev.isoenv.spi.InstallStep step = shape.apply(dev.isoenv.spi.InstallStep.builder("review step")
                        .requirements(spec.requirements())).build();
                return java.util.Optional.of(new dev.isoenv.spi.InstallPlan(List.of(step), List.of(), "",
                        "review"));
            }
        };
    }

    @Test
    void aStepWithoutDependenciesIsHandedWhole() {
        Path env = tmp.resolve("env");
        EnvironmentEnsurer e = ensurer(List.of(planner(b -> b.withoutDependencies())));
        e.ensure(EnvironmentSpec.builder(env).requirements("app==1.0").build());
        memory.clearCalls();
        e.ensure(EnvironmentSpec.builder(env).requirements("app==1.0", "lib==2.0").build());
        assertEquals(List.of("install app==1.0,lib==2.0 [no-deps]"), memory.calls());
    }

    @Test
    void aWrongBuildIsReinstalledWithTheWholeStep() {
        Path env = tmp.resolve("env");
        ensurer().ensure(EnvironmentSpec.builder(env).requirements("app", "lib").build());
        memory.clearCalls();
        EnvironmentEnsurer e = ensurer(List.of(planner(b -> b.replaceInstalled("wrong build",
                d -> d.normalizedName().equals("lib")))));
        e.ensure(EnvironmentSpec.builder(env).requirements("app", "lib", "shared").build());
        assertEquals(List.of("install app,lib,shared [reinstall=lib]"), memory.calls());
    }

    @Test
    void aFreshEnvironmentWhoseLockPinsItsOwnPipStillInstallsFromTheLock() throws Exception {
        memory.publish("pip", "24.0");
        ensurer().ensure(EnvironmentSpec.builder(tmp.resolve("env"))
                .lockFile(lock("pylock.toml", "app==1.0", "pip==24.0")).build());
        assertEquals(List.of("prepare", "create", "install-locked app==1.0,pip==24.0"), memory.calls());
    }

    @Test
    void aHashMismatchInAStepWithNotesIsStillAHashMismatchException() {
        Path env = tmp.resolve("env");
        ensurer().ensure(EnvironmentSpec.builder(env).requirements("app", "lib").build());
        HashMismatchException mismatch = new HashMismatchException("install of [app, lib, shared]",
                List.of("memory-install"), 1, List.of("THESE PACKAGES DO NOT MATCH THE HASHES"), "Lock again.");
        memory.failNextInstall(mismatch);
        EnvironmentEnsurer e = ensurer(List.of(planner(b -> b.replaceInstalled("wrong build",
                d -> d.normalizedName().equals("lib")))));

        // A caller's catch of the subtype still matches, although isoenv added what the failed switch kept.
        HashMismatchException thrown = assertThrows(HashMismatchException.class,
                () -> e.ensure(EnvironmentSpec.builder(env).requirements("app", "lib", "shared").build()));
        assertSame(mismatch, thrown);
        assertTrue(thrown.getMessage().startsWith("Nothing was switched: lib 2.0 is still installed and usable."
                + " install of [app, lib, shared] failed with exit code 1"), thrown.getMessage());
        assertEquals(InstallationException.Reason.HASH_MISMATCH, thrown.reason());
        assertEquals(1, thrown.exitCode());
        assertEquals(List.of("THESE PACKAGES DO NOT MATCH THE HASHES"), thrown.outputTail());
    }

    @Test
    void anUnreachableIndexIsNamedBeforeTheInstallersMessage() {
        InstallationException unreachable = new InstallationException("install of [app]", List.of("memory-install"),
                1, List.of("Connection refused"), "Check the network.", InstallationException.Reason.UNREACHABLE);
        memory.failNextInstall(unreachable);
        EnvironmentEnsurer e = ensurer(List.of(planner(b -> b.indexSetting("the test's option"))));

        InstallationException thrown = assertThrows(InstallationException.class,
                () -> e.ensure(EnvironmentSpec.builder(tmp.resolve("env")).requirements("app").build()));
        assertSame(unreachable, thrown);
        assertTrue(thrown.getMessage().startsWith("The index of review step, "), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("could not be reached. It is set by the test's option: point that at"
                + " a reachable mirror"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("install of [app] failed with exit code 1"), thrown.getMessage());
        assertEquals(InstallationException.Reason.UNREACHABLE, thrown.reason());
    }
}
