package dev.isoenv.conda;

import static dev.isoenv.conda.CondaInstallerTest.fixture;
import static dev.isoenv.conda.CondaInstallerTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.IsoenvException;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.spi.ProcessResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tools' real answers (see fixtures/README.md for where each one comes from) and the exceptions they become. */
class CondaFailureAdviceTest {
    /** Paths the messages name; nothing is read from or written to them. */
    private static final Path BASE = Path.of(System.getProperty("java.io.tmpdir"), "isoenv-conda-advice-test");
    private static final String ENV = BASE.resolve("envs").resolve("tool").toString();
    private static final List<String> COMMAND = List.of(BASE.resolve("bin").resolve("micromamba").toString(), "install",
            "-p", ENV,
            "python=3.1", "-c", "conda-forge", "--override-channels", "-y", "--json");
    private static final EnvironmentSpec SPEC = EnvironmentSpec.builder(Path.of(ENV)).python("3.1")
            .condaPackages("ffmpeg").build();

    private static ProcessResult json(String fixture) {
        return result(COMMAND, 1, fixture(fixture), "");
    }

    private static ProcessResult stderr(String fixture) {
        return result(COMMAND, 1, "", fixture(fixture));
    }

    private static IsoenvException failure(ProcessResult result, boolean creating) {
        return CondaFailureAdvice.failure("Installing python=3.1 into " + ENV, result, SPEC, creating);
    }

    @Test
    void successIsExitCodeZeroWithoutSuccessFalse() {
        assertTrue(CondaFailureAdvice.succeeded(result(COMMAND, 0, fixture("conda-install-success.json"), "")));
        assertTrue(CondaFailureAdvice.succeeded(result(COMMAND, 0, fixture("micromamba-install-success.json"), "")));
        assertTrue(CondaFailureAdvice.succeeded(result(COMMAND, 0, "", "")), "an answer without JSON");
        assertFalse(CondaFailureAdvice.succeeded(result(COMMAND, 0, fixture("micromamba-solver-problems.json"), "")));
        assertFalse(CondaFailureAdvice.succeeded(result(COMMAND, 1, fixture("conda-install-success.json"), "")));
        assertTrue(CondaFailureAdvice.json("warning: something\n{\"success\": true}\n").isPresent(),
                "a line before the object does no harm");
        assertFalse(CondaFailureAdvice.json("{not json}").isPresent());
    }

    @Test
    void condasJsonProgressObjectsBeforeTheAnswerAreSkipped() {
        ProcessResult progress = result(COMMAND, 0, fixture("conda-fetch-progress-install-success.json"), "");
        assertTrue(progress.stdout().contains("\0{\"fetch\""), "the fixture has conda's NUL separators");
        Object actions = CondaFailureAdvice.json(progress.stdout()).orElseThrow().get("actions");
        assertTrue(actions.toString().contains("python-3.12.4-h9e4cc4f_0_cpython"), String.valueOf(actions));
        assertTrue(CondaFailureAdvice.succeeded(progress));
        assertEquals(Boolean.FALSE, CondaFailureAdvice.json("{\"fetch\":\"x\",\"progress\":1}\n\0"
                + fixture("micromamba-solver-problems.json")).orElseThrow().get("success"));
    }

