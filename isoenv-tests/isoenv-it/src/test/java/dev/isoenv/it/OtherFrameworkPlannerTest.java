package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.VerificationException;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.PostInstallCheck;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPI names no framework: an install planner for another framework with GPU-specific wheels is written against
 * {@code dev.isoenv.spi} alone, with no change to it. Here, ONNX Runtime, whose CPU and CUDA builds are two
 * distributions ({@code onnxruntime} and {@code onnxruntime-gpu}) that install the same module, so the planner must
 * choose by accelerator, replace the other build when the machine changes, and verify what it installed. The
 * wheels are built by the test and served on 127.0.0.1; the accelerator comes from a probe the test controls,
 * through the client's detection.
 */
class OtherFrameworkPlannerTest {
    private static final String VERSION = "1.20.1";
    private static PackageIndexServer server;

    @TempDir
    Path dir;

    private final AtomicReference<Accelerator> machine = new AtomicReference<>(Accelerator.none(List.of("test: no GPU")));
    private final List<List<String>> launches = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void serve() throws IOException {
        server = PackageIndexServer.start();
        server.publish(onnxruntime("onnxruntime", "CPU")).publish(onnxruntime("onnxruntime-gpu", "GPU"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A wheel of one ONNX Runtime build: module onnxruntime, whose get_device() names the build. */
    private static DistributionFile onnxruntime(String distribution, String device) {
        return WheelBuilder.wheel(distribution, VERSION)
                .file("onnxruntime/__init__.py", "__version__ = \"" + VERSION + "\"\n"
                        + "def get_device():\n    return \"" + device + "\"\n")
                .build();
    }

    /** The planner under test: written against the SPI alone, as a third party would. */
    static final class OnnxRuntimePlanner implements InstallPlanner {
        static final String CHOICE = "onnxruntime.build";

        @Override
        public String name() {
            return "onnxruntime";
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            Optional<Requirement> ort = spec.requirements().stream()
                    .filter(r -> r.normalizedName().equals("onnxruntime")).findFirst();
            if (ort.isEmpty()) {
                return Optional.empty();
            }
            Accelerator accelerator = context.accelerator();
            boolean gpu = accelerator.kind().equals(Accelerator.Kind.NVIDIA_CUDA);
            String wanted = gpu ? "onnxruntime-gpu" : "onnxruntime";
            String other = gpu ? "onnxruntime" : "onnxruntime-gpu";
            List<Requirement> requirements = new ArrayList<>();
            for (Requirement r : spec.requirements()) {
                requirements.add(r == ort.get() ? Requirement.parse(wanted + r.specifier()) : r);
            }
            InstallStep step = InstallStep.builder("ONNX Runtime, " + (gpu ? "CUDA" : "CPU") + " build")
                    .requirements(requirements)
                    .constraints(spec.constraints())
                    .indexes(spec.indexes())
                    .replaceInstalled("the " + other + " build installs the same module",
                            d -> d.normalizedName().equals(other))
                    .build();
            String device = gpu ? "GPU" : "CPU";
            PostInstallCheck check = new PostInstallCheck() {
                @Override
                public void verify(Environment environment) {
                    String seen = environment.run("python", "-c", "import onnxruntime; print(onnxruntime.get_device())")
                            .requireSuccess().stdout().strip();
                    if (!seen.equals(device)) {
                        throw new VerificationException("onnxruntime reports " + seen + ", expected " + device);
                    }
                }

                @Override
                public String description() {
                    return "onnxruntime is the " + device + " build";
                }
            };
            return Optional.of(new InstallPlan(List.of(step), List.of(check), "onnxruntime=" + wanted,
                    "ONNX Runtime: " + wanted + " for " + accelerator.kind())
                    .withChoices(Map.of(CHOICE, device.toLowerCase(java.util.Locale.ROOT))));
        }
    }

    private IsoenvClient client(InstallPlanner planner) {
        AcceleratorProbe probe = new AcceleratorProbe() {
            @Override
            public String name() {
                return "test-machine";
            }

            @Override
            public boolean cacheable() {
                return false;
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                Accelerator a = machine.get();
                return a.kind().equals(Accelerator.Kind.NONE) ? ProbeResult.notDetected("no GPU") : ProbeResult.detected(a);
            }
        };
        return IsoenvClient.builder().planners(List.of(planner)).probes(List.of(probe))
                .launchListener(launches::add).build();
    }

    private EnvironmentSpec spec(String name) {
        return EnvironmentSpec.builder(dir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirement("onnxruntime==" + VERSION).build();
    }

    private static String device(Environment env) {
        return env.run("python", "-c", "import onnxruntime; print(onnxruntime.get_device())").requireSuccess()
                .stdout().strip();
    }

    @Test
    void thePlannerChoosesTheBuildForTheMachineAndSwitchesItWhenTheMachineChanges() {
        IsoenvClient isoenv = client(new OnnxRuntimePlanner());
        EnvironmentSpec spec = spec("ort");
        Environment env = isoenv.ensure(spec);
        assertEquals("CPU", device(env));
        assertEquals("cpu", env.choices().get(OnnxRuntimePlanner.CHOICE));
        assertTrue(env.installedDistribution("onnxruntime-gpu").isEmpty());

        machine.set(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "580.95.05",
                List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", 80L << 30)), "test"));
        env = isoenv.ensure(spec);
        assertEquals("GPU", device(env), "a new plan on another machine updates the environment");
        assertTrue(env.installedDistribution("onnxruntime").isEmpty(), "the CPU build was replaced, not left beside");
        assertEquals(VERSION, env.installedDistribution("onnxruntime-gpu").orElseThrow().version());
        assertEquals("gpu", env.choices().get(OnnxRuntimePlanner.CHOICE));
        assertTrue(env.explanation().contains("onnxruntime-gpu"), env.explanation());

        launches.clear();
        isoenv.ensure(spec);
        assertEquals(List.of(), launches, "with the machine unchanged, the next ensure() starts no process");
    }

    @Test
    void aFailedCheckOfThePlannerIsNotRecordedAsSuccess() {
        machine.set(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "580.95.05", List.of(), "test"));
        InstallPlanner lying = new InstallPlanner() {
            @Override
            public String name() {
                return "lying";
            }

            @Override
            public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
                // Installs the CPU build while its check expects the GPU one.
                InstallPlan real = new OnnxRuntimePlanner().plan(spec, context).orElseThrow();
                InstallStep cpu = InstallStep.builder("the wrong build").requirements(spec.requirements())
                        .indexes(spec.indexes()).build();
                return Optional.of(new InstallPlan(List.of(cpu), real.checks(), "lying", "installs the CPU build"));
            }
        };
        IsoenvClient isoenv = client(lying);
        EnvironmentSpec spec = spec("lying");
        VerificationException e = assertThrows(VerificationException.class, () -> isoenv.ensure(spec));
        assertTrue(e.getMessage().contains("expected GPU"), e.getMessage());
        launches.clear();
        assertThrows(VerificationException.class, () -> isoenv.ensure(spec));
        assertFalse(launches.isEmpty(), "the failed check left the environment unrecorded, so it is tried again");
    }
}
