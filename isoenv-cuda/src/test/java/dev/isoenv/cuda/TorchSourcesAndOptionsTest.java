package dev.isoenv.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.Requirement;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where the torch family comes from and who says so: the variant index pattern and the accelerator facts given per
 * specification, per client and per JVM (the specification wins, then the client, then the system property), a
 * file: folder of wheels as the variant source, the torch step that installs exactly the family (its dependencies
 * come from the ordinary indexes), and the routing of family members that arrive as dependencies.
 */
class TorchSourcesAndOptionsTest {
    private static final Accelerator NONE = Accelerator.none(List.of("test: no GPU"));

    @TempDir
    Path tmp;

    private static PlanningContext linux(Map<String, String> clientOptions) {
        return new PlanningContext("3.11.9", OperatingSystem.LINUX, "amd64", () -> NONE, clientOptions);
    }

    private static TorchInstallPlanner planner(Map<String, String> systemProperties) {
        return new TorchInstallPlanner(() -> NONE, TorchDataSource.of(TorchData.builtIn()),
                Settings.of(systemProperties, Map.of()));
    }

    /** A planner that reads the accelerator from the planning context, as the one ServiceLoader finds does. */
    private static InstallPlan planWithContextAccelerator(EnvironmentSpec spec, Map<String, String> clientOptions) {
        TorchInstallPlanner planner = new TorchInstallPlanner();
        return planner.plan(spec, linux(clientOptions)).orElseThrow();
    }

