package dev.isoenv;

import dev.isoenv.internal.process.Redactor;

/**
 * A requirement string is not a valid PEP 508 requirement. Requirement strings are validated when they are
 * added to a specification, so an invalid one can never reach pip or any other installer, and can never be
 * read as a command-line option.
 */
public final class InvalidRequirementException extends InvalidSpecException {
    private static final long serialVersionUID = 1L;

    /** @serial The rejected text, with credentials masked. */
    private final String requirement;
    /** @serial Where parsing failed. */
    private final int position;

    /**
     * Creates the exception.
     *
     * @param requirement the rejected text; it is shown as a bounded excerpt with URL credentials masked and
     *     control characters escaped
     * @param position the zero-based index at which parsing failed
     * @param reason why it was rejected
     */
    public InvalidRequirementException(String requirement, int position, String reason) {
        super("Invalid requirement '" + Redactor.excerpt(requirement, position) + "' at position " + position + ": " + reason
                + ". Write one PEP 508 requirement per string, such as 'requests>=2.31' or"
                + " 'torch==2.5.1; sys_platform == \"linux\"'. Index URLs and other installer options belong in"
                + " PackageIndexes, never inside a requirement.");
        this.requirement = Redactor.excerpt(requirement, position);
        this.position = position;
    }

    /**
     * Returns an excerpt of the rejected requirement text: at most {@value Redactor#EXCERPT_LENGTH} characters
     * around the error, with URL credentials masked and control characters escaped.
     *
     * @return the rejected text
     */
    public String requirement() {
        return requirement;
    }

    /**
     * Returns the zero-based index at which the text stopped being a valid requirement.
     *
     * @return the position of the error
     */
    public int position() {
        return position;
    }
}
