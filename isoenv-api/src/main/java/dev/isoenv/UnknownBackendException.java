package dev.isoenv;

/**
 * A backend was asked for by a name that matches no backend on the class path or module path. The message
 * lists the backends that exist.
 */
public final class UnknownBackendException extends BackendSelectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which name was asked for, where it came from, and which backends exist
     */
    public UnknownBackendException(String message) {
        super(message);
    }
}
