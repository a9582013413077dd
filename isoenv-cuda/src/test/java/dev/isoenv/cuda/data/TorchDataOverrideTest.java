package dev.isoenv.cuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.variant.VariantRequest;
import dev.isoenv.cuda.variant.VariantResolver;
import dev.isoenv.Accelerator;
import dev.isoenv.internal.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TorchDataOverrideTest {
    /** A user file for a torch release newer than the built-in data, with a CUDA variant isoenv has never seen. */
    static final String NEW_RELEASE = String.join("\n",
            "# torch 2.15 and CUDA 13.4, added by the user",
            "format\tisoenv-torch-data/1",
            "data-version\t2026-12-01",
            "[driver-floors]",
            "cu134\t590\t590",
            "[releases]",
            "2.15\t2.15.0\t3.10-3.14\tcpu,cu130,cu134,rocm7.2\ttorchvision=0.30,torchaudio=2.15",
            "[cuda-architectures]",
            "2.15\tcu134\t8.0,8.6,9.0,10.0,12.0",
            "2.15\tcu130\t7.5,8.0,8.6,9.0,10.0,12.0",
            "");

    @TempDir
    Path tmp;

    private static Accelerator hopper(String driver) {
        return Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, driver,
                List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", -1)), "test");
    }

    private static String choose(TorchData data, String driver, String torch) {
        return new VariantResolver(data).resolve(VariantRequest.builder(hopper(driver)).torch(torch).python("3.12.4")
                .build()).variant().name();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void aUserFileWithANewReleaseAndVariantChangesTheChoiceWithoutCode() throws IOException {
        assertEquals("cu132", choose(TorchData.builtIn(), "595.45.04", "==2.15.0"));
        TorchData data = TorchData.withOverrides(List.of(write("new.tsv", NEW_RELEASE)));
        assertEquals("cu134", choose(data, "595.45.04", "==2.15.0"));
        assertEquals("cu130", choose(data, "585.05", "==2.15.0"));
        assertEquals("cu132", choose(data, "595.45.04", "==2.13.0"));
        assertEquals("2026-12-01", data.dataVersion());
        assertEquals(2, data.sources().size());
    }

    @Test
    void theSystemSourceReadsTheFileNamedByTheSetting() throws IOException {
        Path file = write("new.tsv", NEW_RELEASE);
        TorchDataSource source = TorchDataSource.fromSettings(Settings.of(Map.of("isoenv.torch.data", file.toString()),
                Map.of()));
        assertEquals("cu134", choose(source.load(), "595.45.04", "==2.15.0"));
        TorchDataSource byVariable = TorchDataSource.fromSettings(Settings.of(Map.of(),
                Map.of("ISOENV_TORCH_DATA", file.toString())));
        assertEquals("cu134", choose(byVariable.load(), "595.45.04", "==2.15.0"));
    }

    @Test
    void aDirectoryMeansItsTsvFilesInNameOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("10-release.tsv"), NEW_RELEASE);
        Files.writeString(dir.resolve("20-fix.tsv"), "format\tisoenv-torch-data/1\n[cuda-architectures]\n"
                + "2.15\tcu134\t10.0,12.0\n");
        Files.writeString(dir.resolve("notes.txt"), "not data");
        TorchData data = TorchDataSource.fromSettings(Settings.of(Map.of("isoenv.torch.data", dir.toString()),
                Map.of())).load();
        assertEquals("cu130", choose(data, "595.45.04", "==2.15.0"));
    }

    @Test
    void theSourceIsCachedUntilTheFileChanges() throws IOException {
        Path file = write("new.tsv", NEW_RELEASE);
        TorchDataSource source = TorchDataSource.fromSettings(Settings.of(Map.of("isoenv.torch.data", file.toString()),
                Map.of()));
        TorchData first = source.load();
        assertSame(first, source.load());
        Files.writeString(file, NEW_RELEASE.replace("cu130,cu134,rocm7.2", "cu130,rocm7.2"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        TorchData second = source.load();
        assertNotSame(first, second);
        assertEquals("cu130", choose(second, "595.45.04", "==2.15.0"));
    }

    @Test
    void withoutSettingsTheBuiltInDataIsUsed() {
        assertSame(TorchData.builtIn(), TorchDataSource.fromSettings(Settings.of(Map.of(), Map.of())).load());
    }

    @Test
    void theIndexUrlPatternCanBeOverriddenAlone() {
        TorchData data = TorchDataSource.fromSettings(Settings.of(Map.of(),
                Map.of("ISOENV_TORCH_INDEX_URL", "http://127.0.0.1:8123/whl/{variant}"))).load();
        assertEquals("http://127.0.0.1:8123/whl/cu126", data.indexUrl(TorchVariant.parse("cu126")));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> TorchDataSource.fromSettings(
                Settings.of(Map.of("isoenv.torch.index-url", "http://mirror/whl/cu126"), Map.of())).load());
        assertTrue(e.getMessage().contains("system property isoenv.torch.index-url"), e.getMessage());
    }

    @Test
    void replaceModeDiscardsTheBuiltInData() {
        TorchData data = TorchData.withOverrideTexts(Map.of("only.tsv", String.join("\n",
                "format\tisoenv-torch-data/1", "mode\treplace",
                "[index]", "url-pattern\tfile:///srv/whl/{variant}",
                "[driver-floors]", "cu126\t525.60.13\t528.33",
                "[releases]", "2.6\t2.6.0\t-\tcpu,cu126",
                "[torch-family]", "torch\tlabelled", "")));
        assertEquals(List.of(Version.parse("2.6")), data.releases().stream().map(TorchRelease::series).toList());
        assertEquals("file:///srv/whl/cpu", data.indexUrl(TorchVariant.CPU_VARIANT));
        assertTrue(data.driverFloor(TorchVariant.parse("cu118")).isEmpty());
    }

    static Stream<Arguments> malformedFiles() {
        String f = "format\tisoenv-torch-data/1\n";
        return Stream.of(
                Arguments.of(f + "[releases]\n2.15\t2.15.0\t3.10-3.14\tcpu,cuda134", 3, "'cuda134' is not a PyTorch variant"),
                Arguments.of(f + "\n[driver-floors]\ncu134\t590", 4, "expected 3 tab-separated fields"),
                Arguments.of(f + "[driver-floors]\ncu134\tlatest\t590", 3, "'latest' is not a driver version"),
                Arguments.of(f + "[driver-floors]\nrocm6.4\t1\t1", 3, "driver floors are for CUDA variants"),
                Arguments.of(f + "[releases]\n2.15\t2.16.0\t-\tcpu", 3, "does not belong to series 2.15"),
                Arguments.of(f + "[releases]\n2.15\t2.15.0\t3.14-3.10\tcpu", 3, "ends before it starts"),
                Arguments.of(f + "[releases]\n2.15\t2.15.0\t-\tcpu,cpu", 3, "listed twice"),
                Arguments.of(f + "[cuda-architectures]\n2.15\tcu134\t8.6,Hopper", 3, "'Hopper' is not a compute capability"),
                Arguments.of(f + "[rocm-architectures]\nrocm7.3\tnavi31", 3, "'navi31' is not a gfx target"),
                Arguments.of(f + "[index]\nurl-pattern\thttps://mirror/whl/cu126", 3, "no {variant} placeholder"),
                Arguments.of(f + "[gpus]", 2, "unknown section [gpus]"),
                Arguments.of(f + "mode\tappend", 2, "mode must be 'merge' or 'replace'"),
                Arguments.of("format\tisoenv-torch-data/2", 1, "format 'isoenv-torch-data/2' is not supported"),
                Arguments.of("data-version\t1", 1, "the first line must be 'format"),
                Arguments.of(f + "[torch-family]\ntorch\tyes", 3, "'labelled' or 'unlabelled'"),
                Arguments.of(f + "[releases]\n2.15\t2.15.0\t-\tcpu,cu134", 3, "lists cu134, but no [driver-floors] row"),
                Arguments.of(f + "[platforms]\n2.15\tcpu\tlinux-arm64", 3, "'linux-arm64' is not a platform"),
                Arguments.of(f + "[platforms]\n2.15\tcuda12\tlinux-x86_64", 3, "'cuda12' is not a PyTorch variant"),
                Arguments.of(f + "[platforms]\n2.15\tcpu\tlinux-x86_64,linux-x86_64", 3, "listed twice"),
                Arguments.of(f + "[platforms]\n2.15\tcpu\twindows-arm64:3.13-3.11", 3, "ends before it starts"),
                Arguments.of(f + "[platforms]\n2.15\tcpu\tlinux-x86_64\tmacos-arm64", 3,
                        "the unlabelled platform macos-arm64 is not among the row's platforms"),
                Arguments.of(f + "[platforms]\n2.15\tcpu", 3, "expected 3 or 4 tab-separated fields"),
                Arguments.of(f + "[cuda-architectures]\n2.15\tcu134\t9.0\tlinux-aarch", 3,
                        "'linux-aarch' is not a platform"));
    }

    @ParameterizedTest(name = "line {1}: {2}")
    @MethodSource("malformedFiles")
    void aMalformedUserFileNamesTheFileAndTheLine(String text, int line, String message) throws IOException {
        Path file = write("broken.tsv", text);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> TorchData.withOverrides(List.of(file)));
        assertTrue(e.getMessage().contains(file + ", line " + line), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aUserFileSaysWhichPlatformsANewReleaseHasWheelsForAndItsLastRowWins() throws IOException {
        TorchData data = TorchData.withOverrides(List.of(write("new.tsv", NEW_RELEASE + String.join("\n",
                "[platforms]",
                "2.15\tcpu\tlinux-x86_64,linux-aarch64,macos-arm64\tmacos-arm64",
                "2.15\tcuda\tlinux-x86_64,windows-x86_64",
                "2.15\tcu134\tlinux-x86_64,linux-aarch64",
                "2.13\tcu132\tlinux-x86_64,windows-x86_64",
                ""))));
        TorchRelease r215 = data.seriesOf(Version.parse("2.15.0")).orElseThrow();
        TorchRelease r213 = data.seriesOf(Version.parse("2.13.0")).orElseThrow();
        assertTrue(data.wheels(r215, TorchVariant.parse("cu134")).orElseThrow().has(Platform.LINUX_AARCH64));
        assertFalse(data.wheels(r215, TorchVariant.parse("cu134")).orElseThrow().has(Platform.WINDOWS_X86_64));
        assertFalse(data.wheels(r215, TorchVariant.parse("cu130")).orElseThrow().has(Platform.LINUX_AARCH64));
        assertFalse(data.wheels(r215, TorchVariant.CPU_VARIANT).orElseThrow().labelled(Platform.MACOS_ARM64));
        assertTrue(data.wheels(r215, TorchVariant.parse("rocm7.2")).isEmpty());
        // The user's row for 2.13 cu132 comes after the built-in one, so Linux aarch64 is gone.
        assertFalse(data.wheels(r213, TorchVariant.parse("cu132")).orElseThrow().has(Platform.LINUX_AARCH64));
        assertTrue(TorchData.builtIn().wheels(r213, TorchVariant.parse("cu132")).orElseThrow()
                .has(Platform.LINUX_AARCH64));
        Accelerator gh200 = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "595.45.04",
                List.of(new Accelerator.Device("NVIDIA GH200 480GB", "9.0", -1)), "test");
        assertEquals("cu134", new VariantResolver(data).resolve(VariantRequest.builder(gh200).torch("==2.15.0")
                .architecture("aarch64").python("3.12.4").build()).variant().name());
        assertEquals("cu130", new VariantResolver(data).resolve(VariantRequest.builder(gh200).torch("==2.13.0")
                .architecture("aarch64").python("3.12.4").build()).variant().name());
    }

    @Test
    void aFileWithoutAFormatLineIsRejected() throws IOException {
        Path file = write("empty.tsv", "# nothing\n");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> TorchData.withOverrides(List.of(file)));
        assertTrue(e.getMessage().contains(file + " has no 'format' line"), e.getMessage());
    }

    @Test
    void aMissingFileNamesTheSetting() {
        Path missing = tmp.resolve("missing.tsv");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> TorchDataSource.fromSettings(
                Settings.of(Map.of(), Map.of("ISOENV_TORCH_DATA", missing.toString()))).load());
        assertTrue(e.getMessage().contains("environment variable ISOENV_TORCH_DATA points at " + missing), e.getMessage());
    }

    @Test
    void layersApplyInOrder() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("a.tsv", "format\tisoenv-torch-data/1\n[driver-floors]\ncu126\t530\t531\n");
        texts.put("b.tsv", "format\tisoenv-torch-data/1\n[driver-floors]\ncu126\t540\t541\n");
        assertEquals(Version.parse("540"), TorchData.withOverrideTexts(texts).driverFloor(TorchVariant.parse("cu126"))
                .orElseThrow().linux());
    }
}
