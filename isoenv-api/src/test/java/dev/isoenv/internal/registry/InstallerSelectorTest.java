package dev.isoenv.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.BackendSelectionException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.UnknownBackendException;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.Availability;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstallerSelectorTest {
    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    private InstallerSelector selector(Installer... installers) {
        return new InstallerSelector(List.of(installers), properties::get, environment);
    }

    @Test
    void highestAvailablePriorityWins() {
        InstallerSelector.Choice chosen = selector(new Stub("venv", 100, true), new Stub("uv", 200, false),
                new Stub("conda", 50, true)).select(spec().build(), Optional.empty());
        assertEquals("venv", chosen.installer().name());
        assertTrue(chosen.reason().contains("highest priority") && chosen.reason().contains("uv"), chosen.reason());
        assertEquals("uv", selector(new Stub("venv", 100, true), new Stub("uv", 200, true))
                .select(spec().build(), Optional.empty()).installer().name());
    }

    @Test
    void anExplicitNameWinsOverPriorityFromSpecPropertyOrVariableInThatOrder() {
        Installer[] all = {new Stub("venv", 100, true), new Stub("uv", 200, true), new Stub("conda", 50, true)};
        environment.put(InstallerSelector.VARIABLE, "conda");
        assertEquals("conda", selector(all).select(spec().build(), Optional.empty()).installer().name());
        properties.put(InstallerSelector.PROPERTY, "VENV");
        assertEquals("venv", selector(all).select(spec().build(), Optional.empty()).installer().name());
        assertEquals("uv", selector(all).select(spec().backend("uv").build(), Optional.empty()).installer().name());
    }

    @Test
    void anExistingEnvironmentKeepsItsBackendWhileItIsAvailable() {
        Installer[] all = {new Stub("venv", 100, true), new Stub("uv", 200, true)};
        assertEquals("venv", selector(all).select(spec().build(), Optional.of("venv")).installer().name());
        assertEquals("uv", selector(new Stub("venv", 100, false), new Stub("uv", 200, true))
                .select(spec().build(), Optional.of("venv")).installer().name());
    }

    @Test
    void anUnknownNameListsTheBackendsThatExist() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selector(new Stub("venv", 100, true), new Stub("uv", 200, false)).select(spec().backend("pipenv").build(), Optional.empty()));
        assertTrue(e.getMessage().contains("'pipenv'"), e.getMessage());
        assertTrue(e.getMessage().contains("venv (priority 100): available"), e.getMessage());
        assertTrue(e.getMessage().contains("uv (priority 200): unavailable: uv stub says no"), e.getMessage());
    }

    @Test
    void aNamedBackendThatIsUnavailableIsAnErrorNotASilentFallback() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> selector(new Stub("venv", 100, true), new Stub("uv", 200, false)).select(spec().backend("uv").build(), Optional.empty()));
        assertTrue(e.getMessage().contains("uv stub says no"), e.getMessage());
    }

    @Test
    void whenNothingFitsEveryCandidateAndItsReasonIsListed() {
        Stub broken = new Stub("broken", 10, true) {
            @Override
            public Availability availability() {
                throw new IllegalStateException("probe exploded");
            }
        };
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> selector(new Stub("venv", 100, false), new Stub("conda", 50, false), broken)
                        .select(spec().build(), Optional.empty()));
        assertTrue(e.getMessage().contains("venv (priority 100): unavailable: venv stub says no"), e.getMessage());
        assertTrue(e.getMessage().contains("conda (priority 50): unavailable: conda stub says no"), e.getMessage());
        assertTrue(e.getMessage().contains("probe exploded"), e.getMessage());
        BackendSelectionException none = assertThrows(BackendSelectionException.class,
                () -> selector().select(spec().build(), Optional.empty()));
        assertTrue(none.getMessage().contains("isoenv-venv"), "says which jar to add: " + none.getMessage());
    }

    /** A backend that only answers selection questions. */
    /** A stub of the conda backend: it installs conda packages, and is chosen automatically only for them. */
    static class CondaLike extends Stub {
        CondaLike(int priority) {
            super("conda", priority, true);
        }

        @Override
        public Optional<String> cannotBuild(EnvironmentSpec spec) {
            return Optional.empty();
        }

        @Override
        public boolean chosenAutomaticallyFor(EnvironmentSpec spec) {
            return !spec.condaPackages().isEmpty();
        }
    }

    private static EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(java.nio.file.Path.of("env"));
    }

    @Test
    void condaPackagesChooseTheBackendThatCanInstallThemAndOnlyThen() {
        Installer[] all = {new Stub("venv", 100, true), new Stub("uv", 200, true), new CondaLike(50)};
        InstallerSelector.Choice plain = selector(all).select(spec().requirement("six").build(), Optional.empty());
        assertEquals("uv", plain.installer().name(), "adding the conda jar never moves a plain environment");

        InstallerSelector.Choice withFfmpeg = selector(all).select(spec().condaPackages("ffmpeg").build(),
                Optional.empty());
        assertEquals("conda", withFfmpeg.installer().name());
        assertTrue(withFfmpeg.reason().contains("uv (priority 200): cannot build this specification: it cannot"
                + " install conda packages (ffmpeg)"), withFfmpeg.reason());

        InstallerSelector.Choice kept = selector(all).select(spec().condaPackages("ffmpeg").build(),
                Optional.of("uv"));
        assertEquals("conda", kept.installer().name(), "a recorded backend that cannot build the spec is not kept");

        BackendSelectionException none = assertThrows(BackendSelectionException.class,
                () -> selector(new Stub("venv", 100, false), new CondaLike(500)).select(spec().build(),
                        Optional.empty()));
        assertTrue(none.getMessage().contains("conda (priority 500): chosen only when named"), none.getMessage());
        assertTrue(none.getMessage().contains("venv (priority 100): unavailable: venv stub says no"),
                none.getMessage());
        assertEquals("conda", selector(new Stub("venv", 100, false), new CondaLike(500))
                .select(spec().backend("conda").build(), Optional.empty()).installer().name());
    }

    @Test
    void aNamedBackendThatCannotBuildTheSpecificationIsRefusedWithTheReason() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> selector(new Stub("venv", 100, true), new CondaLike(50))
                        .select(spec().backend("venv").condaPackages("ffmpeg").build(), Optional.empty()));
        assertTrue(e.getMessage().contains("'venv' named by the specification cannot build this specification: it"
                + " cannot install conda packages (ffmpeg)"), e.getMessage());
    }

    @Test
    void aBackendThatSaysNothingAboutInstallerArgumentsRefusesThemAndAutomaticSelectionPassesItOver() {
        Installer applies = new Stub("venv", 100, true) {
            @Override
            public Optional<String> cannotApply(dev.isoenv.InstallerArgument argument) {
                return Optional.empty();
            }
        };
        Installer silent = new Stub("uv", 200, true);
        EnvironmentSpec withPre = spec().installerArguments("--pre").build();
        InstallerSelector.Choice chosen = selector(applies, silent).select(withPre, Optional.empty());
        assertEquals("venv", chosen.installer().name());
        assertTrue(chosen.reason().contains("uv (priority 200): cannot build this specification: it cannot apply the"
                + " installer argument --pre (the backend 'uv' does not apply installer arguments)"), chosen.reason());
        assertEquals("uv", selector(applies, silent).select(spec().build(), Optional.empty()).installer().name(),
                "without arguments nothing changes");
        BackendSelectionException named = assertThrows(BackendSelectionException.class,
                () -> selector(applies, silent).select(spec().backend("uv").installerArguments("--pre").build(),
                        Optional.empty()));
        assertTrue(named.getMessage().contains("'uv' named by the specification cannot build this specification"),
                named.getMessage());
    }

    static class Stub implements Installer {
        private final String name;
        private final int priority;
        private final boolean available;

        Stub(String name, int priority, boolean available) {
            this.name = name;
            this.priority = priority;
            this.available = available;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability availability() {
            return available ? Availability.available(name + " stub") : Availability.unavailable(name + " stub says no");
        }

        @Override
        public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
            throw new UnsupportedOperationException();
        }
    }
}
