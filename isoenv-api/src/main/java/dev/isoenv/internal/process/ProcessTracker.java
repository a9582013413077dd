package dev.isoenv.internal.process;

/**
 * Told about every process a {@link ProcessRunner} starts, so that a record of them can outlive the JVM: if the
 * JVM dies (a SIGKILL included), the next {@code ensure()} reads the record and ends what is still running before
 * it repairs the environment. {@link #starting} is called before the process exists, so that a JVM killed between
 * the start and the record still leaves the process's marker behind.
 */
public interface ProcessTracker {
    /** A tracker that records nothing. */
    ProcessTracker NONE = new ProcessTracker() {
    };

    /**
     * Called just before a process is started with {@code token} as its {@link ProcessMarker marker}.
     *
     * @param token the marker every descendant of the process inherits
     * @param command the command's display form, secrets masked
     */
    default void starting(String token, String command) {
    }

    /**
     * Called once the process is running.
     *
     * @param token its marker
     * @param process the process
     */
    default void started(String token, ProcessHandle process) {
    }

    /**
     * Called once the process has ended and its tree was waited for or killed.
     *
     * @param token its marker
     */
    default void ended(String token) {
    }
}
