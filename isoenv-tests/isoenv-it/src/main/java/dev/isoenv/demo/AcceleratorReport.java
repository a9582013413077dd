package dev.isoenv.demo;

import dev.isoenv.Accelerator;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Prints what isoenv sees on this machine and what it would install there: the accelerator that the probes on the
 * class path detect (with the time the first detection took), then, for each torch requirement given, the plan that
 * the install planners on the class path make for it: the chosen variant, its index and the explanation. It starts
 * no Python and installs nothing, so it answers "which PyTorch build would isoenv choose here?" on a machine before
 * any environment exists, such as a GPU server.
 */
public final class AcceleratorReport {
    private static final List<String> DEFAULT_REQUIREMENTS =
            List.of("torch", "torch==2.11.0", "torch==2.5.1", "torch==2.1.0", "torchaudio==2.8.0");

    private AcceleratorReport() {
    }

    /**
     * Runs the report.
     *
     * @param args {@code --python X.Y.Z} for the environment's Python version (default 3.12.3), then the torch
     *     requirements to plan; with none, a few releases from old to new
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        String python = "3.12.3";
        List<String> requirements = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--python") && i + 1 < args.length) {
                python = args[++i];
            } else {
                requirements.add(args[i]);
            }
        }
        if (requirements.isEmpty()) {
            requirements.addAll(DEFAULT_REQUIREMENTS);
        }

        long start = System.nanoTime();
        Accelerator accelerator = Isoenv.detectAccelerator();
        double firstMillis = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        Isoenv.detectAccelerator();
        double againMillis = (System.nanoTime() - start) / 1e6;

        out.println("accelerator: " + accelerator.kind() + ", detected by " + accelerator.detectedBy());
        out.println("  driver: " + accelerator.driverVersion().orElse("(none)"));
        for (Accelerator.Device device : accelerator.devices()) {
            out.println("  device: " + device);
        }
        accelerator.attributes().forEach((k, v) -> out.println("  attribute " + k + " = " + v));
        accelerator.notes().forEach(note -> out.println("  note: " + note));
        accelerator.degradation().ifPresent(reason -> out.println("  degraded: " + reason));
        out.printf("  first detection %.1f ms, second %.3f ms (cached)%n", firstMillis, againMillis);

        List<InstallPlanner> planners = new ArrayList<>();
        ServiceLoader.load(InstallPlanner.class).forEach(planners::add);
        planners.sort(Comparator.comparingInt(InstallPlanner::priority).reversed());
        PlanningContext context = new PlanningContext(python, OperatingSystem.current(),
                System.getProperty("os.arch"), () -> accelerator);
        out.println("planning for Python " + python + " on " + OperatingSystem.current() + " "
                + System.getProperty("os.arch") + " with planners " + planners.stream().map(InstallPlanner::name)
                .toList());
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "isoenv-accelerator-report");
        for (String requirement : requirements) {
            EnvironmentSpec spec = EnvironmentSpec.builder(nowhere).requirement(requirement).build();
            out.println();
            out.println(requirement + ":");
            try {
                Optional<InstallPlan> plan = planners.stream().map(p -> p.plan(spec, context))
                        .flatMap(Optional::stream).findFirst();
                if (plan.isEmpty()) {
                    out.println("  no planner: one plain install");
                    continue;
                }
                for (Map.Entry<String, String> choice : plan.get().choices().entrySet()) {
                    out.println("  " + choice.getKey() + " = " + choice.getValue());
                }
                plan.get().tentativeReason().ifPresent(r -> out.println("  tentative: " + r));
                out.println("  steps: " + plan.get().steps().size() + ", checks: " + plan.get().checks().size());
                out.println("  " + plan.get().explanation());
            } catch (RuntimeException e) {
                out.println("  refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
