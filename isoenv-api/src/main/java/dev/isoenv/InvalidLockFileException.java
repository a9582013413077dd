package dev.isoenv;

/**
 * A lock file ({@code pylock.toml}, PEP 751) cannot be used: it is not TOML, lacks a required key, holds a value
 * isoenv does not accept (a name, version, URL, path or hash that is not valid), or asks for something isoenv does not
 * install from a lock (a version control checkout, a local directory, a package without a file and its hash). Nothing
 * on disk has been touched when this is thrown. The message names the file and the key, with credentials masked.
 */
public final class InvalidLockFileException extends InvalidSpecException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, where in the file, and what to do
     */
    public InvalidLockFileException(String message) {
        super(message);
    }
}
