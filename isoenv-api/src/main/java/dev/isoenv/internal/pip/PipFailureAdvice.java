package dev.isoenv.internal.pip;

import dev.isoenv.InstallationException.Reason;
import dev.isoenv.spi.ProcessResult;
import java.util.List;
import java.util.Locale;

/**
 * Reads pip's output after a failed install and says what went wrong and what the user should do about it.
 *
 * <p>A network failure explains the other messages of the same output: pip that cannot reach an index goes on to
 * report "No matching distribution", and a resolver that saw no versions of a package may report conflicts. So an
 * unreachable index is looked for first, and the advice then never suggests relaxing pins.
 */
final class PipFailureAdvice {
    /** pip's words for an index or a download it could not reach, a folder that is not there included. */
    private static final List<String> UNREACHABLE = List.of("connection refused", "max retries exceeded",
            "could not fetch url", "name or service not known", "temporary failure in name resolution",
            "read timed out", "failed to establish a new connection", "connection broken by",
            "is ignored: it is neither a file nor a directory", "it is either a non-existing path",
            "network is unreachable", "no route to host", "connecttimeouterror", "proxyerror");

    private PipFailureAdvice() {
    }

    static Reason classify(ProcessResult result) {
        String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
        if (text.contains("401") && (text.contains("unauthorized") || text.contains("credentials"))) {
            return Reason.CREDENTIALS;
        }
        for (String phrase : UNREACHABLE) {
            if (text.contains(phrase)) {
                return Reason.UNREACHABLE;
            }
        }
        if (text.contains("metadata-generation-failed") || text.contains("subprocess-exited-with-error")
                || text.contains("failed building wheel")) {
            return Reason.BUILD;
        }
        if (text.contains("resolutionimpossible") || text.contains("conflicting dependencies")) {
            return Reason.CONFLICT;
        }
        if (text.contains("no matching distribution found")) {
            return Reason.NOT_FOUND;
        }
        if (text.contains("no space left on device")) {
            return Reason.DISK_FULL;
        }
        return Reason.OTHER;
    }

    static String adviceFor(ProcessResult result) {
        return adviceFor(classify(result));
    }

    static String adviceFor(Reason reason) {
        switch (reason) {
            case CREDENTIALS:
                return "The index refused the credentials (HTTP 401). Check the user name and token in the index URL.";
            case UNREACHABLE:
                return "An index could not be reached (a network, proxy or DNS failure, or a folder that is not"
                        + " there); this is not a conflict between requirements. Check the index URLs, the network"
                        + " and any proxy settings.";
            case BUILD:
                return "Building a package from source failed; its build output is below. Install its build"
                        + " dependencies, or pin a version that has a wheel for this platform.";
            case CONFLICT:
                return "The requirements conflict with each other or with the constraints; pip's explanation is"
                        + " below. Relax one of the conflicting pins.";
            case NOT_FOUND:
                return "No index offered a version that satisfies the requirement for this Python and platform. Check"
                        + " the name and version, the Python version of the environment, and that the indexes carry"
                        + " it.";
            case DISK_FULL:
                return "The disk is full. Free some space and run ensure() again.";
            default:
                return "See pip's output below; the environment is not marked as installed, so the next ensure()"
                        + " retries.";
        }
    }
}
