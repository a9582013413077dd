package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.EnsureEvent;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.IsoenvException;
import dev.isoenv.InstallationException;
import dev.isoenv.LaunchListener;
import dev.isoenv.OutputListener;
import dev.isoenv.internal.registry.InstallerSelector;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.PlanningContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ensure() algorithm against an in-memory backend, without Python or pip: when it creates, rebuilds, installs,
 * removes or does nothing, what it records, what it never deletes, and the events it sends.
 */
class EnvironmentEnsurerTest {
    @TempDir
    Path tmp;

    private final List<EnsureEvent> events = new CopyOnWriteArrayList<>();
    private final MemoryInstaller memory = index(new MemoryInstaller("memory", 10));

    /** The test's index: app needs lib and util, lib needs util, other needs shared, tool needs shared. */
    private static MemoryInstaller index(MemoryInstaller installer) {
        return installer
                .publish("app", "1.0", "lib>=2", "util")
                .publish("lib", "2.0", "util")
                .publish("util", "1.0")
                .publish("other", "3.0", "shared")
                .publish("tool", "0.5", "shared", "tool-helper")
                .publish("tool-helper", "0.5")
                .publish("shared", "1.0")
                .publish("Foo_Bar", "1.5");
    }

    private EnvironmentEnsurer ensurer(List<Installer> installers, List<InstallPlanner> planners) {
        return new EnvironmentEnsurer(new InstallerSelector(installers, name -> null, Map.of()), planners,
                runner -> Accelerator.none(List.of()), LaunchListener.NONE, OutputListener.NONE, events::add, Map.of());
    }

    private Environment ensure(EnvironmentSpec spec) {
        return ensurer(List.of(memory), List.of()).ensure(spec);
    }