    private EnvironmentSpec.Builder spec(String... requirements) {
        return EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirements);
    }

    static Stream<Arguments> indexPatterns() {
        String spec = "https://spec.example/whl/{variant}";
        String client = "https://client.example/whl/{variant}";
        String system = "https://system.example/whl/{variant}";
        return Stream.of(
                // spec option, client option, system property -> index used, setting named
                Arguments.of(spec, client, system, "https://spec.example/whl/cpu",
                        "the specification's option torch.index-url"),
                Arguments.of(null, client, system, "https://client.example/whl/cpu",
                        "the client's option torch.index-url"),
                Arguments.of(null, null, system, "https://system.example/whl/cpu",
                        "system property isoenv.torch.index-url"),
                Arguments.of(null, null, null, "https://download.pytorch.org/whl/cpu", "the built-in default"),
                Arguments.of("https://user:s3cret@art.example/api/pypi/torch-{variant}/simple", null, null,
                        "https://****@art.example/api/pypi/torch-cpu/simple",
                        "the specification's option torch.index-url"));
    }

    @ParameterizedTest
    @MethodSource("indexPatterns")
    void theSpecificationsOptionWinsOverTheClientsWhichWinsOverTheSystemProperty(String specOption,
            String clientOption, String systemProperty, String expectedIndex, String expectedSetting) {
        EnvironmentSpec.Builder b = spec("torch==2.5.1");
        if (specOption != null) {
            b.backendOption("torch.index-url", specOption);
        }
        Map<String, String> client = clientOption == null ? Map.of() : Map.of("torch.index-url", clientOption);
        Map<String, String> system = systemProperty == null ? Map.of()
                : Map.of("isoenv.torch.index-url", systemProperty);
        InstallPlan plan = planner(system).plan(b.build(), linux(client)).orElseThrow();
        InstallStep torch = plan.steps().get(0);
        assertEquals(expectedIndex, torch.indexes().mask(torch.indexes().indexUrl().orElseThrow()));
        assertEquals(expectedIndex, plan.choices().get(TorchInstallPlanner.CHOICE_INDEX));
        assertTrue(torch.indexSetting().orElseThrow().startsWith(expectedSetting), torch.indexSetting().get());
        assertTrue(plan.explanation().contains("set by " + expectedSetting), plan.explanation());
        assertFalse(plan.explanation().contains("s3cret"), plan.explanation());
    }

    @Test
    void theTorchStepInstallsExactlyTheFamilyAndIsSkippedWhenItIsInstalled() {
        InstallPlan plan = planner(Map.of()).plan(spec("torch==2.5.1", "requests").build(), linux(Map.of()))
                .orElseThrow();
        InstallStep torch = plan.steps().get(0);
        assertFalse(torch.installsDependencies(), "torch's dependencies come from the ordinary indexes");
        assertTrue(torch.skipsWhenSatisfied(), "a change to requests does not rerun the torch step");
        assertTrue(torch.router().isPresent());
        assertTrue(torch.indexes().isExclusive());
        InstallStep everything = plan.steps().get(1);
        assertTrue(everything.installsDependencies());
        assertTrue(everything.indexes().isMachineDefault(), "everything else from the machine's configuration");
    }

    @Test
    void aFileFolderOfWheelsIsTheOnlyFindLinksLocationAndAFolderOfProjectsIsAnIndex() throws IOException {
        Path wheels = Files.createDirectories(tmp.resolve("wheels/cpu"));
        Files.writeString(wheels.resolve("torch-2.5.1+cpu-py3-none-any.whl"), "not read");
        Path simple = Files.createDirectories(tmp.resolve("simple/cpu/torch"));
        Files.writeString(simple.resolve("index.html"), "<html></html>");
        String folderPattern = tmp.resolve("wheels").toUri().toString() + "{variant}";
        String indexPattern = tmp.resolve("simple").toUri().toString() + "{variant}";

        InstallStep fromFolder = planner(Map.of()).plan(spec("torch==2.5.1")
                .backendOption("torch.index-url", folderPattern).build(), linux(Map.of())).orElseThrow().steps().get(0);
        assertEquals(List.of(wheels.toUri().toString().replaceAll("/$", "")), fromFolder.indexes().findLinks());
        assertTrue(fromFolder.indexes().indexUrl().isEmpty());
        assertTrue(fromFolder.indexes().isExclusive(), "no index at all beside the folder");

        InstallStep fromIndex = planner(Map.of()).plan(spec("torch==2.5.1")
                .backendOption("torch.index-url", indexPattern).build(), linux(Map.of())).orElseThrow().steps().get(0);
        assertTrue(fromIndex.indexes().findLinks().isEmpty());
        assertTrue(fromIndex.indexes().indexUrl().orElseThrow().endsWith("/simple/cpu"));
    }

    static Stream<Arguments> badPatterns() {
        return Stream.of(
                Arguments.of("https://mirror.example/whl/cpu", "has no {variant} placeholder"),
                Arguments.of("ftp://mirror.example/whl/{variant}", "is not an http, https or file URL"),
                Arguments.of("mirror.example/whl/{variant}", "is not an http, https or file URL"),
                Arguments.of("https://u:tok3n@mirror.example/whl/{variant} --trusted-host x",
                        "is not an http, https or file URL"));
    }

    @ParameterizedTest
    @MethodSource("badPatterns")
    void aBadPatternIsATypedErrorThatNamesTheSettingAndNeverTheToken(String pattern, String expected) {
        EnvironmentSpec spec = spec("torch").backendOption("torch.index-url", pattern).build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> planner(Map.of()).plan(spec, linux(Map.of())));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("the specification's option torch.index-url"), e.getMessage());
        assertFalse(e.getMessage().contains("tok3n"), e.getMessage());
    }

    static Stream<Arguments> facts() {
        return Stream.of(
                // spec options, client options -> variant
                Arguments.of(Map.of("torch.variant", "cu121"), Map.of(), "cu121"),
                Arguments.of(Map.of(), Map.of("torch.variant", "cu124"), "cu124"),
                Arguments.of(Map.of("torch.variant", "cpu"), Map.of("torch.variant", "cu124"), "cpu"),
                Arguments.of(Map.of("cuda.driver", "550.54.14", "cuda.compute-capability", "8.6"), Map.of(), "cu124"),
                Arguments.of(Map.of(), Map.of("cuda.driver", "550.54.14", "cuda.compute-capability", "sm_86"),
                        "cu124"),
                Arguments.of(Map.of("rocm.gfx", "gfx1100"), Map.of(), "rocm6.2"),
                Arguments.of(Map.of(), Map.of(), "cpu"));
    }

    @ParameterizedTest
    @MethodSource("facts")
    void acceleratorFactsAndAForcedVariantMayBeGivenPerSpecificationOrPerClient(Map<String, String> specOptions,
            Map<String, String> clientOptions, String variant) {
        EnvironmentSpec.Builder b = spec("torch==2.5.1");
        specOptions.forEach(b::backendOption);
        // The context's accelerator is "no GPU": only the options can make it another.
        InstallPlan plan = planWithContextAccelerator(b.build(), clientOptions);
        assertEquals(variant, plan.choices().get(TorchInstallPlanner.CHOICE_VARIANT), plan.explanation());
    }

    @Test
    void anInvalidFactInAnOptionIsATypedErrorThatNamesTheOption() {
        EnvironmentSpec spec = spec("torch==2.5.1").backendOption("cuda.driver", "550.54.14")
                .backendOption("cuda.compute-capability", "pascal").build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> planWithContextAccelerator(spec, Map.of()));
        assertTrue(e instanceof dev.isoenv.IsoenvException, e.toString());
        assertTrue(e.getMessage().contains("the specification's option cuda.compute-capability"), e.getMessage());
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                // resolved by the ordinary install, variant label -> routed to the variant index
                Arguments.of(List.of("timm 1.0.9", "torchvision 0.20.1", "pillow 11.0.0"), "cu124",
                        List.of("torchvision==0.20.1+cu124")),
                Arguments.of(List.of("torchvision 0.20.1+cu121"), "cpu", List.of("torchvision==0.20.1+cpu")),
                Arguments.of(List.of("torchvision 0.20.1"), "", List.of("torchvision==0.20.1")),
                Arguments.of(List.of("pytorch-triton-rocm 3.1.0", "filelock 3.16.1"), "rocm6.2",
                        List.of("pytorch-triton-rocm==3.1.0")),
                Arguments.of(List.of("requests 2.32.3", "numpy 2.1.0"), "cu124", List.of()));
    }

    @ParameterizedTest
    @MethodSource("routes")
    void familyMembersThatArriveAsDependenciesAreRoutedToTheVariantIndexInTheResolvedVersion(List<String> resolved,
            String label, List<String> routed) {
        List<InstalledDistribution> distributions = resolved.stream()
                .map(t -> InstalledDistribution.of(t.split(" ")[0], t.split(" ")[1])).toList();
        assertEquals(routed, TorchInstallPlanner.route(distributions, label, TorchData.builtIn()).stream()
                .map(Requirement::toString).toList());
    }
}
