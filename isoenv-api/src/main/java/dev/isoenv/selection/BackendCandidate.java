package dev.isoenv.selection;

import dev.isoenv.spi.Availability;
import dev.isoenv.spi.Installer;
import java.util.Optional;

/**
 * One backend that selection considered: its name, its priority, its availability, and the installer itself
 * (absent when its provider could not even be loaded).
 */
public final class BackendCandidate {
    private final String name;
    private final int priority;
    private final Availability availability;
    private final Installer installer;

    BackendCandidate(String name, int priority, Availability availability, Installer installer) {
        this.name = name;
        this.priority = priority;
        this.availability = availability;
        this.installer = installer;
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

    /**
     * Returns the installer.
     *
     * @return the installer, or empty if its provider failed to load
     */
    public Optional<Installer> installer() {
        return Optional.ofNullable(installer);
    }

    @Override
    public String toString() {
        return name + " (priority " + priority + "): " + availability;
    }
}
