package dev.isoenv.internal.pip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.InstallationException.Reason;
import dev.isoenv.spi.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * pip's failures, as pip 23 prints them, each read as its kind: an index that cannot be reached is never called a
 * conflict, even where pip goes on to report that nothing matched or that the requirements conflict.
 */
class PipFailureAdviceTest {
    private static final String RETRY = "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None,"
            + " status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection"
            + ".HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection"
            + " refused')': /whl/cpu/torch/";
    private static final String NONE = "ERROR: Could not find a version that satisfies the requirement"
            + " torch==2.8.0+cpu (from versions: none)\nERROR: No matching distribution found for torch==2.8.0+cpu";

    static Stream<Arguments> outputs() {
        return Stream.of(
                Arguments.of(RETRY + "\n" + NONE, Reason.UNREACHABLE),
                Arguments.of(RETRY + "\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io", Reason.UNREACHABLE),
                Arguments.of("WARNING: Location 'file:///srv/wheels/cpu/torch/' is ignored: it is neither a file nor"
                        + " a directory.\n" + NONE, Reason.UNREACHABLE),
                Arguments.of("WARNING: Url '/srv/wheels/cpu' is ignored. It is either a non-existing path or lacks a"
                        + " specific scheme.\n" + NONE, Reason.UNREACHABLE),
                Arguments.of("ERROR: Cannot install a==1 and b==2 because these package versions have conflicting"
                        + " dependencies.\nERROR: ResolutionImpossible: for help visit ...", Reason.CONFLICT),
                Arguments.of(NONE, Reason.NOT_FOUND),
                Arguments.of("ERROR: HTTP error 401 while getting https://****@h/simple/x/ Unauthorized",
                        Reason.CREDENTIALS),
                Arguments.of("error: subprocess-exited-with-error\n  × python setup.py egg_info did not run"
                        + " successfully.", Reason.BUILD),
                Arguments.of("ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
                        Reason.DISK_FULL),
                Arguments.of("ERROR: Exception: something else", Reason.OTHER));
    }

    @ParameterizedTest
    @MethodSource("outputs")
    void eachFailureIsReadAsItsKind(String stderr, Reason reason) {
        ProcessResult result = new ProcessResult(List.of("pip"), 1, "", stderr, List.of(), Duration.ZERO);
        assertEquals(reason, PipFailureAdvice.classify(result));
        if (reason == Reason.UNREACHABLE || reason == Reason.NOT_FOUND) {
            assertFalse(PipFailureAdvice.adviceFor(result).contains("Relax"), PipFailureAdvice.adviceFor(result));
        }
    }

    @Test
    void theInstallationReportGivesTheNamesAndVersionsPipWouldInstall() {
        String report = "{\"version\": \"1\", \"pip_version\": \"23.2.1\", \"install\": ["
                + "{\"download_info\": {\"url\": \"http://x/torchvision-0.23.0-py3-none-any.whl\"}, \"is_direct\": false,"
                + " \"requested\": false, \"metadata\": {\"metadata_version\": \"2.1\", \"name\": \"torchvision\","
                + " \"version\": \"0.23.0\", \"requires_dist\": [\"torch==2.8.0\"]}},"
                + "{\"metadata\": {\"name\": \"isoenv-demo-vision-user\", \"version\": \"1.0\"}},"
                + "{\"metadata\": {\"name\": 3}}], \"environment\": {}}";
        assertEquals(List.of(InstalledDistribution.of("torchvision", "0.23.0"),
                InstalledDistribution.of("isoenv-demo-vision-user", "1.0")), PipRunner.readReport(report));
        assertEquals(List.of(), PipRunner.readReport("{\"version\": \"1\"}"));
    }
}
