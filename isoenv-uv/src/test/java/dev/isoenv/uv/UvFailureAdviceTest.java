package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.spi.ProcessResult;
import dev.isoenv.uv.UvFailureAdvice.Problem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** uv's real error messages (fixtures) are told apart and get advice that says what to do. */
class UvFailureAdviceTest {
    private static ProcessResult failed(String fixture) {
        return new ProcessResult(List.of("uv"), 1, "", Fixtures.read(fixture), List.of(), Duration.ZERO);
    }

    private static void advises(String fixture, String expected) {
        String advice = UvFailureAdvice.adviceFor(failed(fixture));
        assertTrue(advice.contains(expected), () -> fixture + ": " + advice);
    }

    @Test
    void aMissingPythonIsRecognised() {
        assertTrue(UvFailureAdvice.pythonMissing(failed("venv-no-interpreter.txt")));
        assertTrue(UvFailureAdvice.pythonMissing(failed("venv-downloads-never.txt")));
        assertTrue(UvFailureAdvice.pythonMissing(failed("python-find-not-found.txt")));
        assertFalse(UvFailureAdvice.pythonMissing(failed("venv-directory-exists.txt")));
        assertFalse(UvFailureAdvice.pythonMissing(failed("pip-install-not-found.txt")));
    }

    @Test
    void eachKindOfFailureHasItsAdvice() {
        advises("pip-install-unauthorized.txt", "credentials");
        advises("pip-install-not-found.txt", "No index offered");
        advises("pip-install-missing-dependency.txt", "No index offered");
        advises("pip-install-build-failure.txt", "Building a package from source failed");
        advises("pip-install-network.txt", "could not be reached");
        advises("venv-directory-exists.txt", "See uv's output");
    }

    @Test
    void eachFixtureIsClassifiedAsItsKindOfFailure() {
        assertEquals(Problem.CREDENTIALS, UvFailureAdvice.classify(failed("pip-install-unauthorized.txt")),
                "a 401 explains the 'not found' it caused");
        assertEquals(Problem.RESOLUTION, UvFailureAdvice.classify(failed("pip-install-not-found.txt")));
        assertEquals(Problem.RESOLUTION, UvFailureAdvice.classify(failed("pip-install-missing-dependency.txt")));
        assertEquals(Problem.RESOLUTION, UvFailureAdvice.classify(failed("pip-install-no-matching-version.txt")));
        assertEquals(Problem.BUILD, UvFailureAdvice.classify(failed("pip-install-build-failure.txt")));
        assertEquals(Problem.UNREACHABLE, UvFailureAdvice.classify(failed("pip-install-network.txt")));
        assertEquals(Problem.UNSUPPORTED_ARGUMENT, UvFailureAdvice.classify(failed("unexpected-argument.txt")));
        assertEquals(Problem.OTHER, UvFailureAdvice.classify(failed("venv-directory-exists.txt")));
    }

    @Test
    void aVersionThatNoIndexHasIsExplainedAsUnsatisfiable() {
        advises("pip-install-no-matching-version.txt", "a version may not exist");
    }

    @Test
    void anArgumentATooOldUvRejectsPointsAtTheMinimum() {
        advises("unexpected-argument.txt", UvLocator.MINIMUM.toString());
    }
}
