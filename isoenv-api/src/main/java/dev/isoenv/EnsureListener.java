package dev.isoenv;

/**
 * Receives the {@link EnsureEvent}s of {@code ensure()}, in order. Most arrive on the thread that called
 * {@code ensure()}; {@link EnsureEvent.PackageProgress} may arrive on the thread that reads the installer's output,
 * so a listener must be thread-safe. A listener that throws does not stop {@code ensure()}: the exception is logged
 * and the listener goes on receiving events.
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
