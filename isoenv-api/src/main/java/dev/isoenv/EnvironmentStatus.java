package dev.isoenv;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What is at an environment's location, read from isoenv's record and the installed metadata without starting a
 * process, taking a lock or changing anything: whether an environment is there, which backend and Python built it,
 * whether it satisfies a specification, and what is installed, each distribution requested or a dependency.
 *
 * <pre>{@code
 * EnvironmentStatus status = Isoenv.status(Path.of("envs", "tool"));
 * if (status.state() == EnvironmentStatus.State.READY && status.satisfies(spec)) {
 *     for (InstalledDistribution d : status.installed()) {
 *         System.out.println(d + (status.isRequested(d.name()) ? "" : " (dependency)"));
 *     }
 * }
 * }</pre>
 *
 * <p>It is a snapshot: an {@code ensure()} running meanwhile may change the environment. Hold
 * {@link IsoenvClient#lock} for a view that stays true. isoenv implements this interface; applications use it and
 * should not implement it.
 */
public interface EnvironmentStatus {
    /**
     * What is at the location. More constants may be added in later versions (such as a state for a record that
     * cannot be read): switch with a default branch.
     */
    enum State {
        /** Nothing, or an empty directory. */
        ABSENT,
        /**
         * Files that isoenv did not create: it will neither build there nor delete them. A symbolic link at the
         * location is reported so too, without reading its target, as {@link IsoenvClient#delete} refuses it.
         */
        NOT_ISOENV,
        /** An isoenv environment whose creation or last install did not finish; the next {@code ensure()} repairs it. */
        INCOMPLETE,
        /** An isoenv environment whose last install succeeded. */
        READY
    }

    /**
     * Returns the location, absolute and normalized.
     *
     * @return the location
     */
    Path location();

    /**
     * Returns what is at the location.
     *
     * @return the state
     */
    State state();

    /**
     * Tells whether an isoenv environment is there, complete or not.
     *
     * @return true for {@link State#READY} and {@link State#INCOMPLETE}
     */
    default boolean exists() {
        return state() == State.READY || state() == State.INCOMPLETE;
    }

    /**
     * Returns the name of the backend that built the environment, such as {@code "venv"}.
     *
     * @return the backend, if an isoenv environment is there
     */
    Optional<String> backend();

    /**
     * Returns the version of the environment's Python, such as {@code "3.11.7"}.
     *
     * @return the version, once creation finished
     */
    Optional<String> pythonVersion();

    /**
     * Returns the base interpreter the environment was built from, as the backend described it (a path, or a conda
     * package).
     *
     * @return the base interpreter, once creation finished
     */
    Optional<String> baseInterpreter();

    /**
     * Tells whether the environment is {@link State#READY} and was last installed for this specification: the same
     * location, Python request, pip option, backend (when one is named), requirements, constraints, indexes, conda
     * packages and installer arguments. What an install planner would choose on this machine (such as a PyTorch
     * variant) is not planned again; {@code ensure()} does that.
     *
     * @param spec the specification
     * @return true if {@code ensure(spec)} would find nothing to change in the specification
     */
    boolean satisfies(EnvironmentSpec spec);

    /**
     * Lists the distributions installed, read from their metadata.
     *
     * @return the distributions, sorted by normalized name; empty when no environment is there
     */
    List<InstalledDistribution> installed();

    /**
     * Returns the requirements of the last complete install, as the specification gave them.
     *
     * @return the requirements; empty before the first complete install
     */
    List<Requirement> requested();

    /**
     * Tells whether a distribution was requested, as opposed to installed as a dependency or with the environment.
     *
     * @param name a distribution name, compared after PEP 503 normalization
     * @return true if a requirement of the last complete install names it
     */
    default boolean isRequested(String name) {
        String normalized = Requirement.normalize(name);
        for (Requirement r : requested()) {
            if (r.normalizedName().equals(normalized)) {
                return true;
            }
        }
        return false;
    }
}
