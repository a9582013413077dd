package dev.isoenv;

/**
 * A lock file ({@code pylock.toml}, PEP 751) was not made for this environment: its {@code requires-python} or a
 * package's excludes the environment's Python, none of its {@code environments} markers is true here, two entries of
 * one package apply, or a package has only wheels and none of them fits this Python and platform. Nothing was
 * installed; the message says which Python and platform the environment has and what the lock asks for, so that the
 * lock can be made again for it (for example {@code uv pip compile --python-version 3.12 --python-platform linux}).
 */
public final class LockFileMismatchException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what does not fit, and what to do
     */
    public LockFileMismatchException(String message) {
        super(message);
    }
}
