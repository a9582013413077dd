package dev.isoenv;

/**
 * An environment specification, or a value given to one of its builders, is not valid. Nothing on disk has
 * been touched when this is thrown.
 */
public class InvalidSpecException extends IsoenvException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the value and how to write it instead
     */
    public InvalidSpecException(String message) {
        super(message);
    }
}
