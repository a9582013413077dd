package dev.isoenv.spi;

import dev.isoenv.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to bring an environment to its specification: the install steps in order, the checks to run afterwards,
 * what the plan adds to the environment's fingerprint (such as the chosen PyTorch variant), and an
 * explanation that {@code ensure()} logs.
 */
public final class InstallPlan {
    private final List<InstallStep> steps;
    private final List<PostInstallCheck> checks;
    private final String fingerprint;
    private final String explanation;
    private final String tentativeReason;
    private final Map<String, String> choices;

    /**
     * Creates a plan.
     *
     * @param steps the steps, in order
     * @param checks the checks to run after all steps
     * @param fingerprint what the plan adds to the fingerprint, such as "torch-variant=cu126"; empty for nothing
     * @param explanation a readable account of the choices made
     */
    public InstallPlan(List<InstallStep> steps, List<PostInstallCheck> checks, String fingerprint, String explanation) {
        this(steps, checks, fingerprint, explanation, null, Map.of());
    }

    private InstallPlan(List<InstallStep> steps, List<PostInstallCheck> checks, String fingerprint, String explanation,
                        String tentativeReason, Map<String, String> choices) {
        this.steps = List.copyOf(steps);
        this.checks = List.copyOf(checks);
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.explanation = Objects.requireNonNull(explanation, "explanation");
        this.tentativeReason = tentativeReason;
        this.choices = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(choices));
    }

    /**
     * Returns a copy that records the planner's choices, which users read from
     * {@link dev.isoenv.Environment#choices()}, such as {@code torch.variant=cu126}.
     *
     * @param choices the choices, by key
     * @return the plan
     */
    public InstallPlan withChoices(Map<String, String> choices) {
        return new InstallPlan(steps, checks, fingerprint, explanation, tentativeReason, choices);
    }

    /**
     * Returns the planner's choices.
     *
     * @return the choices, sorted by key; empty for a plain install
     */
    public Map<String, String> choices() {
        return choices;
    }

    /**
     * Returns a copy marked as made on incomplete information, such as an accelerator probe that timed out. When an
     * environment was fully installed for the same specification under another plan, {@code ensure()} keeps it as
     * it is rather than change it on such a plan; a new environment, or a changed specification, still uses it.
     *
     * @param reason what was incomplete
     * @return the tentative plan
     */
    public InstallPlan tentative(String reason) {
        return new InstallPlan(steps, checks, fingerprint, explanation, Objects.requireNonNull(reason, "reason"), choices);
    }

    /**
     * Tells why the plan is tentative, if it is.
     *
     * @return the reason, or empty for a plan made on complete information
     */
    public java.util.Optional<String> tentativeReason() {
        return java.util.Optional.ofNullable(tentativeReason);
    }

    /**
     * Returns the plan for a specification without special needs: one step with all requirements, constraints
     * and indexes, and no checks. A specification with conda packages but no requirements gets one step without
     * requirements, in which the conda backend applies a change of its conda packages; one with neither gets none.
     *
     * @param spec the specification
     * @return the plan
     */
    public static InstallPlan direct(EnvironmentSpec spec) {
        if (spec.requirements().isEmpty()) {
            // One empty step all the same: a backend with state of its own, such as the conda packages that were just
            // removed from the specification, gets the call that brings it up to date.
            return new InstallPlan(List.of(InstallStep.builder("no Python requirements").indexes(spec.indexes())
                    .build()), List.of(), "", spec.condaPackages().isEmpty()
                    ? "No Python requirements: the environment holds only what its backend puts in every environment."
                    : "No Python requirements: only the conda packages, which the backend installs.");
        }
        InstallStep step = InstallStep.builder("requirements").requirements(spec.requirements())
                .constraints(spec.constraints()).indexes(spec.indexes()).build();
        return new InstallPlan(List.of(step), List.of(), "", "All requirements are installed together.");
    }

    /**
     * Returns the steps.
     *
     * @return the steps, in order
     */
    public List<InstallStep> steps() {
        return steps;
    }

    /**
     * Returns the checks.
     *
     * @return the checks
     */
    public List<PostInstallCheck> checks() {
        return checks;
    }

    /**
     * Returns what the plan adds to the fingerprint.
     *
     * @return the fingerprint contribution
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Returns the explanation of the plan.
     *
     * @return the explanation
     */
    public String explanation() {
        return explanation;
    }
}
