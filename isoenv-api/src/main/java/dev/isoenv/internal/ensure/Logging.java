package dev.isoenv.internal.ensure;

/**
 * The engine's logger, created by the first message rather than when a class loads: the warm path logs nothing, and
 * creating a logger starts the logging back end ({@code java.util.logging} by default), which costs a fresh JVM
 * about ten milliseconds.
 */
final class Logging {
    private Logging() {
    }

    /**
     * Returns the logger.
     *
     * @return the {@code dev.isoenv} logger
     */
    static System.Logger logger() {
        return Holder.LOGGER;
    }

    private static final class Holder {
        static final System.Logger LOGGER = System.getLogger("dev.isoenv");
    }
}
