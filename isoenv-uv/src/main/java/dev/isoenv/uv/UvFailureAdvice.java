package dev.isoenv.uv;

import dev.isoenv.spi.ProcessResult;
import java.util.Locale;

/**
 * Reads uv's error output and says what went wrong and what to do. The messages are uv's (crates/uv-python's
 * discovery and lib.rs, the resolver's "No solution found" report, the network and build errors in the snapshots of
 * crates/uv/tests); fixtures of each are in this module's tests.
 */
final class UvFailureAdvice {
    private UvFailureAdvice() {
    }

    /**
     * Tells whether uv failed because no interpreter satisfies the request: "No interpreter found for Python 3.1 in
     * managed installations or search path", "No download found for request: ...", or a hint that downloads are
     * disabled ("A managed Python download is available for Python 3.13, but Python downloads are set to 'never'").
     */
    static boolean pythonMissing(ProcessResult result) {
        String text = text(result);
        return text.contains("no interpreter found") || text.contains("no download found for request")
                || text.contains("a managed python download is available");
    }

    /** Says, in a sentence or two, what to do about a failed uv command. */
    static String adviceFor(ProcessResult result) {
        String text = text(result);
        if (text.contains("lack of valid authentication credentials") || text.contains("401 unauthorized")
                || text.contains("403 forbidden")) {
            return "An index refused the credentials (HTTP 401 or 403). Check the user name and token in the index"
                    + " URL.";
        }
        if (text.contains("was not found in the package registry") || text.contains("not found in the provided")) {
            return "No index offered a distribution that the requirements need. Check the names and versions, and"
                    + " that the indexes are the right ones and reachable; uv's explanation is below.";
        }
        if (text.contains("no solution found when resolving dependencies")) {
            return "No set of versions satisfies the requirements from these indexes: a version may not exist, or the"
                    + " requirements, constraints and the environment's Python conflict; uv's explanation is below.";
        }
        if (text.contains("failed to build") || text.contains("build backend returned an error")) {
            return "Building a package from source failed; its build output is below. Install its build"
                    + " dependencies, or pin a version that has a wheel for this platform.";
        }
        if (text.contains("request failed after") || text.contains("error sending request")
                || text.contains("failed to fetch") || text.contains("dns error") || text.contains("connection refused")
                || text.contains("network timeout") || text.contains("failed to download")) {
            return "An index or download could not be reached. Check the index URLs, the network and any proxy"
                    + " settings (uv reads HTTPS_PROXY and, for certificates, SSL_CERT_FILE).";
        }
        if (text.contains("no space left on device")) {
            return "The disk is full. Free some space and run ensure() again.";
        }
        if (text.contains("unexpected argument") || text.contains("unrecognized subcommand")
                || text.contains("invalid value")) {
            return "uv refused an argument or variable that isoenv gives it; this backend needs uv " + UvLocator.MINIMUM
                    + " or newer.";
        }
        return "See uv's output below; the environment is not marked as installed, so the next ensure() retries.";
    }

    private static String text(ProcessResult result) {
        return (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
    }
}
