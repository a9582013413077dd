package dev.isoenv;

/**
 * Receives the output of a child process line by line, as it is produced, decoded as UTF-8 and with
 * credentials masked. Calls for stdout and stderr may come from two threads at once.
 */
@FunctionalInterface
public interface OutputListener {
    /** A listener that ignores everything. */
    OutputListener NONE = (stream, line) -> { };

    /** Which stream a line came from. */
    enum Stream {
        /** The child's standard output. */
        STDOUT,
        /** The child's standard error. */
        STDERR
    }

    /**
     * Receives one line, without its line terminator.
     *
     * @param stream the stream the line came from
     * @param line the line
     */
    void onLine(Stream stream, String line);
}
