package dev.isoenv.internal.ensure;

import dev.isoenv.InstallationException;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Adds isoenv's own notes to an {@link InstallationException} thrown by a backend, without a public method for it and
 * without a copy: the exception keeps its runtime type ({@link dev.isoenv.HashMismatchException}, or a backend's own
 * subclass), exit code, output and reason, so a caller's {@code catch} still matches. {@code InstallationException}
 * hands its private note method to this class when it is initialized, which happens before any instance exists.
 */
public final class InstallationNotes {
    private static volatile BiConsumer<InstallationException, String> annotator;

    private InstallationNotes() {
    }

    /**
     * Receives {@code InstallationException}'s note method; called once, by that class's initializer.
     *
     * @param method the method
     * @throws IllegalStateException if it was registered already
     */
    public static synchronized void register(BiConsumer<InstallationException, String> method) {
        if (annotator != null) {
            throw new IllegalStateException("InstallationException registered its note method already");
        }
        annotator = Objects.requireNonNull(method, "method");
    }

    /**
     * Puts {@code note} before the exception's message and returns the same exception.
     *
     * @param e the exception
     * @param note what to add, with credentials already masked
     * @return {@code e}
     */
    static InstallationException addNote(InstallationException e, String note) {
        annotator.accept(e, note);
        return e;
    }
}
