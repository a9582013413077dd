package dev.isoenv;

import java.util.Objects;

/**
 * Whether a backend can work on this machine, and why or why not. Backends answer this cheaply, without
 * starting a process where they can; the reason of an unavailable backend appears in selection errors.
 */
public final class Availability {
    private final boolean available;
    private final String detail;

    private Availability(boolean available, String detail) {
        this.available = available;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * The backend can work.
     *
     * @param detail what it found, such as "uv at /usr/local/bin/uv"
     * @return an available result
     */
    public static Availability available(String detail) {
        return new Availability(true, detail);
    }

    /**
     * The backend cannot work.
     *
     * @param reason why, and what would fix it, such as "uv not found on PATH; install uv or set isoenv.uv.path"
     * @return an unavailable result
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    /**
     * Tells whether the backend can work.
     *
     * @return true if available
     */
    public boolean isAvailable() {
        return available;
    }

    /**
     * Returns what was found, or why the backend is unavailable.
     *
     * @return the detail or reason
     */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Availability && ((Availability) o).available == available
                && ((Availability) o).detail.equals(detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(available, detail);
    }

    @Override
    public String toString() {
        return (available ? "available: " : "unavailable: ") + detail;
    }
}
