package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.BackendSelectionException;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.PackageIndexes;
import dev.isoenv.UnknownBackendException;
import dev.isoenv.BackendCandidate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend selection through the real ServiceLoader and the real class path: the venv backend from isoenv-venv, the uv
 * backend from isoenv-uv (available only where uv is installed), the conda backend from isoenv-conda (chosen only by
 * name or for conda packages), and a custom backend registered only in the test class path.
 */
class BackendSelectionTest {
    private static final String BACKEND_PROPERTY = "isoenv.backend";
    private static final String CONDA_PROPERTY = "isoenv.conda";

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty(BACKEND_PROPERTY);
        System.clearProperty(RecordingInstaller.ENABLE);
        RecordingInstaller.CALLS.clear();
    }

    private EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(dir.resolve(name)).inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().findLinks(dir.toString()).build());
    }

    @Test
    void serviceLoaderFindsTheBackendsOnTheClassPath() {
        List<BackendCandidate> backends = Isoenv.backends();
        List<String> names = backends.stream().map(BackendCandidate::name).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("recording", "uv", "venv", "conda")), names::toString);
        List<Integer> priorities = backends.stream().map(BackendCandidate::priority).collect(Collectors.toList());
        assertEquals(priorities.stream().sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList()),
                priorities, "highest priority first");
        assertTrue(backend("venv").availability().isAvailable(), backends::toString);
        assertEquals(50, backend("conda").priority());
        assertEquals(200, backend("uv").priority());
        assertFalse(backend("uv").availability().detail().isBlank(), "uv says where it is, or why it is not");
    }

    private static BackendCandidate backend(String name) {
        return Isoenv.backends().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void condaPackagesAskForTheCondaBackendAndTheErrorSaysWhyEachBackendCannot() {
        String before = System.getProperty(CONDA_PROPERTY);
        System.setProperty(CONDA_PROPERTY, dir.resolve("no-conda").toString());
        BackendSelectionException e;
        try {
            e = assertThrows(BackendSelectionException.class,
                    () -> Isoenv.ensure(spec("conda-packages").condaPackages("ffmpeg").build()));
        } finally {
            if (before == null) {
                System.clearProperty(CONDA_PROPERTY);
            } else {
                System.setProperty(CONDA_PROPERTY, before);
            }
        }
        assertTrue(e.getMessage().contains("conda (priority 50): unavailable: the system property isoenv.conda names '"
                + dir.resolve("no-conda") + "', which is neither an executable micromamba, mamba or conda"),
                e.getMessage());
        assertTrue(e.getMessage().contains("venv (priority 100): cannot build this specification: it cannot install"
                + " conda packages (ffmpeg)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("conda-packages").resolve("conda-meta")), "nothing was built");
    }

    @Test
    void anExplicitNameChoosesTheBackend() {
        System.setProperty(RecordingInstaller.ENABLE, "true");
        Environment env = Isoenv.ensure(spec("named").backend("venv").build());
        assertEquals("venv", env.backend());
        assertEquals(List.of(), RecordingInstaller.CALLS, "the higher-priority backend was not used");
    }

    @Test
    void theSystemPropertyNamesTheBackendWhenTheSpecDoesNot() {
        System.setProperty(RecordingInstaller.ENABLE, "true");
        System.setProperty(BACKEND_PROPERTY, "venv");
        assertEquals("venv", Isoenv.ensure(spec("by-property").build()).backend());
    }

    @Test
    void aCustomBackendPlugsInThroughServiceLoaderAndWinsByPriority() {
        System.setProperty(RecordingInstaller.ENABLE, "true");
        Environment env = Isoenv.ensure(spec("custom").build());
        assertEquals("recording", env.backend());
        // An empty specification still gets one (empty) install step, so a backend with state of its own can act.
        assertEquals(List.of("create custom", "install []"), RecordingInstaller.CALLS);
        assertTrue(Files.isRegularFile(env.python()));
    }

    @Test
    void withoutItTheNextAvailableBackendIsChosen() {
        String expected = backend("uv").availability().isAvailable() ? "uv" : "venv";
        assertEquals(expected, Isoenv.ensure(spec("auto").build()).backend(), Isoenv.backends().toString());
    }

    @Test
    void anUnknownNameListsTheBackendsThatExist() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> Isoenv.ensure(spec("unknown").backend("pipenv").build()));
        assertTrue(e.getMessage().contains("venv (priority 100): available"), e.getMessage());
        assertTrue(e.getMessage().contains("recording (priority 1000): unavailable: only for tests"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("unknown")), "nothing was created");

        assertTrue(e.getMessage().contains("uv (priority 200): "), e.getMessage());
        System.setProperty(BACKEND_PROPERTY, "poetry");
        UnknownBackendException viaProperty = assertThrows(UnknownBackendException.class,
                () -> Isoenv.ensure(spec("unknown").build()));
        assertTrue(viaProperty.getMessage().contains("system property isoenv.backend"), viaProperty.getMessage());
    }

    @Test
    void aNamedButUnavailableBackendIsRefusedWithItsReason() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> Isoenv.ensure(spec("refused").backend("recording").build()));
        assertTrue(e.getMessage().contains("only for tests"), e.getMessage());
    }
}
