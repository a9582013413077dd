package dev.isoenv;

import java.util.Objects;

/**
 * One backend that selection considered, as {@link Isoenv#backends()} lists it: its name, its priority, and whether
 * it can work on this machine, with the reason when it cannot.
 */
public final class BackendCandidate {
    private final String name;
    private final int priority;
    private final Availability availability;

    /**
     * Creates the value.
     *
     * @param name the backend's name, such as {@code "venv"}
     * @param priority its priority in automatic selection
     * @param availability whether it can work here, and why
     */
    public BackendCandidate(String name, int priority, Availability availability) {
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    /**
     * Returns the backend's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns its priority.
     *
     * @return the priority
     */
    public int priority() {
        return priority;
    }

    /**
     * Returns whether it can work here, and why.
     *
     * @return the availability
     */
    public Availability availability() {
        return availability;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendCandidate && ((BackendCandidate) o).name.equals(name)
                && ((BackendCandidate) o).priority == priority && ((BackendCandidate) o).availability.equals(availability);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, priority, availability);
    }

    @Override
    public String toString() {
        return name + " (priority " + priority + "): " + availability;
    }
}
