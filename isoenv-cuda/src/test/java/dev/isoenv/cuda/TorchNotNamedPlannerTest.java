package dev.isoenv.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentPlan;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan that {@link IsoenvClient#plan} gives, with the planners {@link java.util.ServiceLoader} finds in this module,
 * for specifications with and without a torch-family requirement: a variant and routing only where the family is
 * named, and where it is not, a plan that says so, and says where a torch that a dependency brings comes from.
 */
class TorchNotNamedPlannerTest {
    private static final String NOTE = "No torch-family package (torch, torchvision, torchaudio, ...) is named, so no"
            + " PyTorch variant is chosen";
    private static final String ROUTED = "with torch-family dependencies routed here";
    private static final PlanningContext NO_DETECTION = new PlanningContext("3.12.4", OperatingSystem.LINUX, "amd64",
            () -> { throw new AssertionError("the accelerator must not be asked for"); });

    @TempDir
    Path tmp;

    private final AtomicInteger probes = new AtomicInteger();

    /** A client with the service-loaded planners, a forced cpu variant, and a probe that counts its calls. */
    private IsoenvClient client() {
        AcceleratorProbe counting = new AcceleratorProbe() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                probes.incrementAndGet();
                return ProbeResult.notDetected("test: no GPU");
            }
        };
        return IsoenvClient.builder().probes(List.of(counting)).option("torch.variant", "cpu").build();
    }

    /**
     * Each row: the requirements, how the specification names its indexes, and what the plan must say: the source
     * the note names (null for no note), whether a variant is chosen and a step routes dependencies, and the steps.
     */
    static Stream<Arguments> specifications() {
        UnaryOperator<EnvironmentSpec.Builder> machine = b -> b;
        UnaryOperator<EnvironmentSpec.Builder> isolated = b -> b.inheritMachineConfiguration(false);
        UnaryOperator<EnvironmentSpec.Builder> ownIndex = b -> b.indexes(PackageIndexes.builder()
                .indexUrl("https://pkgs.example.com/simple").build());
        return Stream.of(
                Arguments.of(List.of("timm"), machine, "the machine's pip configuration", false,
                        List.of("requirements: [timm] from the machine's configured index")),
                Arguments.of(List.of("timm", "pillow>=10"), isolated, "the default index", false,
                        List.of("requirements: [timm, pillow>=10] from the default index")),
                Arguments.of(List.of("timm"), ownIndex, "the specification's indexes", false,
                        List.of("requirements: [timm] from https://pkgs.example.com/simple")),
                // Nothing says a torch arrives: the plan says what would happen if one did, no more.
                Arguments.of(List.of("requests"), machine, "the machine's pip configuration", false,
                        List.of("requirements: [requests] from the machine's configured index")),
                Arguments.of(List.of("timm", "torch"), machine, null, true, List.of(
                        "torch family from the PyTorch cpu index: [torch] from https://download.pytorch.org/whl/cpu,"
                                + " without dependencies, " + ROUTED,
                        "all requirements, with the torch family pinned: [timm, torch] from the machine's configured"
                                + " index")),
                // A companion alone is the family named: torch comes with it from the variant index.
                Arguments.of(List.of("timm", "TorchVision==0.23.0"), isolated, null, true, List.of(
                        "torch family from the PyTorch cpu index: [torch==2.8.*, TorchVision==0.23.0+cpu] from"
                                + " https://download.pytorch.org/whl/cpu, without dependencies, " + ROUTED,
                        "all requirements, with the torch family pinned: [timm, TorchVision==0.23.0] from the default"
                                + " index")),
                Arguments.of(List.of(), machine, null, false, List.of("no Python requirements: [] from the machine's"
                        + " configured index")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specifications")
    void thePlanSaysWhetherTheFamilyGetsAVariantAndWhereAnUnnamedTorchComesFrom(List<String> requirements,
            UnaryOperator<EnvironmentSpec.Builder> indexes, String source, boolean variant, List<String> steps) {
        EnvironmentSpec spec = indexes.apply(EnvironmentSpec.builder(tmp.resolve("env"))
                .requirements(requirements.toArray(String[]::new))).build();

        EnvironmentPlan plan = client().plan(spec);

        assertEquals(steps, plan.steps());
        if (source == null) {
            assertFalse(plan.explanation().contains(NOTE), plan::explanation);
        } else {
            assertTrue(plan.explanation().startsWith("All requirements are installed together. " + NOTE
                    + ": if a requirement brings one in as a dependency, as timm brings torch and torchvision, it comes"
                    + " with everything else from " + source + ", in whatever build that serves, and its build is not"
                    + " verified. To get the build for this machine's accelerator, name torch among the requirements"),
                    plan::explanation);
            assertEquals(0, probes.get(), "a plan without the family never detects the accelerator");
        }
        assertEquals(variant ? Map.of("torch.variant", "cpu", "torch.index", "https://download.pytorch.org/whl/cpu")
                : Map.of(), plan.choices(), "a variant is a choice only where the family is named");
        assertEquals(variant, plan.steps().stream().anyMatch(s -> s.contains(ROUTED)),
                "dependencies are routed only where a variant was chosen");
        assertTrue(plan.tentativeReason().isEmpty());
    }

    @Test
    void itInstallsExactlyWhatADirectPlanInstallsAndAddsNothingToTheFingerprint() {
        EnvironmentSpec spec = EnvironmentSpec.builder(tmp.resolve("env")).requirements("timm", "numpy<2")
                .constraint("pillow<12").build();
        InstallPlan direct = InstallPlan.direct(spec);
        InstallPlan plan = new TorchNotNamedPlanner(TorchDataSource.of(TorchData.builtIn())).plan(spec, NO_DETECTION)
                .orElseThrow();
        assertEquals("", plan.fingerprint(), "environments installed before it are not reinstalled");
        assertEquals(List.of(), plan.checks(), "no torch is expected, so none is verified");
        assertEquals(direct.steps().size(), plan.steps().size());
        InstallStep step = plan.steps().get(0);
        InstallStep expected = direct.steps().get(0);
        assertEquals(expected.description(), step.description());
        assertEquals(expected.requirements(), step.requirements());
        assertEquals(expected.constraints(), step.constraints());
        assertEquals(expected.indexes(), step.indexes());
        assertTrue(step.router().isEmpty(), "nothing is routed: there is no variant index to route to");
        assertEquals(Map.of(), plan.choices());
    }

    @Test
    void everyOtherPlannerPlansFirstEvenOneOfTheLowestOrdinaryPriority() {
        InstallPlanner other = new InstallPlanner() {
            @Override
            public String name() {
                return "other-framework";
            }

            @Override
            public int priority() {
                return Integer.MIN_VALUE + 1;
            }

            @Override
            public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
                return Optional.of(new InstallPlan(InstallPlan.direct(spec).steps(), List.of(), "other", "other plan"));
            }
        };
        IsoenvClient client = IsoenvClient.builder().planners(List.of(new TorchNotNamedPlanner(), other,
                new TorchInstallPlanner())).build();
        EnvironmentPlan plan = client.plan(EnvironmentSpec.builder(tmp.resolve("env")).requirements("timm").build());
        assertEquals("other plan", plan.explanation());
        assertTrue(new TorchNotNamedPlanner().priority() < other.priority());
        assertEquals("torch-not-named", new TorchNotNamedPlanner().name());
    }

    @Test
    void aFamilyMemberThatAUserDataFileAddsIsNamedAndNotClaimedOtherwise() throws IOException {
        Path file = Files.writeString(tmp.resolve("family.tsv"),
                "format\tisoenv-torch-data/1\n[torch-family]\nmy-torch-kernels\tunlabelled\n");
        TorchDataSource withFile = TorchDataSource.fromSettings(Settings.of(
                Map.of("isoenv.torch.data", file.toString()), Map.of()));
        EnvironmentSpec spec = EnvironmentSpec.builder(tmp.resolve("env")).requirements("timm", "my-torch-kernels")
                .build();
        assertEquals(Optional.empty(), new TorchNotNamedPlanner(withFile).plan(spec, NO_DETECTION));
        assertTrue(new TorchNotNamedPlanner(TorchDataSource.of(TorchData.builtIn())).plan(spec, NO_DETECTION)
                .isPresent(), "without the file, my-torch-kernels is an ordinary package");
        assertEquals(Optional.empty(), new TorchNotNamedPlanner(TorchDataSource.of(TorchData.builtIn())).plan(
                EnvironmentSpec.builder(tmp.resolve("env")).requirements("Torch>=2").build(), NO_DETECTION));
    }
}
