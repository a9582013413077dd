package dev.isoenv.internal.pip;

import dev.isoenv.spi.ProcessResult;
import java.util.Locale;

/** Reads pip's output after a failed install and says what the user should do about it. */
final class PipFailureAdvice {
    private PipFailureAdvice() {
    }

    static String adviceFor(ProcessResult result) {
        String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
        if (text.contains("401") && (text.contains("unauthorized") || text.contains("credentials"))) {
            return "The index refused the credentials (HTTP 401). Check the user name and token in the index URL.";
        }
        if (text.contains("resolutionimpossible") || text.contains("conflicting dependencies")) {
            return "The requirements conflict with each other or with the constraints; pip's explanation is below."
                    + " Relax one of the conflicting pins.";
        }
        if (text.contains("no matching distribution found")) {
            return "No index offered a version that satisfies the requirement for this Python and platform. Check the"
                    + " name and version, the Python version of the environment, and that the indexes are reachable.";
        }
        if (text.contains("connection refused") || text.contains("max retries exceeded")
                || text.contains("could not fetch url") || text.contains("name or service not known")
                || text.contains("temporary failure in name resolution") || text.contains("read timed out")) {
            return "An index could not be reached. Check the index URLs, the network and any proxy settings.";
        }
        if (text.contains("metadata-generation-failed") || text.contains("subprocess-exited-with-error")
                || text.contains("failed building wheel")) {
            return "Building a package from source failed; its build output is below. Install its build"
                    + " dependencies, or pin a version that has a wheel for this platform.";
        }
        if (text.contains("no space left on device")) {
            return "The disk is full. Free some space and run ensure() again.";
        }
        return "See pip's output below; the environment is not marked as installed, so the next ensure() retries.";
    }
}
