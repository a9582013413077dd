package dev.isoenv;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link IsoenvClient#ensure(EnvironmentSpec)} would install for a specification, made without installing
 * anything: for PyTorch, the variant chosen and its index (credentials masked), each variant refused and why, and the
 * steps in order. {@link IsoenvClient#plan(EnvironmentSpec)} returns it; the {@link Environment} that
 * {@code ensure()} returns carries the same {@linkplain Environment#explanation() explanation} and
 * {@linkplain Environment#choices() choices}. It is immutable.
 *
 * <pre>{@code
 * EnvironmentPlan plan = isoenv.plan(spec);
 * plan.choices().get("torch.variant");   // "cu126"
 * System.out.println(plan.explanation()); // "... cu128 refused: ... Choice: cu126 ..."
 * }</pre>
 */
public final class EnvironmentPlan {
    private final String explanation;
    private final Map<String, String> choices;
    private final List<String> steps;
    private final String tentativeReason;

    /**
     * Creates a plan; isoenv does, callers read it.
     *
     * @param explanation the readable account of the choices, credentials masked
     * @param choices the planner's choices by key, such as {@code torch.variant}
     * @param steps each install step as one line, credentials masked
     * @param tentativeReason why the plan was made on incomplete information, or null
     */
    public EnvironmentPlan(String explanation, Map<String, String> choices, List<String> steps,
                           String tentativeReason) {
        this.explanation = Objects.requireNonNull(explanation, "explanation");
        this.choices = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(choices));
        this.steps = List.copyOf(steps);
        this.tentativeReason = tentativeReason;
    }

    /**
     * Returns the explanation: for PyTorch, the accelerator seen, each variant refused and why, and the choice.
     *
     * @return the explanation, credentials masked
     */
    public String explanation() {
        return explanation;
    }

    /**
     * Returns the planner's choices, such as {@code torch.variant=cu126} and {@code torch.index} (masked).
     *
     * @return the choices, sorted by key; empty for a plain install
     */
    public Map<String, String> choices() {
        return choices;
    }

    /**
     * Returns the install steps in order, each as a line such as
     * {@code "torch family from the PyTorch cu126 index: [torch==2.8.0] from https://****@mirror/whl/cu126"}.
     *
     * @return the steps, credentials masked
     */
    public List<String> steps() {
        return steps;
    }

    /**
     * Tells why the plan was made on incomplete information, such as an accelerator probe that timed out.
     *
     * @return the reason, or empty
     */
    public Optional<String> tentativeReason() {
        return Optional.ofNullable(tentativeReason);
    }

    /** Returns the steps and the explanation, credentials masked. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        int k = 0;
        for (String step : steps) {
            b.append(++k).append(". ").append(step).append('\n');
        }
        tentativeReason().ifPresent(r -> b.append("Tentative: ").append(r).append('\n'));
        return b.append(explanation).toString();
    }
}
