package dev.isoenv.cuda.variant;

import dev.isoenv.Accelerator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.internal.version.Version;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resolver across drivers, torch releases, operating systems and GPUs. Each expected variant is worked out by
 * hand from the built-in data (torch-data.tsv, itself from the reference tables) and the rule: the newest variant
 * of the newest matching release that the release publishes, the driver supports on this OS, and whose
 * architectures cover every GPU; then older matching releases; then cpu.
 */
class VariantResolverTest {
    private final VariantResolver resolver = new VariantResolver(TorchData.builtIn());

    private VariantChoice resolve(String machine, String torch, OperatingSystem os, String arch, String python) {
        return resolver.resolve(VariantRequest.builder(Machines.parse(machine)).torch(torch).os(os).architecture(arch)
                .python(python).build());
    }

    @ParameterizedTest(name = "[{index}] {0} torch{1} on {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // No GPU, or a driver below every floor of the release's CUDA variants: cpu.
        "none                 |==2.5.1     |LINUX  |cpu      |cpu",
        "nvidia:400.00:9.0    |==2.5.1     |LINUX  |cpu      |cpu",
        "nvidia:440.33:       |==2.0.1     |LINUX  |cpu      |cpu",
        // torch 1.13, the oldest release in the data: cu117 and cu116 (their architectures are not listed).
        "nvidia:525.60.13:8.6 |==1.13.1    |LINUX  |cu117    |cu117",
        "nvidia:450.80.02:7.5 |==1.13.0    |WINDOWS|cpu      |cpu",
        "nvidia:452.39:7.5    |==1.13.0    |WINDOWS|cu117    |cu117",
        "nvidia:440.33:       |==1.13.1    |LINUX  |cpu      |cpu",
        "amd:gfx90a           |==1.13.1    |LINUX  |cpu      |cpu",
        "nvidia:525.60.13:8.6 |<2          |LINUX  |cu117    |cu117",
        // Driver floors on Linux: cu118 needs 450.80.02, cu12x 525.60.13, cu13x 580.
        "nvidia:450.80.02:    |==2.5.1     |LINUX  |cu118    |cu118",
        "nvidia:450.80.02:8.6 |==2.1.2     |LINUX  |cu118    |cu118",
        "nvidia:525.60.13:8.6 |==2.5.1     |LINUX  |cu124    |cu124",
        "nvidia:525.60.13:8.6 |==2.1.2     |LINUX  |cu121    |cu121",
        "nvidia:525.60.13:8.6 |==2.8.0     |LINUX  |cu129    |cu129",
        "nvidia:560.35.03:8.6 |==2.9.0     |LINUX  |cu128    |cu128",
        "nvidia:570.26:8.6    |==2.13.0    |LINUX  |cu126    |cu126",
        "nvidia:580.159.04:9.0|==2.9.1     |LINUX  |cu130    |cu130",
        "nvidia:580.159.04:9.0|==2.13.0    |LINUX  |cu132    |cu132",
        "nvidia:580.159.04:9.0|==2.5.1     |LINUX  |cu124    |cu124",
        "nvidia:580.159.04:9.0|==2.7.1     |LINUX  |cu128    |cu128",
        // uv#14742: a GTX 1080 Ti (6.1) on driver 580 with torch 2.8 must not get cu128/cu129.
        "nvidia:580.159.04:6.1|==2.8.0     |LINUX  |cu126    |cu126",
        "nvidia:580.159.04:6.1|==2.7.1     |LINUX  |cu128    |cu128",
        "nvidia:580.159.04:6.1|==2.11.0    |LINUX  |cu126    |cu126",
        // The same card with its capability written as PyTorch writes it (sm_61): read as 6.1, never skipped.
        "nvidia:580.159.04:sm_61|==2.8.0   |LINUX  |cu126    |cu126",
        "nvidia:580.159.04:sm_61|          |LINUX  |cu126    |cu126",
        "nvidia:580.159.04:sm_86+sm_61|==2.9.0|LINUX|cu126   |cu126",
        "nvidia:580.159.04:sm_120|==2.13.0 |LINUX  |cu132    |cu132",
        // Volta 7.0: cu128 keeps it up to 2.10; 2.11 dropped it from cu128; cu13x never had it.
        "nvidia:580.159.04:7.0|==2.10.0    |LINUX  |cu128    |cu128",
        "nvidia:580.159.04:7.0|==2.11.0    |LINUX  |cu126    |cu126",
        // Turing 7.5 and Ampere/Ada.
        "nvidia:580.159.04:7.5|==2.13.0    |LINUX  |cu132    |cu132",
        "nvidia:550.54.14:8.9 |==2.5.1     |LINUX  |cu124    |cu124",
        "nvidia:535.104.05:9.0|==2.1.2     |LINUX  |cu121    |cu121",
        // Blackwell: 10.0 and 12.0 appear first in 2.7+cu128; torch 2.6 has no build for them.
        "nvidia:580.65.06:10.0|==2.6.0     |LINUX  |cpu      |cpu",
        "nvidia:570.124.06:12.0|==2.7.1    |LINUX  |cu128    |cu128",
        "nvidia:575.57.08:12.0|==2.13.0    |LINUX  |cpu      |cpu",
        "nvidia:580.65.06:12.0|==2.13.0    |LINUX  |cu132    |cu132",
        // Several GPUs: every one must be covered.
        "nvidia:580.95.05:8.6+6.1|==2.9.0  |LINUX  |cu126    |cu126",
        "nvidia:580.95.05:9.0+12.0|==2.9.0 |LINUX  |cu130    |cu130",
        "nvidia:580.95.05:9.0+3.7|==2.9.0  |LINUX  |cpu      |cpu",
        // Windows numbering: 527.41 is below the Windows floor of CUDA 12 (528.33) but above the Linux one.
        "nvidia:527.41:8.6    |==2.5.1     |WINDOWS|cu118    |cu118",
        "nvidia:527.41:8.6    |==2.5.1     |LINUX  |cu124    |cu124",
        "nvidia:528.33:8.6    |==2.5.1     |WINDOWS|cu124    |cu124",
        "nvidia:452.39:8.6    |==2.5.1     |WINDOWS|cu118    |cu118",
        "nvidia:451.00:8.6    |==2.5.1     |WINDOWS|cpu      |cpu",
        "nvidia:581.57:8.6    |==2.13.0    |WINDOWS|cu132    |cu132",
        "wsl:527.41:8.6       |==2.5.1     |LINUX  |cu118    |cu118",
        // macOS: always the cpu index, no local label.
        "mps                  |==2.5.1     |MACOS  |cpu      |-",
        "none                 |            |MACOS  |cpu      |-",
        "forced:cu126         |==2.8.0     |MACOS  |cu126    |-",
        // AMD: Linux only, and the exact gfx must be listed for the ROCm variant.
        "amd:gfx90a           |==2.5.1     |LINUX  |rocm6.2  |rocm6.2",
        "amd:gfx1101          |==2.5.1     |LINUX  |rocm6.1  |rocm6.1",
        "amd:gfx1201          |==2.8.0     |LINUX  |rocm6.4  |rocm6.4",
        "amd:gfx1151          |==2.11.0    |LINUX  |rocm7.2  |rocm7.2",
        "amd:gfx1151          |==2.10.0    |LINUX  |cpu      |cpu",
        "amd:gfx950           |==2.9.0     |LINUX  |cpu      |cpu",
        "amd:gfx950           |==2.10.0    |LINUX  |rocm7.1  |rocm7.1",
        "amd:gfx1031          |==2.13.0    |LINUX  |cpu      |cpu",
        "amd:gfx942           |==2.3.1     |LINUX  |rocm6.0  |rocm6.0",
        "amd:gfx90a           |==2.2.2     |LINUX  |cpu      |cpu",
        "amd:gfx1100+gfx1101  |==2.5.1     |LINUX  |rocm6.1  |rocm6.1",
        "amd:gfx1100          |==2.8.0     |WINDOWS|cpu      |cpu",
        // Intel XPU: published from 2.5 on.
        "xpu                  |==2.5.1     |LINUX  |xpu      |xpu",
        "xpu                  |==2.8.0     |WINDOWS|xpu      |xpu",
        "xpu                  |==2.4.1     |LINUX  |cpu      |cpu",
        // Forced variants are used as given.
        "forced:cu126         |==2.5.1     |LINUX  |cu126    |cu126",
        "forced:cpu           |==2.8.0     |WINDOWS|cpu      |cpu",
        "forced:rocm6.4       |            |LINUX  |rocm6.4  |rocm6.4",
        // Ranges: the newest matching release decides.
        "nvidia:550.54.14:8.6 |>=2.4,<2.6  |LINUX  |cu124    |cu124",
        "nvidia:580.159.04:9.0|            |LINUX  |cu132    |cu132",
        "nvidia:580.159.04:9.0|>=2.20      |LINUX  |cu132    |cu132",
        "nvidia:580.159.04:9.0|==3.0.0     |LINUX  |cu132    |cu132",
        "nvidia:580.159.04:9.0|==2.13.1    |LINUX  |cu132    |cu132",
        "nvidia:560.35.03:8.6 |~=2.7.0     |LINUX  |cu128    |cu128",
        // With a range, an older matching release with a GPU build beats CPU: Pascal on a 470 driver gets 2.7+cu118.
        "nvidia:470.82.01:6.1 |            |LINUX  |cu118    |cu118",
        "nvidia:470.82.01:6.1 |>=2.8       |LINUX  |cpu      |cpu",
    })
    void choosesTheNewestVariantThatRunsHere(String machine, String torch, OperatingSystem os, String variant,
                                             String label) {
        VariantChoice choice = resolve(machine, torch == null ? "" : torch, os,
                os == OperatingSystem.MACOS ? "arm64" : "amd64", "3.11.9");
        assertEquals(variant, choice.variant().name(), choice.explain());
        assertEquals(Optional.ofNullable(label), choice.localLabel(), choice.explain());
        assertEquals("https://download.pytorch.org/whl/" + variant, choice.indexUrl());
    }

    /**
     * Platforms: the data says which platforms each variant of each release has wheels for, and with which label.
     * Each row is worked out from the [platforms] rows of torch-data.tsv (see their sources there).
     */
    @ParameterizedTest(name = "[{index}] {0} torch{1} on {2} {3}, Python {4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // A GH200 (Grace, aarch64; H100-class 9.0): no CUDA wheels for aarch64 before 2.6.
        "nvidia:580.159.04:9.0|==2.1.0 |LINUX  |aarch64|3.10.12|cpu  |-",
        "nvidia:580.159.04:9.0|==2.5.1 |LINUX  |aarch64|3.11.9 |cpu  |-",
        "nvidia:580.159.04:9.0|==2.6.0 |LINUX  |aarch64|3.12.3 |cu126|cu126",
        "nvidia:580.159.04:9.0|==2.7.1 |LINUX  |aarch64|3.12.3 |cu128|cu128",
        // torch 2.8 published cu129 alone for aarch64 (its cu128 and cu126 are x86-64 and Windows only).
        "nvidia:575.57.08:9.0 |==2.8.0 |LINUX  |aarch64|3.12.3 |cu129|cu129",
        "forced:cu128         |==2.8.0 |LINUX  |aarch64|3.12.3 |cu128|cu128",
        "nvidia:580.159.04:9.0|==2.13.0|LINUX  |aarch64|3.12.3 |cu132|cu132",
        "nvidia:580.159.04:9.0|        |LINUX  |aarch64|3.12.3 |cu132|cu132",
        // Unpinned on a 12.x driver: 2.13's cu126 has aarch64 wheels.
        "nvidia:570.124.06:9.0|        |LINUX  |aarch64|3.12.3 |cu126|cu126",
        // aarch64 builds carry fewer architectures: a T4 (7.5, AWS G5g) is not covered by aarch64 cu126 (8.0, 9.0).
        "nvidia:570.124.06:7.5|==2.9.0 |LINUX  |aarch64|3.12.3 |cpu  |cpu",
        "nvidia:570.124.06:7.5|==2.9.0 |LINUX  |x86_64 |3.12.3 |cu128|cu128",
        // A Jetson Orin (8.7) is covered by aarch64 cu126's 8.0; 2.6's aarch64 cu126 has 9.0 only.
        "nvidia:570.124.06:8.7|==2.9.0 |LINUX  |aarch64|3.12.3 |cu128|cu128",
        "nvidia:570.124.06:8.7|==2.6.0 |LINUX  |aarch64|3.12.3 |cpu  |cpu",
        // CPU labels on Linux aarch64: none up to 2.5, +cpu from 2.6. On x86-64 always +cpu.
        "none                 |==2.5.1 |LINUX  |aarch64|3.12.3 |cpu  |-",
        "none                 |==2.6.0 |LINUX  |aarch64|3.12.3 |cpu  |cpu",
        "none                 |==2.9.0 |LINUX  |arm64  |3.12.3 |cpu  |cpu",
        "none                 |==2.9.0 |LINUX  |x86_64 |3.12.3 |cpu  |cpu",
        "forced:cpu           |==2.5.1 |LINUX  |arm64  |3.12.3 |cpu  |-",
        // ROCm and XPU wheels are for x86-64 only.
        "amd:gfx90a           |==2.9.0 |LINUX  |aarch64|3.12.3 |cpu  |cpu",
        "xpu                  |==2.9.0 |LINUX  |aarch64|3.12.3 |cpu  |cpu",
        "amd:gfx90a           |==2.9.0 |LINUX  |amd64  |3.12.3 |rocm6.4|rocm6.4",
        // Windows arm64: CPU wheels from 2.7 (Python 3.12 there; 3.11-3.13 from 2.8), labelled +cpu; no CUDA.
        "nvidia:581.57:9.0    |==2.13.0|WINDOWS|arm64  |3.12.3 |cpu  |cpu",
        "none                 |==2.7.1 |WINDOWS|arm64  |3.12.3 |cpu  |cpu",
        "none                 |        |WINDOWS|arm64  |3.13.1 |cpu  |cpu",
        "nvidia:581.57:9.0    |==2.13.0|WINDOWS|amd64  |3.14.0 |cu132|cu132",
        // macOS: arm64 throughout, x86-64 up to 2.2, from the cpu index, no label.
        "mps                  |==2.5.1 |MACOS  |arm64  |3.12.3 |cpu  |-",
        "none                 |==2.2.2 |MACOS  |x86_64 |3.11.9 |cpu  |-",
        "none                 |==1.13.1|MACOS  |x86_64 |3.10.4 |cpu  |-",
        "none                 |        |MACOS  |x86_64 |3.11.9 |cpu  |-",
    })
    void choosesOnlyVariantsThatPublishWheelsForThePlatform(String machine, String torch, OperatingSystem os,
                                                           String arch, String python, String variant,
                                                           String label) {
        VariantChoice choice = resolve(machine, torch == null ? "" : torch, os, arch, python);
        assertEquals(variant, choice.variant().name(), choice.explain());
        assertEquals(Optional.ofNullable(label), choice.localLabel(), choice.explain());
    }

    @Test
    void aReleaseWithoutWheelsForThePlatformIsNotBlamedOnPython() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve("mps", "==2.5.1", OperatingSystem.MACOS, "x86_64", "3.11.9"));
        assertTrue(e.getMessage().startsWith("No PyTorch build for torch==2.5.1 exists for macOS x86-64 according to"
                + " the data"), e.getMessage());
        assertTrue(e.getMessage().contains("note: no matching torch release publishes wheels for macOS x86-64"
                + " according to the data"), e.getMessage());
        assertFalse(e.getMessage().contains("Python 3.11.9 on"), e.getMessage());
    }

    @Test
    void anAarch64MachineAskingForTorch21IsRefusedCudaAndToldWhy() {
        VariantChoice choice = resolve("nvidia:580.159.04:9.0", "==2.1.0", OperatingSystem.LINUX, "aarch64", "3.10.12");
        String x = choice.explain();
        assertTrue(x.contains("Target: Linux aarch64, Python 3.10.12"), x);
        assertTrue(x.contains("  cu121 refused: torch 2.1 publishes no cu121 wheels for Linux aarch64, only for Linux"
                + " x86-64, Windows x86-64 (data: isoenv-cuda:/dev/isoenv/cuda/data/torch-data.tsv, line "), x);
        assertTrue(x.contains("  cu118 refused: torch 2.1 publishes no cu118 wheels for Linux aarch64"), x);
        assertTrue(x.contains("No CUDA variant of the matching torch releases runs here: using CPU builds"), x);
        assertTrue(x.contains("Choice: cpu (CPU) from https://download.pytorch.org/whl/cpu for torch 2.1.0; its wheels"
                + " here carry no local version label"), x);
    }

    @ParameterizedTest(name = "[{index}] torch{0} on {1} {2}, Python {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "==2.5.1 |MACOS  |x86_64|3.11.9 | torch 2.5 publishes no cpu wheels for macOS x86-64, only for Linux x86-64,"
                + " Linux aarch64, Windows x86-64, macOS arm64 | The newest release with wheels for macOS x86-64 is"
                + " torch 2.2.2: require it (such as torch==2.2.2).",
        ">=2.3   |MACOS  |x86_64|3.12.3 | torch 2.13 publishes no cpu wheels for macOS x86-64 | torch 2.2.2",
        "==2.6.0 |WINDOWS|arm64 |3.12.3 | torch 2.6 publishes no cpu wheels for Windows arm64 | torch 2.13.0",
        "==2.13.0|WINDOWS|arm64 |3.14.0 | torch 2.13's cpu wheels for Windows arm64 are for Python 3.11-3.13, not"
                + " 3.14.0 | No release in the data has wheels for Windows arm64 and Python 3.14.0. Or use a Python"
                + " that Windows arm64 has wheels for.",
    })
    void noBuildForThePlatformIsATypedErrorThatSaysWhatToDo(String torch, OperatingSystem os, String arch,
                                                            String python, String why, String hint) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve("none", torch, os, arch, python));
        assertTrue(e.getMessage().startsWith("No PyTorch build for torch" + torch + " exists for "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertTrue(e.getMessage().contains("isoenv.torch.data"), e.getMessage());
    }

    @ParameterizedTest(name = "torch {0} {1} on {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "2.8 |cu128|LINUX  |aarch64|torch 2.8 publishes no cu128 wheels for Linux aarch64, only for Linux x86-64,"
                + " Windows x86-64",
        "2.8 |cu126|LINUX  |aarch64|torch 2.8 publishes no cu126 wheels for Linux aarch64",
        "2.8 |cu129|LINUX  |aarch64|-",
        "2.5 |cu124|LINUX  |aarch64|torch 2.5 publishes no cu124 wheels for Linux aarch64",
        "2.6 |cu124|LINUX  |aarch64|torch 2.6 publishes no cu124 wheels for Linux aarch64",
        "2.6 |cu126|LINUX  |aarch64|-",
        "2.13|cu132|WINDOWS|arm64  |torch 2.13 publishes no cu132 wheels for Windows arm64",
        "2.13|rocm7.2|LINUX|aarch64|torch 2.13 publishes no rocm7.2 wheels for Linux aarch64, only for Linux x86-64",
        "2.13|xpu  |WINDOWS|amd64  |-",
        "2.4 |xpu  |LINUX  |amd64  |-",
        "2.2 |cpu  |MACOS  |x86_64 |-",
        "2.3 |cpu  |MACOS  |x86_64 |torch 2.3 publishes no cpu wheels for macOS x86-64",
        "2.13|cpu  |MACOS  |arm64  |-",
    })
    void eachRefusalForThePlatformSaysWhichPlatformsHaveWheels(String series, String variant, OperatingSystem os,
                                                               String arch, String refusal) {
        TorchData data = TorchData.builtIn();
        CandidateCheck check = new CandidateCheck(data, VariantRequest.builder(Accelerator.none(List.of())).os(os)
                .architecture(arch).python("3.12.3").build());
        Optional<Verdict> verdict = check.platform(dev.isoenv.cuda.data.TorchVariant.parse(variant),
                data.seriesOf(Version.parse(series)).orElseThrow());
        assertEquals(refusal == null, verdict.isEmpty(), verdict.toString());
        verdict.ifPresent(v -> assertTrue(v.reason().startsWith(refusal), v.reason()));
    }

    @Test
    void aForcedVariantWithoutWheelsForThePlatformIsUsedWithAWarning() {
        VariantChoice choice = resolve("forced:cu121", "==2.1.0", OperatingSystem.LINUX, "aarch64", "3.10.12");
        assertEquals("cu121", choice.variant().name());
        assertTrue(choice.explain().contains("warning: torch 2.1 publishes no cu121 wheels for Linux aarch64"),
                choice.explain());
    }

    @Test
    void aPlatformTheDataDoesNotDescribeIsNotCheckedAndSaysSo() {
        VariantChoice choice = resolve("none", "==2.9.0", OperatingSystem.LINUX, "s390x", "3.12.3");
        assertEquals("cpu", choice.variant().name());
        assertTrue(choice.explain().contains("note: the data describes no wheels for Linux s390x, so which variants"
                + " publish wheels here is not checked"), choice.explain());
    }

    @Test
    void theExplanationNamesEveryRefusalForTheUv14742Case() {
        VariantChoice choice = resolve("nvidia:580.159.04:6.1", "==2.8.0", OperatingSystem.LINUX, "amd64", "3.11.9");
        String x = choice.explain();
        assertTrue(x.contains("Accelerator: NVIDIA CUDA, driver 580.159.04, detected by test"), x);
        assertTrue(x.contains("GPU 0: NVIDIA GeForce GTX 1080 Ti, compute capability 6.1"), x);
        assertTrue(x.contains("cu129 refused: NVIDIA GeForce GTX 1080 Ti (6.1) is not covered by cu129's architectures"
                + " 7.0, 7.5, 8.0, 8.6, 9.0, 10.0, 12.0 in torch 2.8"), x);
        assertTrue(x.contains("cu128 refused: NVIDIA GeForce GTX 1080 Ti (6.1) is not covered by cu128's"), x);
        assertTrue(x.contains("cu126 accepted: driver 580.159.04 >= 525.60.13 (Linux minimum); architectures 5.0, 6.0,"
                + " 7.0, 7.5, 8.0, 8.6, 9.0 cover 6.1"), x);
        assertTrue(x.contains("Choice: cu126 (CUDA 12.6) from https://download.pytorch.org/whl/cu126 for torch 2.8.0;"
                + " its wheels carry the local version label +cu126"), x);
        assertTrue(x.indexOf("cu129 refused") < x.indexOf("cu128 refused"));
    }

    @Test
    void theExplanationGivesTheDriverFloorRefusal() {
        String x = resolve("nvidia:525.60.13:8.6", "==2.9.0", OperatingSystem.LINUX, "amd64", "3.11.9").explain();
        assertTrue(x.contains("cu130 refused: driver 525.60.13 < 580 (Linux minimum)"), x);
        String w = resolve("nvidia:527.41:8.6", "==2.5.1", OperatingSystem.WINDOWS, "amd64", "3.11.9").explain();
        assertTrue(w.contains("cu124 refused: driver 527.41 < 528.33 (Windows minimum)"), w);
        assertTrue(w.contains("Target: Windows amd64, Python 3.11.9"), w);
    }

    @Test
    void aRangeCoversEveryMatchingReleaseThatPublishesTheVariant() {
        VariantChoice choice = resolve("nvidia:550.54.14:8.6", ">=2.4,<2.6", OperatingSystem.LINUX, "amd64", "3.11.9");
        assertEquals(List.of(Version.parse("2.5.1"), Version.parse("2.5.0"), Version.parse("2.4.1"),
                Version.parse("2.4.0")), choice.releases());
    }

    @Test
    void olderReleasesAreTriedBeforeCpuAndPythonSupportLimitsThem() {
        VariantChoice py311 = resolve("nvidia:470.82.01:6.1", "", OperatingSystem.LINUX, "amd64", "3.11.9");
        assertEquals(Version.parse("2.7.1"), py311.releases().get(0));
        assertEquals(Version.parse("2.0.0"), py311.releases().get(py311.releases().size() - 1));
        VariantChoice py313 = resolve("nvidia:470.82.01:6.1", "", OperatingSystem.LINUX, "amd64", "3.13.0");
        assertEquals("cu118", py313.variant().name());
        assertEquals(Version.parse("2.5.0"), py313.releases().get(py313.releases().size() - 1), py313.explain());
        assertTrue(py313.explain().contains("skipped torch 2.4 (Python 3.8-3.12)"), py313.explain());
        VariantChoice py314 = resolve("nvidia:470.82.01:6.1", "", OperatingSystem.LINUX, "amd64", "3.14.0");
        assertEquals("cpu", py314.variant().name(), py314.explain());
    }

    @Test
    void aRequestBeyondTheDataSaysSo() {
        VariantChoice choice = resolve("nvidia:580.159.04:9.0", ">=2.20", OperatingSystem.LINUX, "amd64", "3.12.0");
        assertTrue(choice.explain().contains("'torch>=2.20' matches no release in the data (data-version 2026-12-01,"
                + " newest 2.13.0); using the variants of torch 2.13"), choice.explain());
        VariantChoice pinned = resolve("nvidia:580.159.04:9.0", "==2.13.1", OperatingSystem.LINUX, "amd64", "3.12.0");
        assertEquals(List.of(Version.parse("2.13.1")), pinned.releases());
        assertTrue(pinned.explain().contains("torch 2.13.1 is not listed in the data"), pinned.explain());
    }

    @Test
    void aForcedVariantSaysItWasForcedAndWarnsWhenTheReleaseLacksIt() {
        VariantChoice choice = resolve("forced:cu126", "==2.5.1", OperatingSystem.LINUX, "amd64", "3.11.9");
        assertTrue(choice.isForced());
        assertTrue(choice.explain().contains("Variant cu126 forced by system property isoenv.torch.variant"),
                choice.explain());
        assertTrue(choice.explain().contains("no matching torch release publishes cu126"), choice.explain());
        assertFalse(resolve("nvidia:580.159.04:9.0", "", OperatingSystem.LINUX, "amd64", "3.12.0").isForced());
    }

    @Test
    void noAcceleratorListsEveryProbesReason() {
        String x = resolve("none", "==2.5.1", OperatingSystem.LINUX, "amd64", "3.11.9").explain();
        assertTrue(x.contains("Accelerator: none detected"), x);
        assertTrue(x.contains("note: nvidia: nothing found"), x);
        assertTrue(x.contains("No GPU accelerator: using CPU builds"), x);
    }

    @Test
    void aPascalCardWrittenAsSm61IsCheckedAndExplained() {
        String x = resolve("nvidia:580.159.04:sm_61", "", OperatingSystem.LINUX, "amd64", "3.12.3").explain();
        assertTrue(x.contains("GPU 0: GPU sm_61, compute capability 6.1 (given as sm_61)"), x);
        assertTrue(x.contains("cu132 refused: GPU sm_61 (6.1) is not covered by cu132's architectures 7.5, 8.0, 8.6,"
                + " 9.0, 10.0, 12.0 in torch 2.13"), x);
        assertTrue(x.contains("cu126 accepted: driver 580.159.04 >= 525.60.13 (Linux minimum); architectures 5.0,"
                + " 6.0, 7.0, 7.5, 8.0, 8.6, 9.0 cover 6.1"), x);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "nvidia:580.159.04:Pascal  | GPU 0 (GPU Pascal), as given by test, has the compute capability 'Pascal', which"
                + " isoenv cannot read: write major.minor",
        "nvidia:580.159.04:9.0+86  | GPU 1 (GPU 86), as given by test, has the compute capability '86'",
        "nvidia:580.159.04:sm86    | has the compute capability 'sm86'",
        "nvidia:580.159.04:compute_86 | has the compute capability 'compute_86'",
    })
    void aComputeCapabilityThatCannotBeReadIsATypedErrorNeverASkip(String machine, String message) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve(machine, "==2.8.0", OperatingSystem.LINUX, "amd64", "3.11.9"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anInvalidOverrideIsATypedError() {
        Accelerator invalid = Accelerator.declared(Accelerator.Kind.NONE, "override: system property"
                + " isoenv.cuda.compute-capability").withAttribute(dev.isoenv.cuda.probe.OverrideProbe.INVALID_ATTRIBUTE,
                "system property isoenv.cuda.compute-capability is 'pascal', whose 'pascal' is not a compute"
                        + " capability");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> resolver.resolve(
                VariantRequest.builder(invalid).torch("==2.8.0").build()));
        assertTrue(e.getMessage().startsWith("Cannot choose a PyTorch variant: system property"
                + " isoenv.cuda.compute-capability is 'pascal'"), e.getMessage());
        assertTrue(e.getMessage().contains("Correct the value or unset it"), e.getMessage());
    }

    @ParameterizedTest(name = "torch{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "~=2             | is not valid: '~=2': ~= needs at least two release parts",
        ">=2.5+cu121     | is not valid: '>=2.5+cu121': a local version label",
        "\">=2.4,,<2.6\" | is not valid: a specifier set has an empty clause",
    })
    void anInvalidSpecifierIsATypedErrorNotAnyVersion(String torch, String message) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve("nvidia:580.159.04:9.0", torch, OperatingSystem.LINUX, "amd64", "3.12.3"));
        assertTrue(e.getMessage().startsWith("The torch version specifier in torch" + torch), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "torch{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\">=2.5,<2.3\"      | no version is both >=2.5 and <2.3",
        "\"==2.5.1,!=2.5.1\" | only 2.5.1 satisfies ==2.5.1, and !=2.5.1 excludes it",
        "\"~=2.7.0,<2.7\"    | no version is both ~=2.7.0 and <2.7",
    })
    void anUnsatisfiableRangeIsNamedAsSuch(String torch, String why) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve("nvidia:580.159.04:9.0", torch, OperatingSystem.LINUX, "amd64", "3.12.3"));
        assertEquals("The torch request torch" + torch + " is unsatisfiable: " + why + ", so no torch release can"
                + " match it. Relax one of its clauses.", e.getMessage());
    }

    @ParameterizedTest(name = "torch{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "==1.12.1    | torch 1.12.1 is older than every release in the PyTorch variant data",
        "==1.8.0     | torch 1.8.0 is older than every release in the PyTorch variant data",
        "<1.13       | 'torch<1.13' admits only releases older than every release in the PyTorch variant data",
        "\">=1.10,<1.13\" | 'torch>=1.10,<1.13' admits only releases older than every release",
    })
    void aReleaseOlderThanTheDataGetsAnHonestAnswerNotANewerReleasesVariants(String torch, String why) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolve("nvidia:580.159.04:9.0", torch, OperatingSystem.LINUX, "amd64", "3.10.4"));
        assertTrue(e.getMessage().startsWith("Cannot choose a PyTorch variant for torch" + torch + ": " + why),
                e.getMessage());
        dev.isoenv.cuda.data.TorchRelease oldest = TorchData.builtIn().releases().get(
                TorchData.builtIn().releases().size() - 1);
        assertTrue(e.getMessage().contains("oldest release " + oldest.releases().get(0) + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("Require a release the data covers (such as torch>=" + oldest.series()
                + "), force a variant with isoenv.torch.variant or with a pin that names one"), e.getMessage());
        assertTrue(e.getMessage().contains("isoenv.torch.data"), e.getMessage());
    }

    @Test
    void aForcedVariantStillWorksForAReleaseOlderThanTheData() {
        VariantChoice choice = resolve("forced:cu102", "==1.12.1", OperatingSystem.LINUX, "amd64", "3.10.4");
        assertEquals("cu102", choice.variant().name());
        assertEquals(List.of(Version.parse("1.12.1")), choice.releases());
        assertTrue(choice.explain().contains("note: torch 1.12.1 is older than every release in the PyTorch variant"
                + " data"), choice.explain());
        assertTrue(choice.explain().contains("the forced variant is used as given"), choice.explain());
        assertTrue(choice.explain().contains("Matching torch releases: none in the data"), choice.explain());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cu999    | The PyTorch variant cu999 forced by system property isoenv.torch.variant is unknown: no torch"
                + " release in the data publishes it and no driver floor names it",
        "rocm9.9  | The PyTorch variant rocm9.9 forced by system property isoenv.torch.variant is unknown: no torch"
                + " release in the data publishes it (",
        "cuda12   | The PyTorch variant 'cuda12' forced by system property isoenv.torch.variant is not a PyTorch"
                + " variant",
    })
    void anUnknownForcedVariantIsATypedError(String variant, String message) {
        Accelerator forced = Accelerator.declared(Accelerator.Kind.NVIDIA_CUDA, "system property isoenv.torch.variant")
                .withAttribute(dev.isoenv.cuda.probe.OverrideProbe.VARIANT_ATTRIBUTE, variant);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> resolver.resolve(VariantRequest.builder(forced).torch("==2.5.1").build()));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void aForcedVariantTheDataKnowsOnlyByItsDriverFloorIsAllowed() {
        VariantChoice choice = resolve("forced:cu102", "==2.5.1", OperatingSystem.LINUX, "amd64", "3.11.9");
        assertEquals("cu102", choice.variant().name());
        assertTrue(choice.explain().contains("no matching torch release publishes cu102"), choice.explain());
    }

    @Test
    void anUnknownComputeCapabilityIsNotChecked() {
        VariantChoice choice = resolve("nvidia:580.159.04:", "==2.8.0", OperatingSystem.LINUX, "amd64", "3.11.9");
        assertEquals("cu129", choice.variant().name());
        assertTrue(choice.explain().contains("no GPU's compute capability is known, so architectures are not checked"));
        assertTrue(choice.explain().contains("devices: unknown"));
    }

    @Test
    void aVariantWithoutArchitectureDataIsNotChecked() {
        // torch 2.0: cu118's list (5.0 and up) does not cover a K80 (3.7); the data has no list for cu117.
        VariantChoice choice = resolve("nvidia:530.30.02:3.7", "==2.0.1", OperatingSystem.LINUX, "amd64", "3.10.4");
        assertEquals("cu117", choice.variant().name(), choice.explain());
        assertTrue(choice.explain().contains("cu118 refused: Tesla K80 (3.7) is not covered"), choice.explain());
        assertTrue(choice.explain().contains("cu117 accepted: driver 530.30.02 >= 450.80.02 (Linux minimum); the data"
                + " does not list the architectures of cu117 in torch 2.0 for Linux x86-64, so they are not checked"),
                choice.explain());
    }
}
