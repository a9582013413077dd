package dev.isoenv.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.cuda.variant.VariantRequest;
import dev.isoenv.cuda.variant.VariantResolver;
import dev.isoenv.cuda.verify.TorchBuildCheck;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.PlanningContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchInstallPlannerTest {
    private static final PlanningContext LINUX = new PlanningContext("3.11.9", OperatingSystem.LINUX, "amd64",
            () -> { throw new AssertionError("the planner must use the accelerator it was given"); });
    private static final PlanningContext MAC = new PlanningContext("3.12.4", OperatingSystem.MACOS, "aarch64",
            () -> { throw new AssertionError("the planner must use the accelerator it was given"); });
    private static final Settings NO_SETTINGS = Settings.of(Map.of(), Map.of());

    @TempDir
    Path tmp;

    private static Accelerator nvidia(String driver, String capability) {
        return Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, driver,
                List.of(new Accelerator.Device("GPU", capability, -1)), "test");
    }

    private static TorchInstallPlanner planner(Accelerator accelerator) {
        return new TorchInstallPlanner(() -> accelerator, TorchDataSource.of(TorchData.builtIn()), NO_SETTINGS);
    }

    private EnvironmentSpec.Builder spec(String... requirements) {
        return EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirements);
    }

    private static List<String> texts(List<Requirement> requirements) {
        return requirements.stream().map(Requirement::toString).toList();
    }

    @Test
    void withoutATorchFamilyRequirementThereIsNoPlanAndNoDetection() {
        AtomicInteger detections = new AtomicInteger();
        Supplier<Accelerator> counting = () -> {
            detections.incrementAndGet();
            return Accelerator.none(List.of());
        };
        TorchInstallPlanner planner = new TorchInstallPlanner(counting, TorchDataSource.of(TorchData.builtIn()),
                NO_SETTINGS);
        assertTrue(planner.plan(spec("requests>=2.31", "numpy<2").build(), LINUX).isEmpty());
        assertTrue(planner.plan(spec().build(), LINUX).isEmpty());
        assertEquals(0, detections.get());
    }

    @Test
    void withoutATorchFamilyRequirementTheDataIsNotEvenLoaded() {
        AtomicInteger loads = new AtomicInteger();
        TorchDataSource counting = new TorchDataSource() {
            @Override
            public TorchData load() {
                loads.incrementAndGet();
                return TorchData.builtIn();
            }

            @Override
            public boolean mayExtendTorchFamily() {
                return false;
            }
        };
        TorchInstallPlanner planner = new TorchInstallPlanner(() -> Accelerator.none(List.of()), counting,
                NO_SETTINGS);
        assertTrue(planner.plan(spec("requests>=2.31", "numpy<2", "torchmetrics", "pytorch-lightning").build(), LINUX)
                .isEmpty());
        assertTrue(planner.plan(spec().constraint("torch<2.6").build(), LINUX).isEmpty());
        assertEquals(0, loads.get());
        assertTrue(planner.plan(spec("requests", "TorchVision").build(), LINUX).isPresent());
        assertEquals(1, loads.get());
    }

    @Test
    void aUserDataFileMayAddAFamilyMemberSoItIsLoadedThen() throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(tmp.resolve("family.tsv"),
                "format\tisoenv-torch-data/1\n[torch-family]\nmy-torch-kernels\tunlabelled\n");
        TorchDataSource withFile = TorchDataSource.fromSettings(Settings.of(
                Map.of("isoenv.torch.data", file.toString()), Map.of()));
        assertTrue(withFile.mayExtendTorchFamily());
        assertFalse(TorchDataSource.fromSettings(NO_SETTINGS).mayExtendTorchFamily());
        assertFalse(TorchDataSource.of(TorchData.builtIn()).mayExtendTorchFamily());
        InstallPlan plan = new TorchInstallPlanner(() -> Accelerator.none(List.of()), withFile, NO_SETTINGS)
                .plan(spec("my-torch-kernels").build(), LINUX).orElseThrow();
        assertEquals(List.of("my-torch-kernels"), texts(plan.steps().get(0).requirements()));
    }

    @Test
    void theTorchFamilyComesFirstFromTheVariantIndexAlone() {
        EnvironmentSpec spec = spec("requests>=2.31", "torch==2.5.1", "torchaudio==2.5.1", "triton")
                .constraint("numpy<2")
                .indexes(PackageIndexes.builder().indexUrl("https://pypi.example/simple")
                        .extraIndexUrl("https://extra.example/simple").findLinks("https://links.example/").build())
                .build();
        InstallPlan plan = planner(nvidia("550.54.14", "8.6")).plan(spec, LINUX).orElseThrow();

        assertEquals(2, plan.steps().size());
        InstallStep torch = plan.steps().get(0);
        assertEquals(List.of("torch==2.5.1+cu124", "torchaudio==2.5.1+cu124", "triton"), texts(torch.requirements()));
        assertEquals(PackageIndexes.only("https://download.pytorch.org/whl/cu124"), torch.indexes());
        assertTrue(torch.indexes().isExclusive());
        assertEquals(List.of(), torch.indexes().extraIndexUrls());
        assertEquals(List.of(), torch.indexes().findLinks());
        assertEquals(List.of("numpy<2"), texts(torch.constraints()));
        assertTrue(torch.pinInstalled().isEmpty());

        InstallStep everything = plan.steps().get(1);
        assertEquals(spec.requirements(), everything.requirements());
        assertEquals(spec.constraints(), everything.constraints());
        assertEquals(spec.indexes(), everything.indexes());
        assertTrue(everything.pinInstalled().containsAll(List.of("torch", "torchaudio", "torchvision", "triton")));
        assertEquals(TorchData.builtIn().torchFamily(), everything.pinInstalled());
    }

    @Test
    void theFingerprintAndExplanationComeFromTheChoice() {
        EnvironmentSpec spec = spec("torch==2.5.1").build();
        Accelerator accelerator = nvidia("550.54.14", "8.6");
        InstallPlan plan = planner(accelerator).plan(spec, LINUX).orElseThrow();
        assertEquals("torch-variant=cu124", plan.fingerprint());
        String explain = new VariantResolver(TorchData.builtIn()).resolve(VariantRequest.builder(accelerator)
                .torch("==2.5.1").requestedAs("torch==2.5.1").os(OperatingSystem.LINUX).architecture("amd64")
                .python("3.11.9").build()).explain();
        assertTrue(plan.explanation().startsWith(explain), plan.explanation());
        assertTrue(plan.explanation().endsWith("The torch family comes from https://download.pytorch.org/whl/cu124,"
                + " set by the built-in default (set the specification's or client's option torch.index-url, or the"
                + " system property isoenv.torch.index-url, to a mirror's https://mirror.example/whl/{variant} or"
                + " file:///folder/{variant}); everything else, torch's own dependencies included, from the"
                + " machine's pip configuration."), plan.explanation());
    }

    @Test
    void aDriverUpgradeThatChangesTheChoiceChangesTheFingerprint() {
        EnvironmentSpec spec = spec("torch>=2.9").build();
        String before = planner(nvidia("570.172.08", "8.6")).plan(spec, LINUX).orElseThrow().fingerprint();
        String after = planner(nvidia("580.95.05", "8.6")).plan(spec, LINUX).orElseThrow().fingerprint();
        String same = planner(nvidia("580.159.04", "8.6")).plan(spec, LINUX).orElseThrow().fingerprint();
        assertEquals("torch-variant=cu126", before);
        assertEquals("torch-variant=cu132", after);
        assertNotEquals(before, after);
        assertEquals(after, same);
    }

    @Test
    void macOsUsesTheCpuIndexWithoutLocalLabels() {
        InstallPlan plan = planner(Accelerator.detected(Accelerator.Kind.APPLE_MPS, null, List.of(), "macOS on arm64"))
                .plan(spec("torch==2.5.1", "torchvision==0.20.1").build(), MAC).orElseThrow();
        InstallStep torch = plan.steps().get(0);
        assertEquals(List.of("torch==2.5.1", "torchvision==0.20.1"), texts(torch.requirements()));
        assertEquals("https://download.pytorch.org/whl/cpu", torch.indexes().indexUrl().orElseThrow());
        assertEquals("torch-variant=cpu", plan.fingerprint());
    }

    @Test
    void rangesUrlsAndUnlabelledPackagesAreKeptAsWritten() {
        InstallPlan plan = planner(Accelerator.none(List.of())).plan(spec("torch>=2.4,<2.6",
                "torchvision==0.20.1; sys_platform == \"linux\"", "xformers==0.0.28.post3",
                "torchaudio @ https://files.example/torchaudio-2.5.1-cp311-cp311-linux_x86_64.whl").build(), LINUX)
                .orElseThrow();
        assertEquals(List.of("torch>=2.4,<2.6", "torchvision==0.20.1+cpu; sys_platform == \"linux\"",
                "xformers==0.0.28.post3",
                "torchaudio @ https://files.example/torchaudio-2.5.1-cp311-cp311-linux_x86_64.whl"),
                texts(plan.steps().get(0).requirements()));
    }

    @Test
    void aPinnedLocalLabelForcesThatVariant() {
        InstallPlan plan = planner(nvidia("580.159.04", "9.0")).plan(spec("torch==2.5.1+cu121").build(), LINUX)
                .orElseThrow();
        assertEquals("torch-variant=cu121", plan.fingerprint());
        assertEquals(List.of("torch==2.5.1+cu121"), texts(plan.steps().get(0).requirements()));
        assertTrue(plan.explanation().contains("Variant cu121 forced by the requirement torch==2.5.1+cu121"),
                plan.explanation());
    }

    @Test
    void aCompanionPinStandsInForTorch() {
        InstallPlan plan = planner(nvidia("580.159.04", "9.0")).plan(spec("torchvision==0.20.1").build(), LINUX)
                .orElseThrow();
        assertEquals("torch-variant=cu124", plan.fingerprint());
        // torchvision is installed without dependencies, so the torch it needs comes with it, from the same index.
        assertEquals(List.of("torch==2.5.*", "torchvision==0.20.1+cu124"), texts(plan.steps().get(0).requirements()));
        assertTrue(plan.explanation().contains("Requested: torch==2.5.* (from torchvision==0.20.1)"),
                plan.explanation());
    }

    @Test
    void aCompanionPinOfTorch113StandsInForTorch() {
        InstallPlan plan = planner(nvidia("525.60.13", "8.6")).plan(spec("torchvision==0.14.1", "torchaudio==0.13.1")
                .build(), LINUX).orElseThrow();
        assertEquals("torch-variant=cu117", plan.fingerprint());
        assertEquals(List.of("torch==1.13.*", "torchvision==0.14.1+cu117", "torchaudio==0.13.1+cu117"),
                texts(plan.steps().get(0).requirements()));
        assertTrue(plan.explanation().contains("Requested: torch==1.13.* (from torchvision==0.14.1)"),
                plan.explanation());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} on {1} {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        // A GH200 (aarch64, 9.0, driver 580): no CUDA wheels of torch 2.1 exist for aarch64, so CPU ones, unlabelled.
        "torch==2.1.0 | LINUX   | aarch64 | 3.10.12 | cpu   | torch==2.1.0",
        "torch==2.6.0 | LINUX   | aarch64 | 3.12.3  | cu126 | torch==2.6.0+cu126",
        "torch==2.8.0 | LINUX   | aarch64 | 3.12.3  | cu129 | torch==2.8.0+cu129",
        "torch==2.8.0 | LINUX   | amd64   | 3.12.3  | cu129 | torch==2.8.0+cu129",
        "torch==2.1.0 | LINUX   | amd64   | 3.10.12 | cu121 | torch==2.1.0+cu121",
        "torch==2.13.0| WINDOWS | arm64   | 3.12.3  | cpu   | torch==2.13.0+cpu",
    })
    void theMachinesPlatformDecides(String requirement, OperatingSystem os, String arch, String python,
                                    String variant, String pinned) {
        PlanningContext context = new PlanningContext(python, os, arch, () -> {
            throw new AssertionError("the planner must use the accelerator it was given");
        });
        InstallPlan plan = planner(nvidia("580.159.04", "9.0")).plan(spec(requirement).build(), context).orElseThrow();
        assertEquals(variant, plan.choices().get(TorchInstallPlanner.CHOICE_VARIANT), plan.explanation());
        assertEquals(List.of(pinned), texts(plan.steps().get(0).requirements()));
    }

    @Test
    void aTorchConstraintNarrowsTheRequest() {
        InstallPlan plan = planner(nvidia("580.159.04", "9.0")).plan(spec("torch").constraint("torch<2.6").build(),
                LINUX).orElseThrow();
        assertEquals("torch-variant=cu124", plan.fingerprint());
        assertTrue(plan.explanation().contains("Requested: torch, constraint torch<2.6"), plan.explanation());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "torch~=2                | ~= needs at least two release parts",
        "torch>=2.5+cu121        | a local version label such as +cu121 is allowed only after ==, != and ===",
        "torchvision>0.20+cu124  | a local version label such as +cu124 is allowed only after ==, != and ===",
    })
    void anInvalidTorchSpecifierIsATypedErrorNotAnyVersion(String requirement, String why) {
        EnvironmentSpec spec = spec(requirement).build();
        dev.isoenv.InvalidRequirementException e = assertThrows(dev.isoenv.InvalidRequirementException.class,
                () -> planner(nvidia("580.159.04", "9.0")).plan(spec, LINUX));
        assertTrue(e.getMessage().contains("the version specifier of this torch-family requirement is not valid: "),
                e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.requirement().contains(requirement), e.requirement());
    }

    @Test
    void anInvalidTorchConstraintIsATypedError() {
        EnvironmentSpec spec = spec("torch").constraint("torch~=2").build();
        dev.isoenv.InvalidRequirementException e = assertThrows(dev.isoenv.InvalidRequirementException.class,
                () -> planner(nvidia("580.159.04", "9.0")).plan(spec, LINUX));
        assertTrue(e.getMessage().contains("this torch-family constraint requirement is not valid"), e.getMessage());
    }

    @Test
    void aRequirementAndAConstraintThatExcludeEachOtherAreNamedUnsatisfiable() {
        EnvironmentSpec spec = spec("torch>=2.5").constraint("torch<2.3").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> planner(nvidia("580.159.04", "9.0")).plan(spec, LINUX));
        assertEquals("The torch request torch>=2.5, constraint torch<2.3 is unsatisfiable: no version is both >=2.5"
                + " and <2.3, so no torch release can match it. Relax one of its clauses.", e.getMessage());
    }

    @Test
    void aPinWhoseLabelNamesAnUnknownVariantIsATypedError() {
        EnvironmentSpec spec = spec("torch==2.5.1+cu999").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> planner(nvidia("580.159.04", "9.0")).plan(spec, LINUX));
        assertTrue(e.getMessage().startsWith("The PyTorch variant cu999 forced by the requirement torch==2.5.1+cu999"
                + " is unknown"), e.getMessage());
    }

    @Test
    void theBuildCheckIsOnByDefaultAndCanBeTurnedOff() {
        EnvironmentSpec spec = spec("torch==2.8.0").build();
        InstallPlan on = planner(nvidia("580.159.04", "6.1")).plan(spec, LINUX).orElseThrow();
        TorchBuildCheck check = assertInstanceOf(TorchBuildCheck.class, on.checks().get(0));
        assertEquals("torch 2.8.0+cu126 (CUDA 12.6)", check.expected().describe());
        assertTrue(check.expected().gpuExpected());

        Settings off = Settings.of(Map.of("isoenv.torch.verify", "false"), Map.of());
        InstallPlan without = new TorchInstallPlanner(() -> nvidia("580.159.04", "6.1"),
                TorchDataSource.of(TorchData.builtIn()), off).plan(spec, LINUX).orElseThrow();
        assertEquals(List.of(), without.checks());
    }

    @Test
    void overriddenAcceleratorsDoNotRequireAUsableGpu() {
        Accelerator overridden = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "560.35.03", List.of(),
                "override: system property isoenv.cuda.driver");
        TorchBuildCheck check = (TorchBuildCheck) planner(overridden).plan(spec("torch==2.6.0").build(), LINUX)
                .orElseThrow().checks().get(0);
        assertEquals("cu126", check.expected().variant().name());
        assertFalse(check.expected().gpuExpected());
    }

    @Test
    void aMirrorPatternIsUsedForTheIndex() {
        TorchDataSource mirror = TorchDataSource.fromSettings(Settings.of(
                Map.of("isoenv.torch.index-url", "http://127.0.0.1:8123/whl/{variant}"), Map.of()));
        InstallPlan plan = new TorchInstallPlanner(() -> Accelerator.none(List.of()), mirror, NO_SETTINGS)
                .plan(spec("torch==2.5.1").build(), LINUX).orElseThrow();
        assertEquals(PackageIndexes.only("http://127.0.0.1:8123/whl/cpu"), plan.steps().get(0).indexes());
    }

    @Test
    void aBrokenDataFileFailsThePlanClearly() {
        TorchDataSource broken = TorchDataSource.fromSettings(Settings.of(
                Map.of("isoenv.torch.data", tmp.resolve("missing.tsv").toString()), Map.of()));
        TorchInstallPlanner planner = new TorchInstallPlanner(() -> Accelerator.none(List.of()), broken, NO_SETTINGS);
        EnvironmentSpec spec = spec("torch").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> planner.plan(spec, LINUX));
        assertTrue(e.getMessage().contains("system property isoenv.torch.data points at"), e.getMessage());
    }

    @Test
    void theServiceLoaderConstructorNamesThePlanner() {
        TorchInstallPlanner planner = new TorchInstallPlanner();
        assertEquals("torch", planner.name());
        assertEquals(100, planner.priority());
    }
}
