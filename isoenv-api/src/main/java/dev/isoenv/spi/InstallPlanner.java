package dev.isoenv.spi;

import dev.isoenv.EnvironmentSpec;
import java.util.Optional;

/**
 * Turns a specification into an {@link InstallPlan} when it needs more than one plain install, as PyTorch
 * does. Planners are found with {@link java.util.ServiceLoader}; the one with the highest priority that
 * returns a plan is used, and when none does, all requirements are installed together.
 *
 * <p>{@code plan} runs on every {@code ensure()}, including the warm path that must start no process and
 * return within milliseconds: it must be cheap, and cache anything expensive per JVM.
 */
public interface InstallPlanner {
    /**
     * Returns the planner's short name.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the priority among planners that return a plan.
     *
     * @return the priority, higher first
     */
    default int priority() {
        return 0;
    }

    /**
     * Plans the installation of {@code spec}, or declines.
     *
     * @param spec the specification
     * @param context the target's Python version, operating system and architecture
     * @return a plan, or empty when this planner has nothing special to do
     */
    Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context);
}
