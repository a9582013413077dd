package dev.isoenv.testing.index;

import java.util.Objects;
import java.util.Optional;

/**
 * One request that a {@link PackageIndexServer} received, in its request log.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the request path, percent-decoded, e.g. {@code /whl/cu126/torch/files/torch-2.5.1+cu126-py3-none-any.whl}
 * @param status the status the server answered with, or {@link #STALLED} for a request it stalled
 * @param user the user name of the HTTP Basic credentials the request carried, if any, whether or not accepted
 */
public record RecordedRequest(String method, String path, int status, Optional<String> user) {
    /** The {@link #status()} of a request that the server stalled instead of answering. */
    public static final int STALLED = 0;

    /**
     * Checks the components.
     *
     * @param method the HTTP method
     * @param path the decoded path
     * @param status the status, or {@link #STALLED}
     * @param user the Basic-auth user name, if any
     */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(user, "user");
    }

    /**
     * Tells whether the request fetched a distribution file: a {@code GET} of a file under an index's
     * {@code /files/} that was answered with 200.
     *
     * @return true for a successful file download
     */
    public boolean isFileDownload() {
        return method.equals("GET") && status == 200 && path.contains("/files/");
    }
}
