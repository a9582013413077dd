package dev.isoenv;

/**
 * Receives the {@link EnsureEvent}s of {@code ensure()}, in order, on the calling thread. A listener that throws
 * does not stop {@code ensure()}: the exception is logged and the listener goes on receiving events.
 */
@FunctionalInterface
public interface EnsureListener {
    /** A listener that ignores every event. */
    EnsureListener NONE = event -> { };

    /**
     * Receives one event.
     *
     * @param event the event
     */
    void onEvent(EnsureEvent event);
}