    @Test
    void channelCredentialsAreMaskedInMessages() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of(ENV)).python("3.1")
                .condaChannels("https://user:s3cret@conda.example.com/private").build();
        String message = CondaFailureAdvice.failure("Installing", json("conda-packages-not-found-python.json"), spec,
                true).getMessage();
        assertFalse(message.contains("s3cret"), message);
        assertTrue(message.contains("conda.example.com/private"), message);
    }

    @Test
    void condasErrorObjectsAreRead() {
        CondaFailureAdvice.Report python = CondaFailureAdvice.read(json("conda-packages-not-found-python.json"));
        assertEquals("PackagesNotFoundInChannelsError", python.exceptionName());
        assertEquals(Set.of("python"), python.missing());
        assertEquals("The following packages are not available from current channels:", python.messages().get(0));

        CondaFailureAdvice.Report multi = CondaFailureAdvice.read(json("conda-multi-error.json"));
        assertEquals("EnvironmentNotWritableError", multi.exceptionName(), "the first of several errors");
        assertTrue(multi.messages().get(0).startsWith("The current user does not have write permissions"));
    }

    @Test
    void aPythonTheChannelsLackIsPythonNotFound() {
        for (ProcessResult r : List.of(json("conda-packages-not-found-python.json"),
                json("micromamba-2.8-python-missing.json"), stderr("micromamba-2.1-python-missing.stderr"))) {
            IsoenvException e = failure(r, true);
            assertInstanceOf(PythonNotFoundException.class, e, e::getMessage);
            assertTrue(e.getMessage().contains("Python 3.1 is not available from the conda channels conda-forge"),
                    e.getMessage());
        }
    }

    @Test
    void missingPackagesAreAnInstallationErrorThatNamesThem() {
        IsoenvException conda = failure(json("conda-packages-not-found.json"), true);
        assertInstanceOf(InstallationException.class, conda);
        assertTrue(conda.getMessage().contains("The conda packages xyz are not available from the channels conda-forge"),
                conda.getMessage());
        IsoenvException micromamba = failure(stderr("micromamba-1-package-missing.stderr"), false);
        assertInstanceOf(InstallationException.class, micromamba);
        assertTrue(micromamba.getMessage().contains("The conda packages shell-gpt are not available"),
                micromamba.getMessage());
        assertTrue(((InstallationException) micromamba).outputTail().get(0).startsWith("Could not solve"),
                "the tool's own lines, not the JSON");
    }

    @Test
    void conflictsAreAnInstallationErrorWithTheSolversExplanation() {
        for (ProcessResult r : List.of(json("conda-libmamba-unsatisfiable.json"), json("micromamba-solver-problems.json"),
                stderr("micromamba-solver-problems.stderr"))) {
            IsoenvException e = failure(r, true);
            assertInstanceOf(InstallationException.class, e, e::getMessage);
            assertTrue(e.getMessage().contains("cannot be installed together with Python 3.1"), e.getMessage());
            assertFalse(((InstallationException) e).outputTail().isEmpty());
        }
        InstallationException e = (InstallationException) failure(stderr("micromamba-solver-problems.stderr"), false);
        assertEquals(List.of("Could not solve for environment specs", "Encountered problems while solving:",
                "- nothing provides cudatoolkit >=11.3.1,<11.4.0a0 needed by libfaiss-1.7.3-hfc2d529_0_cuda11.3",
                "- nothing provides cudatoolkit >=11.3.1,<11.4.0a0 needed by libfaiss-1.7.3-hfc2d529_0_cuda11.3",
                "The environment can't be solved, aborting the operation", "Could not solve for environment specs"),
                e.outputTail());
    }

    @Test
    void termsOfServiceSayWhatIsoenvDoesAndWhatTheUserMayDo() {
        IsoenvException creating = failure(json("conda-tos-non-interactive.json"), true);
        assertInstanceOf(EnvironmentCreationException.class, creating);
        assertTrue(creating.getMessage().contains("CondaToSNonInteractiveError"), creating.getMessage());
        assertTrue(creating.getMessage().contains("never accepts terms for you"), creating.getMessage());
        assertTrue(creating.getMessage().contains("condaChannels(\"conda-forge\")"), creating.getMessage());
        assertTrue(creating.getMessage().contains("https://repo.anaconda.com/pkgs/main"), "the tool's own lines");
        assertInstanceOf(InstallationException.class, failure(json("conda-tos-non-interactive.json"), false));
    }

    @Test
    void networkAndPermissionFailuresSaySo() {
        IsoenvException http = failure(json("conda-http-error.json"), true);
        assertInstanceOf(EnvironmentCreationException.class, http);
        assertTrue(http.getMessage().contains("could not download from the channels conda-forge"), http.getMessage());
        IsoenvException writable = failure(json("conda-multi-error.json"), false);
        assertInstanceOf(InstallationException.class, writable);
        assertTrue(writable.getMessage().contains("not writable"), writable.getMessage());
        IsoenvException other = failure(result(COMMAND, 2, "", "usage: conda [-h]\nconda: error: unrecognized"), true);
        assertInstanceOf(EnvironmentCreationException.class, other);
        assertTrue(other.getMessage().contains("exit code 2") && other.getMessage().contains("unrecognized"),
                other.getMessage());
    }
}
