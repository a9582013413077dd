package dev.isoenv.uv;

import dev.isoenv.spi.ProcessResult;
import java.util.List;
import java.util.Locale;

/**
 * Reads uv's error output and says what went wrong and what to do. The messages are uv's (crates/uv-python's
 * discovery and lib.rs, the resolver's "No solution found" report, the network and build errors in the snapshots of
 * crates/uv/tests, and the output of a real uv 0.11.15); fixtures of each are in this module's tests.
 *
 * <p>uv wraps its reports drawn with {@code ×} and {@code ╰─▶} (no solution, a failed build) at 80 columns when it
 * writes to a pipe, so a phrase may be split over two lines, and it may print {@code warning:} lines first (a real
 * uv 0.11.15 printed two deprecation notices for the machine's {@code UV_NATIVE_TLS} before every report). The
 * output is therefore read without its {@code warning:} lines, as one lower-case text whose line breaks, with the
 * indentation and the {@code │} of uv's cause chains that follow them, count as single spaces.
 */
final class UvFailureAdvice {
    /** Network failures on the way to an index: they explain any other message in the same output. */
    private static final List<String> UNREACHABLE = List.of("request failed after", "error sending request",
            "failed to fetch", "dns error", "connection refused", "tcp connect error", "network timeout");
    /** A distribution was being built from source ("Failed to download and build" wraps a build's own error). */
    private static final List<String> BUILD = List.of("failed to build", "build backend returned an error",
            "failed to download and build", "failed to resolve requirements from");
    /** The resolver could not name the package at all: an unknown name, or indexes that lack it. */
    private static final List<String> NOT_FOUND = List.of("was not found in the package registry",
            "not found in the provided package locations");

    /**
     * What went wrong, as far as uv's output tells. Where it shows more than one, {@link #classify} answers the one
     * that explains the others, the earlier in this order: a refused connection explains a failed build, and a build
     * whose own requirements cannot be resolved is a build failure, not a resolution failure of the install.
     */
    enum Problem {
        /** An index refused the credentials (HTTP 401 or 403). */
        CREDENTIALS,
        /** An index or a download could not be reached. */
        UNREACHABLE,
        /** Building a distribution from source failed, also when its build requirements could not be resolved. */
        BUILD,
        /**
         * The resolver found no solution: a name or version that the indexes do not offer, or requirements,
         * constraints and the environment's Python that conflict.
         */
        RESOLUTION,
        /** uv found no environment at the path it was given. */
        NO_ENVIRONMENT,
        /** The disk is full. */
        DISK_FULL,
        /** uv refused an argument or variable: it is older than this backend needs. */
        UNSUPPORTED_ARGUMENT,
        /** Anything else. */
        OTHER
    }

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

    /** Says what kind of failure uv's output reports. */
    static Problem classify(ProcessResult result) {
        String text = text(result);
        if (text.contains("lack of valid authentication credentials") || text.contains("401 unauthorized")
                || text.contains("403 forbidden")) {
            return Problem.CREDENTIALS;
        }
        if (containsAny(text, UNREACHABLE)) {
            return Problem.UNREACHABLE;
        }
        if (containsAny(text, BUILD)) {
            return Problem.BUILD;
        }
        if (text.contains("no solution found when resolving dependencies") || containsAny(text, NOT_FOUND)) {
            return Problem.RESOLUTION;
        }
        if (text.contains("failed to download")) {
            // "Failed to download `name==1.0`" whose causes name none of the failures above.
            return Problem.UNREACHABLE;
        }
        if (text.contains("no virtual environment or system python installation found")
                || text.contains("no virtual environment found")) {
            return Problem.NO_ENVIRONMENT;
        }
        if (text.contains("no space left on device")) {
            return Problem.DISK_FULL;
        }
        if (text.contains("unexpected argument") || text.contains("unrecognized subcommand")
                || text.contains("invalid value")) {
            return Problem.UNSUPPORTED_ARGUMENT;
        }
        return Problem.OTHER;
    }

    /** Says, in a sentence or two, what to do about a failed uv command. */
    /** Says what kind of failure uv's output reports, in the terms of the API's typed error. */
    static dev.isoenv.InstallationException.Reason reason(ProcessResult result) {
        switch (classify(result)) {
            case CREDENTIALS:
                return dev.isoenv.InstallationException.Reason.CREDENTIALS;
            case UNREACHABLE:
                return dev.isoenv.InstallationException.Reason.UNREACHABLE;
            case BUILD:
                return dev.isoenv.InstallationException.Reason.BUILD;
            case RESOLUTION:
                return containsAny(text(result), NOT_FOUND) ? dev.isoenv.InstallationException.Reason.NOT_FOUND
                        : dev.isoenv.InstallationException.Reason.CONFLICT;
            case DISK_FULL:
                return dev.isoenv.InstallationException.Reason.DISK_FULL;
            default:
                return dev.isoenv.InstallationException.Reason.OTHER;
        }
    }

    static String adviceFor(ProcessResult result) {
        String text = text(result);
        switch (classify(result)) {
            case CREDENTIALS:
                return "An index refused the credentials (HTTP 401 or 403). Check the user name and token in the"
                        + " index URL.";
            case UNREACHABLE:
                return "An index or download could not be reached. Check the index URLs, the network and any proxy"
                        + " settings (uv reads HTTPS_PROXY and, for certificates, SSL_CERT_FILE).";
            case BUILD:
                return "Building a package from source failed; uv's output below says why. "
                        + (text.contains("failed to resolve requirements from")
                        || text.contains("no solution found when resolving:")
                        ? "Its build requirements could not be found: uv takes them from the same indexes as the"
                        + " package, so those must offer them too, or pin a version that has a wheel for this"
                        + " platform."
                        : "Install its build dependencies, or pin a version that has a wheel for this platform.");
            case RESOLUTION:
                return containsAny(text, NOT_FOUND)
                        ? "No index offered a distribution that the requirements need. Check the names and versions,"
                        + " and that the indexes are the right ones and reachable; uv's explanation is below."
                        : "No set of versions satisfies the requirements from these indexes: a version may not exist,"
                        + " or the requirements, constraints and the environment's Python conflict; uv's explanation"
                        + " is below.";
            case NO_ENVIRONMENT:
                return "uv found no environment at the path it was given: its folder or its python was removed or"
                        + " replaced while isoenv used it. Run ensure() again, which rebuilds an environment whose"
                        + " python is missing.";
            case DISK_FULL:
                return "The disk is full. Free some space and run ensure() again.";
            case UNSUPPORTED_ARGUMENT:
                return "uv refused an argument or variable that isoenv gives it; this backend needs uv "
                        + UvLocator.MINIMUM + " or newer.";
            default:
                return "See uv's output below; the environment is not marked as installed, so the next ensure()"
                        + " retries.";
        }
    }

    private static boolean containsAny(String text, List<String> phrases) {
        for (String phrase : phrases) {
            if (text.contains(phrase)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The output without its {@code warning:} lines, in lower case, each line break with the indentation and chain
     * marks after it as one space.
     */
    private static String text(ProcessResult result) {
        StringBuilder kept = new StringBuilder();
        for (String line : (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT).split("\\R")) {
            if (!line.stripLeading().startsWith("warning:")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString().replaceAll("[ \\t]*\\R[\\s│]*", " ");
    }
}