    private EnvironmentSpec.Builder spec(String... requirements) {
        return EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirements);
    }

    private Path site() {
        return tmp.resolve("env").resolve(MemoryInstaller.SITE_PACKAGES);
    }

    /** The distributions in site-packages, by the names of their metadata directories. */
    private Set<String> installed() throws IOException {
        try (Stream<Path> entries = Files.list(site())) {
            return entries.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".dist-info"))
                    .map(f -> f.substring(0, f.indexOf('-'))).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private List<Class<?>> eventTypes() {
        List<Class<?>> types = new ArrayList<>();
        for (EnsureEvent e : events) {
            types.add(e.getClass());
        }
        return types;
    }

    private void assertWarm(EnvironmentSpec spec, MemoryInstaller... installers) {
        for (MemoryInstaller i : installers) {
            i.clearCalls();
        }
        events.clear();
        ensure(spec);
        for (MemoryInstaller i : installers) {
            assertEquals(List.of(), i.calls(), "a warm ensure() calls no installer");
        }
        assertEquals(1, events.size(), events.toString());
        EnsureEvent.Ready ready = assertInstanceOf(EnsureEvent.Ready.class, events.get(0));
        assertEquals(0, ready.processesStarted());
        assertFalse(ready.changed());
    }

    @Test
    void aColdEnsureCreatesInstallsAndReportsEachStage() throws IOException {
        Environment env = ensure(spec("app").build());

        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed());
        assertEquals(tmp.resolve("env").toAbsolutePath(), env.root());
        assertEquals(List.of(EnsureEvent.BackendChosen.class, EnsureEvent.Creating.class, EnsureEvent.PlanChosen.class,
                EnsureEvent.StepStarted.class, EnsureEvent.Ready.class), eventTypes());
        assertEquals("memory", ((EnsureEvent.BackendChosen) events.get(0)).backend());
        assertEquals(EnsureEvent.Creating.Reason.CREATING, ((EnsureEvent.Creating) events.get(1)).why());
        EnsureEvent.StepStarted step = (EnsureEvent.StepStarted) events.get(3);
        assertEquals(1, step.index());
        assertEquals(1, step.count());
        assertEquals(List.of("app"), step.requirements());
        EnsureEvent.Ready ready = (EnsureEvent.Ready) events.get(4);
        assertEquals(0, ready.processesStarted(), "the in-memory backend starts no process");
        assertTrue(ready.changed(), "the environment was created and installed");
        for (EnsureEvent e : events) {
            assertEquals(tmp.resolve("env"), e.location());
        }
    }

    @Test
    void installerArgumentsArePartOfTheFingerprintAndReachTheBackend() {
        ensure(spec("app").build());
        memory.clearCalls();

        ensure(spec("app").installerArguments("--pre", "--only-binary=:all:").build());
        assertEquals(List.of("install app [--pre, --only-binary=:all:]"), memory.calls(),
                "changing the arguments installs again, with them");
        assertWarm(spec("app").installerArguments("--pre", "--only-binary=:all:").build(), memory);

        memory.clearCalls();
        ensure(spec("app").installerArguments("--only-binary=:all:", "--pre").build());
        assertEquals(List.of("install app [--only-binary=:all:, --pre]"), memory.calls(), "their order counts");

        memory.clearCalls();
        ensure(spec("app").installerArguments("--only-binary=lib,app").build());
        assertEquals(List.of("install app [--only-binary=app,lib]"), memory.calls());
        assertWarm(spec("app").installerArguments("--only-binary=app,lib,App").build(), memory);
    }

    @Test
    void aConfigSettingsCredentialsReachTheBackendButNotTheFingerprintsText() {
        String secret = "--config-settings=index=https://user:s3cr3t-t0ken@pkgs.example/simple";
        EnvironmentSpec spec = spec("app").installerArguments(secret).build();
        assertFalse(SpecFingerprint.content(spec).contains("s3cr3t"), SpecFingerprint.content(spec));
        assertTrue(SpecFingerprint.content(spec).contains(
                "installer-argument=--config-settings=index=https://****@pkgs.example/simple"));
        assertEquals(secret, spec.installerArguments().get(0).commandLineArgument(), "what a backend hands pip");
        assertEquals(SpecFingerprint.content(spec), SpecFingerprint.content(spec("app").installerArguments(
                "--config-settings=index=https://user:rotated@pkgs.example/simple").build()),
                "a rotated token is no change, as for index URLs");
    }

    @Test
    void anArgumentTheBackendRefusesFailsBeforeAnythingIsTouched() {
        memory.refuse(dev.isoenv.InstallerArgument.Kind.PREFER_BINARY, "memory has no such thing");
        dev.isoenv.BackendSelectionException e = assertThrows(dev.isoenv.BackendSelectionException.class,
                () -> ensure(spec("app").backend("memory").installerArguments("--prefer-binary").build()));
        assertTrue(e.getMessage().contains("cannot apply the installer argument --prefer-binary (memory has no such"
                + " thing)"), e.getMessage());
        assertEquals(List.of(), memory.calls());
        assertFalse(Files.exists(tmp.resolve("env")), "nothing was created");
    }

    @Test
    void aSecondEnsureOfTheSameSpecificationCallsNoInstaller() {
        ensure(spec("app").build());
        assertWarm(spec("app").build(), memory);
    }

    @Test
    void addingARequirementInstallsOnceAndRemovesNothing() throws IOException {
        ensure(spec("app").build());
        memory.clearCalls();
        events.clear();

        ensure(spec("app", "other").build());

        assertEquals(List.of("install other"), memory.calls());
        assertEquals(Set.of("app", "lib", "util", "other", "shared", "pip"), installed());
        assertFalse(events.stream().anyMatch(e -> e instanceof EnsureEvent.Removing), events.toString());
        assertTrue(((EnsureEvent.Ready) events.get(events.size() - 1)).changed());
        assertWarm(spec("other", "app").build(), memory);
    }

    @Test
    void removingARequirementRemovesItAndWhatOnlyItNeeded() throws IOException {
        ensure(spec("app", "other", "tool").build());
        assertEquals(Set.of("app", "lib", "util", "other", "tool", "tool_helper", "shared", "pip"), installed());
        memory.clearCalls();
        events.clear();

        ensure(spec("app", "other").build());

        // shared is still needed by other; pip came with the environment and is never isoenv's to remove.
        assertEquals(List.of("uninstall tool,tool-helper"), memory.calls());
        assertEquals(Set.of("app", "lib", "util", "other", "shared", "pip"), installed());
        EnsureEvent.Removing removing = events.stream().filter(e -> e instanceof EnsureEvent.Removing)
                .map(EnsureEvent.Removing.class::cast).findFirst().orElseThrow();
        assertEquals(Set.of("tool", "tool-helper"), Set.copyOf(removing.distributions()));

        memory.clearCalls();
        ensure(spec("app").build());
        assertEquals(List.of("uninstall other,shared"), memory.calls());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed());
    }

    @Test
    void whatIsoenvDidNotInstallIsNeverRemoved() throws IOException {
        ensure(spec("app", "other").build());
        // The user installed something into the environment by hand.
        Path own = site().resolve("handmade-1.0.dist-info");
        Files.createDirectories(own);
        Files.writeString(own.resolve("METADATA"), "Metadata-Version: 2.1\nName: handmade\nVersion: 1.0\n\n");
        memory.clearCalls();

        ensure(spec().build());

        assertEquals(List.of("uninstall app,lib,other,shared,util"), memory.calls());
        assertEquals(Set.of("handmade", "pip"), installed());
    }

    @Test
    void aChangedPythonRebuildsTheEnvironment() throws IOException {
        ensure(spec("app").build());
        Path leftover = site().resolve("leftover.txt");
        Files.writeString(leftover, "from the old environment");
        memory.clearCalls();
        events.clear();

        ensure(spec("app").python("3.12").build());

        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        assertFalse(Files.exists(leftover), "the old environment was emptied before it was created again");
        EnsureEvent.Creating creating = events.stream().filter(e -> e instanceof EnsureEvent.Creating)
                .map(EnsureEvent.Creating.class::cast).findFirst().orElseThrow();
        assertEquals(EnsureEvent.Creating.Reason.REBUILDING, creating.why());
        assertEquals("3.12", creating.python());
        assertWarm(spec("app").python("3.12").build(), memory);

        memory.clearCalls();
        ensure(spec("app").build());
        assertEquals(List.of("prepare", "create", "install app"), memory.calls(), "and back to the default");
    }

    @Test
    void aChangedPipOptionRebuildsTheEnvironment() throws IOException {
        ensure(spec("app").build());
        memory.clearCalls();

        ensure(spec("app").pip(false).build());

        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        assertEquals(Set.of("app", "lib", "util"), installed());
        assertWarm(spec("app").pip(false).build(), memory);
    }

    @Test
    void aNamedBackendOtherThanTheRecordedOneRebuildsTheEnvironment() {
        MemoryInstaller second = index(new MemoryInstaller("second", 5));
        EnvironmentEnsurer engine = ensurer(List.of(memory, second), List.of());
        engine.ensure(spec("app").build());
        assertEquals(List.of("prepare", "create", "install app"), memory.calls(), "the highest priority wins");
        assertEquals(List.of(), second.calls());
        memory.clearCalls();

        engine.ensure(spec("app").backend("second").build());

        assertEquals(List.of(), memory.calls());
        assertEquals(List.of("prepare", "create", "install app"), second.calls());
        second.clearCalls();
        events.clear();
        engine.ensure(spec("app").backend("second").build());
        // Without a name, the backend that built the environment keeps it, although another has a higher priority.
        engine.ensure(spec("app").build());
        assertEquals(List.of(), memory.calls());
        assertEquals(List.of(), second.calls());
        assertEquals(List.of(EnsureEvent.Ready.class, EnsureEvent.Ready.class), eventTypes());
    }

    @Test
    void aTentativePlanKeepsWhatIsInstalledForTheSameSpecification() throws IOException {
        VariantPlanner planner = new VariantPlanner("variant=cu126", null);
        EnvironmentEnsurer engine = ensurer(List.of(memory), List.of(planner));
        engine.ensure(spec("app").build());
        memory.clearCalls();
        events.clear();

        // A probe timed out: the plan would change, but only because its inputs are incomplete.
        planner.set("variant=cpu", "probe timed out");
        Environment kept = engine.ensure(spec("app").build());
        assertEquals(List.of(), memory.calls());
        assertEquals(List.of(EnsureEvent.Ready.class), eventTypes());
        assertEquals(Map.of("variant", "variant=cu126"), kept.choices(), "it reports what it holds, not the guess");
        assertTrue(kept.explanation().contains("variant=cu126") && kept.explanation().contains("probe timed out"),
                kept.explanation());

        // A new environment has nothing to keep, and a changed specification is installed, on the same plan.
        engine.ensure(EnvironmentSpec.builder(tmp.resolve("fresh")).requirement("app").build());
        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        memory.clearCalls();
        engine.ensure(spec("app", "other").build());
        assertEquals(List.of("install other"), memory.calls());

        // The same change made on complete information is installed.
        memory.clearCalls();
        planner.set("variant=cu126", null);
        engine.ensure(spec("app", "other").build());
        assertEquals(List.of(), memory.calls(), "installed as the new plan asks: only the record changes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"format=0", "", "\\u12G4 is not a properties file", "layout.kind=NOT_A_KIND",
            "layout.os=PLAN9"})
    void aCorruptStateRecordIsRepaired(String corruption) throws IOException {
        ensure(spec("app").build());
        Path record = StateRecord.file(tmp.resolve("env"));
        String content = Files.readString(record);
        String key = corruption.contains("=") ? corruption.substring(0, corruption.indexOf('=')) : null;
        Files.writeString(record, key != null && content.contains(key + "=")
                ? content.replaceAll("(?m)^" + java.util.regex.Pattern.quote(key) + "=.*$", corruption)
                : corruption);
        memory.clearCalls();
        events.clear();

        ensure(spec("app").build());

        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        assertEquals(EnsureEvent.Creating.Reason.REPAIRING, events.stream().filter(e -> e instanceof EnsureEvent.Creating)
                .map(e -> ((EnsureEvent.Creating) e).why()).findFirst().orElseThrow());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed());
        assertWarm(spec("app").build(), memory);
    }

    @Test
    void aDirectoryIsoenvDidNotCreateIsNeverTouched() throws IOException {
        Path root = tmp.resolve("env");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("notes.txt"), "mine");
        Files.writeString(root.resolve("data/results.csv"), "1,2,3");

        EnvironmentConflictException e = assertThrows(EnvironmentConflictException.class,
                () -> ensure(spec("app").build()));

        assertTrue(e.getMessage().contains("never deletes"), e.getMessage());
        assertEquals(List.of(), memory.calls());
        assertEquals("mine", Files.readString(root.resolve("notes.txt")));
        assertEquals("1,2,3", Files.readString(root.resolve("data/results.csv")));
        try (Stream<Path> children = Files.list(root)) {
            assertEquals(Set.of("notes.txt", "data"), children.map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet()));
        }
        assertSame(e, ((EnsureEvent.Failed) events.get(events.size() - 1)).error());

        Path file = tmp.resolve("a-file");
        Files.writeString(file, "not a directory");
        assertThrows(EnvironmentConflictException.class,
                () -> ensure(EnvironmentSpec.builder(file).requirement("app").build()));
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void aStateRecordThatCannotBeReadIsRefusedAndNothingChanges() throws IOException {
        ensure(spec("app").build());
        Path record = StateRecord.file(tmp.resolve("env"));
        Files.delete(record);
        Files.createDirectories(record.resolve("in-the-way"));
        Set<String> before = installed();
        memory.clearCalls();
        events.clear();

        // Even a specification that would need a rebuild deletes nothing.
        EnvironmentStateException e = assertThrows(EnvironmentStateException.class,
                () -> ensure(spec("other").python("3.12").build()));

        assertTrue(e.getMessage().contains(record.toString()), e.getMessage());
        assertEquals(List.of(), memory.calls());
        assertEquals(before, installed());
        assertTrue(Files.isDirectory(record.resolve("in-the-way")));
        assertEquals(List.of(EnsureEvent.Failed.class), eventTypes());
    }

    @Test
    void aRecordWrittenByANewerIsoenvIsRefusedAndNothingChanges() throws IOException {
        ensure(spec("app").build());
        Path record = StateRecord.file(tmp.resolve("env"));
        Files.writeString(record, Files.readString(record).replaceAll("(?m)^format=.*$", "format=2"));
        Set<String> before = installed();
        memory.clearCalls();

        EnvironmentStateException e = assertThrows(EnvironmentStateException.class,
                () -> ensure(spec("other").build()));
        assertTrue(e.getMessage().contains("newer version of isoenv"), e.getMessage());
        assertEquals(List.of(), memory.calls(), "a downgraded application must not rebuild the environment");
        assertEquals(before, installed());
    }

    @Test
    void aPlannerThatThrowsIsATypedErrorNamingItAndNothingChanges() throws IOException {
        ensure(spec("app").build());
        Set<String> before = installed();
        memory.clearCalls();
        InstallPlanner broken = new InstallPlanner() {
            @Override
            public String name() {
                return "broken-planner";
            }

            @Override
            public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
                throw new IllegalStateException("its data file is missing");
            }
        };
        IsoenvException e = assertThrows(IsoenvException.class,
                () -> ensurer(List.of(memory), List.of(broken)).ensure(spec("app", "other").build()));
        assertTrue(e.getMessage().contains("broken-planner") && e.getMessage().contains("its data file is missing"),
                e.getMessage());
        assertEquals(List.of(), memory.calls());
        assertEquals(before, installed());
    }

    @Test
    void probeCommandsThatAPlannerCausesAreCountedInReady() {
        // A planner that asks for the accelerator; detection runs a command (as nvidia-smi would) through the
        // runner it is given, which must be the call's, so that Ready counts it even on the warm path.
        String java = ProcessHandle.current().info().command().orElseThrow();
        InstallPlanner asking = new InstallPlanner() {
            @Override
            public String name() {
                return "asking";
            }

            @Override
            public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
                context.accelerator();
                return Optional.empty();
            }
        };
        EnvironmentEnsurer engine = new EnvironmentEnsurer(new InstallerSelector(List.of(memory), name -> null,
                Map.of()), List.of(asking), runner -> {
                    runner.run(dev.isoenv.spi.ProcessRequest.command(java, "-version").build());
                    return Accelerator.none(List.of());
                }, LaunchListener.NONE, OutputListener.NONE, events::add, Map.of());
        engine.ensure(spec("app").build());
        events.clear();
        engine.ensure(spec("app").build());
        EnsureEvent.Ready ready = assertInstanceOf(EnsureEvent.Ready.class, events.get(events.size() - 1));
        assertEquals(1, ready.processesStarted(), "the probe command is counted");
    }

    @Test
    void aLocationWhereTheLockCannotBeMadeIsATypedErrorThatSaysWhatToDo() throws IOException {
        // A file where the environment's parent directory should be: the lock's file beside the environment cannot be
        // made. (Read-only mounts and permissions cannot be made here: the tests run as root.)
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "a user's file");
        EnvironmentStateException e = assertThrows(EnvironmentStateException.class,
                () -> ensure(EnvironmentSpec.builder(file.resolve("env")).requirement("app").build()));
        assertTrue(e.getMessage().contains("a file stands where a directory is needed")
                && e.getMessage().contains("Choose another location"), e.getMessage());
        assertEquals("a user's file", Files.readString(file), "nothing of the user's is touched");
        assertEquals(List.of(), memory.calls());
    }

    @Test
    void aListenerThatThrowsDoesNotStopEnsure() throws IOException {
        EnvironmentEnsurer engine = new EnvironmentEnsurer(new InstallerSelector(List.of(memory), name -> null,
                Map.of()), List.of(), runner -> Accelerator.none(List.of()), LaunchListener.NONE, OutputListener.NONE,
                event -> {
                    throw new IllegalStateException("a broken progress bar");
                }, Map.of());
        Environment env = engine.ensure(spec("app").build());
        assertTrue(env.installedDistribution("app").isPresent());
        assertTrue(installed().contains("app"));
    }

    @Test
    void aFailedStepIsNotRecordedAndTheNextEnsureInstallsAgain() throws IOException {
        ensure(spec("app").build());
        InstallationException failure = new InstallationException("install of [app, other]", List.of("memory-install"),
                1, List.of("network unreachable"), "Try again.");
        memory.failNextInstall(failure);
        memory.clearCalls();
        events.clear();

        InstallationException thrown = assertThrows(InstallationException.class,
                () -> ensure(spec("app", "other").build()));

        assertSame(failure, thrown);
        assertSame(failure, ((EnsureEvent.Failed) events.get(events.size() - 1)).error());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed(), "the previous environment is still there");
        memory.clearCalls();

        ensure(spec("app", "other").build());

        assertEquals(List.of("install other"), memory.calls(), "installs again, without a rebuild");
        assertEquals(Set.of("app", "lib", "util", "other", "shared", "pip"), installed());
        assertWarm(spec("app", "other").build(), memory);
    }

    @Test
    void whatAFailedInstallLeftBehindIsRemovedWhenNoLongerNeeded() throws IOException {
        ensure(spec("app").build());
        memory.failNextInstallAfterwards(new InstallationException("install of [app, tool]", List.of("memory-install"),
                1, List.of("a check failed"), "Try again."));
        assertThrows(InstallationException.class, () -> ensure(spec("app", "tool").build()));
        assertEquals(Set.of("app", "lib", "util", "tool", "tool_helper", "shared", "pip"), installed());
        memory.clearCalls();

        // The user gives up on tool: what the failed install put there is isoenv's, and nothing needs it.
        ensure(spec("app").build());

        assertEquals(List.of("uninstall shared,tool,tool-helper"), memory.calls());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed());
    }

    @Test
    void aFailedCreationIsRepairedOnTheNextEnsure() throws IOException {
        memory.failNextCreate(new IllegalStateException("disk full"));

        EnvironmentCreationException e = assertThrows(EnvironmentCreationException.class,
                () -> ensure(spec("app").build()));

        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        memory.clearCalls();
        events.clear();
        ensure(spec("app").build());
        assertEquals(List.of("prepare", "create", "install app"), memory.calls());
        assertEquals(EnsureEvent.Creating.Reason.REPAIRING, ((EnsureEvent.Creating) events.get(1)).why());
        assertEquals(Set.of("app", "lib", "util", "pip"), installed());
    }

    @Test
    void requirementOrderAndNameSpellingDoNotMatter() {
        ensure(spec("Foo_Bar>=1,<2", "app").build());
        assertWarm(spec("app", "foo-bar<2,>=1").build(), memory);
        assertWarm(spec("APP", "foo.bar < 2, >= 1").build(), memory);

        InstallPlan plan = InstallPlan.direct(spec("app").build());
        assertEquals(SpecFingerprint.of(spec("Foo_Bar>=1,<2", "app").build(), plan),
                SpecFingerprint.of(spec("app", "foo-bar<2,>=1").build(), plan));
        assertNotEquals(SpecFingerprint.of(spec("Foo_Bar>=1,<2", "app").build(), plan),
                SpecFingerprint.of(spec("app", "foo-bar<3,>=1").build(), plan));
        assertNotEquals(SpecFingerprint.of(spec("app").build(), plan),
                SpecFingerprint.of(spec("app").build(), new InstallPlan(plan.steps(), List.of(), "variant=cpu", "")));
    }

    /** A planner whose fingerprint, such as a PyTorch variant, and tentativeness the test sets. */
    private static final class VariantPlanner implements InstallPlanner {
        private volatile String fingerprint;
        private volatile String tentativeReason;

        VariantPlanner(String fingerprint, String tentativeReason) {
            set(fingerprint, tentativeReason);
        }

        void set(String newFingerprint, String newTentativeReason) {
            this.fingerprint = newFingerprint;
            this.tentativeReason = newTentativeReason;
        }

        @Override
        public String name() {
            return "variant";
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            InstallPlan plan = new InstallPlan(InstallPlan.direct(spec).steps(), List.of(), fingerprint,
                    "Installs the " + fingerprint + " build.").withChoices(Map.of("variant", fingerprint));
            return Optional.of(tentativeReason == null ? plan : plan.tentative(tentativeReason));
        }
    }
}
