package dev.isoenv.testing.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WheelBuilderTest {
    private static final String DIST_INFO = "isoenv_demo_thing-1.0.dist-info/";

    private static WheelBuilder thing() {
        return WheelBuilder.wheel("Isoenv-Demo.Thing", "1.0").file("isoenv_demo_thing/__init__.py", "X = 1\n");
    }

    @Test
    void fileNameEscapesTheNormalizedName() {
        assertEquals("isoenv_demo_thing-1.0-py3-none-any.whl", thing().fileName());
        assertEquals("isoenv_demo_thing-1.0.dist-info", thing().distInfoDirectory());
    }

    @Test
    void localVersionLabelsStayInTheFileName() {
        DistributionFile wheel = WheelBuilder.wheel("torch", "2.5.1+cu126").file("torch/__init__.py", "").build();

        assertEquals("torch-2.5.1+cu126-py3-none-any.whl", wheel.fileName());
        assertEquals("2.5.1+cu126", wheel.version());
        assertEquals("torch", wheel.project());
    }

    @Test
    void metadataListsNameVersionRequirementsExtrasAndRequiresPython() {
        DistributionFile wheel = thing()
                .summary("A thing")
                .requiresPython(">=3.8")
                .requires("isoenv-demo-hello>=1.0,<2.0")
                .requires("colorama; platform_system == \"Windows\"")
                .requiresForExtra("cli", "rich[jupyter]>=13")
                .requiresForExtra("cli", "click; python_version >= \"3.8\"")
                .build();

        String metadata = text(wheel, DIST_INFO + "METADATA");
        assertEquals("Metadata-Version: 2.1\n"
                + "Name: Isoenv-Demo.Thing\n"
                + "Version: 1.0\n"
                + "Summary: A thing\n"
                + "Requires-Python: >=3.8\n"
                + "Provides-Extra: cli\n"
                + "Requires-Dist: isoenv-demo-hello>=1.0,<2.0\n"
                + "Requires-Dist: colorama; platform_system == \"Windows\"\n"
                + "Requires-Dist: rich[jupyter]>=13; extra == \"cli\"\n"
                + "Requires-Dist: click; (python_version >= \"3.8\") and extra == \"cli\"\n"
                + "\n", metadata);
        assertEquals(Optional.of(">=3.8"), wheel.requiresPython());
    }

    @Test
    void wheelFileDeclaresAPurelibWheelAndItsTag() {
        assertEquals("Wheel-Version: 1.0\n"
                + "Generator: " + WheelBuilder.GENERATOR + "\n"
                + "Root-Is-Purelib: true\n"
                + "Tag: py3-none-any\n\n", text(thing().build(), DIST_INFO + "WHEEL"));
    }

    @Test
    void aTagOverrideChangesTheFileNameAndExpandsIntoTagLines() {
        DistributionFile wheel = thing().tag("cp311.cp312-abi3-win_amd64.win_arm64").build();

        assertEquals("isoenv_demo_thing-1.0-cp311.cp312-abi3-win_amd64.win_arm64.whl", wheel.fileName());
        String wheelFile = text(wheel, DIST_INFO + "WHEEL");
        assertTrue(wheelFile.contains("Tag: cp311-abi3-win_amd64\nTag: cp311-abi3-win_arm64\n"
                + "Tag: cp312-abi3-win_amd64\nTag: cp312-abi3-win_arm64\n"), wheelFile);
    }

    @Test
    void entryPointsAreWrittenByGroup() {
        DistributionFile wheel = thing()
                .consoleScript("thing", "isoenv_demo_thing:main")
                .consoleScript("thing-admin", "isoenv_demo_thing.admin:run")
                .entryPoint("isoenv.plugins", "thing", "isoenv_demo_thing")
                .build();

        assertEquals("[console_scripts]\n"
                + "thing = isoenv_demo_thing:main\n"
                + "thing-admin = isoenv_demo_thing.admin:run\n\n"
                + "[isoenv.plugins]\n"
                + "thing = isoenv_demo_thing\n\n", text(wheel, DIST_INFO + "entry_points.txt"));
    }

    @Test
    void filesFromAMapKeepTheirOrder() {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("pkg/__init__.py", "");
        files.put("pkg/data.txt", "data");

        DistributionFile wheel = WheelBuilder.wheel("pkg", "1.0").files(files).build();

        assertEquals(List.of("pkg/__init__.py", "pkg/data.txt"),
                new ArrayList<>(ZipContents.of(wheel.content()).keySet()).subList(0, 2));
        assertEquals("data", text(wheel, "pkg/data.txt"));
    }

    @Test
    void noEntryPointsMeansNoEntryPointsFile() {
        assertFalse(ZipContents.of(thing().build().content()).containsKey(DIST_INFO + "entry_points.txt"));
    }

    @Test
    void recordListsEveryFileWithItsDigestAndSizeAndItselfLast() {
        DistributionFile wheel = thing().module("isoenv_demo_thing.sub", "Y = 2\n")
                .consoleScript("thing", "isoenv_demo_thing:main").build();
        Map<String, byte[]> entries = ZipContents.of(wheel.content());

        List<String> rows = text(wheel, DIST_INFO + "RECORD").lines().collect(java.util.stream.Collectors.toList());
        List<String> expected = new ArrayList<>();
        entries.forEach((path, content) -> {
            if (!path.endsWith("/RECORD")) {
                String digest = BaseEncoding.base64Url().omitPadding()
                        .encode(Hashing.sha256().hashBytes(content).asBytes());
                expected.add(path + ",sha256=" + digest + "," + content.length);
            }
        });
        expected.add(DIST_INFO + "RECORD,,");
        assertEquals(expected, rows);
        assertEquals(List.of("isoenv_demo_thing/__init__.py", "isoenv_demo_thing/sub.py", DIST_INFO + "METADATA",
                DIST_INFO + "WHEEL", DIST_INFO + "entry_points.txt", DIST_INFO + "RECORD"),
                new ArrayList<>(entries.keySet()));
        assertEquals("sha256=".length() + 43, rows.get(0).split(",")[1].length(), "unpadded base64 of 32 bytes");
    }

    @Test
    void buildingTwiceGivesTheSameBytes() {
        assertArrayEquals(thing().build().content(), thing().build().content());
    }

    @Test
    void buildToWritesTheWheelUnderItsName(@TempDir Path dir) throws Exception {
        Path written = thing().buildTo(dir);

        assertEquals(dir.resolve("isoenv_demo_thing-1.0-py3-none-any.whl"), written);
        assertArrayEquals(thing().build().content(), Files.readAllBytes(written));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/abs.py", "a/../b.py", "a//b.py", "a\\b.py", "./a.py", "isoenv_demo_thing-1.0.dist-info/X"})
    void rejectsUncleanOrReservedPaths(String path) {
        assertThrows(IllegalArgumentException.class, () -> thing().file(path, ""));
    }

    @Test
    void rejectsAFileAddedTwice() {
        assertThrows(IllegalArgumentException.class, () -> thing().file("isoenv_demo_thing/__init__.py", ""));
    }

    @Test
    void rejectsBadNamesVersionsTagsAndEntryPoints() {
        assertThrows(IllegalArgumentException.class, () -> WheelBuilder.wheel("-bad", "1.0"));
        assertThrows(IllegalArgumentException.class, () -> WheelBuilder.wheel("good", "1.0-1"));
        assertThrows(IllegalArgumentException.class, () -> WheelBuilder.wheel("good", "v1.0"));
        assertThrows(IllegalArgumentException.class, () -> thing().tag("py3-none"));
        assertThrows(IllegalArgumentException.class, () -> thing().consoleScript("x", "not a target"));
        assertThrows(IllegalArgumentException.class, () -> thing().requires("two\nlines"));
    }

    private static String text(DistributionFile wheel, String path) {
        byte[] content = ZipContents.of(wheel.content()).get(path);
        assertTrue(content != null, () -> path + " missing from " + ZipContents.of(wheel.content()).keySet());
        return new String(content, UTF_8);
    }
}
