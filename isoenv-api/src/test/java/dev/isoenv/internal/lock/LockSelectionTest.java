package dev.isoenv.internal.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InvalidLockFileException;
import dev.isoenv.LockFileMismatchException;
import dev.isoenv.PackageLock;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEP 751's installation steps on real lock files, for the marker environments of a few machines. */
class LockSelectionTest {
    @TempDir
    Path dir;

    static Map<String, String> machine(String full, String platform, String machine) {
        String[] v = full.split("\\.");
        return Map.of("python_full_version", full, "python_version", v[0] + "." + v[1], "sys_platform", platform,
                "platform_machine", machine, "implementation_name", "cpython", "os_name",
                platform.equals("win32") ? "nt" : "posix");
    }

    static PackageLock resource(String name) {
        try {
            return PackageLock.read(Path.of(LockSelectionTest.class.getResource("/dev/isoenv/locks/" + name).toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> selected(PackageLock lock, Map<String, String> markers) {
        return LockSelection.select(lock, markers).stream().map(Object::toString).collect(Collectors.toList());
    }

    @Test
    void pep751sExampleFitsCPython312OnLinuxAndWindowsOnly() {
        PackageLock lock = resource("pylock.pep751-example.toml");
        // requires-python is '==3.12', which PEP 440 reads as 3.12.0 exactly.
        assertEquals(List.of("attrs==25.1.0", "cattrs==24.1.2", "numpy==2.2.3"),
                selected(lock, machine("3.12.0", "linux", "x86_64")));
        assertEquals(3, selected(lock, machine("3.12.0", "win32", "AMD64")).size());
        LockFileMismatchException python = assertThrows(LockFileMismatchException.class,
                () -> LockSelection.select(lock, machine("3.11.7", "linux", "x86_64")));
        assertTrue(python.getMessage().contains("==3.12") && python.getMessage().contains("3.11.7"), python.getMessage());
        LockFileMismatchException mac = assertThrows(LockFileMismatchException.class,
                () -> LockSelection.select(lock, machine("3.12.0", "darwin", "arm64")));
        assertTrue(mac.getMessage().contains("sys_platform darwin"), mac.getMessage());
        // numpy has a Linux x86-64 wheel and a Windows one only: an ARM Linux is refused, naming them.
        LockFileMismatchException arm = assertThrows(LockFileMismatchException.class,
                () -> LockSelection.select(lock, machine("3.12.0", "linux", "aarch64")));
        assertTrue(arm.getMessage().contains("numpy==2.2.3") && arm.getMessage().contains("win_amd64"),
                arm.getMessage());
    }

    @Test
    void uvPipCompileOutputFitsAnyPlatformFrom312() {
        PackageLock lock = resource("pylock.uv-pip-compile.toml");
        assertEquals(List.of("iniconfig==2.0.0"), selected(lock, machine("3.13.0", "darwin", "arm64")));
        assertThrows(LockFileMismatchException.class, () -> LockSelection.select(lock, machine("3.11.7", "linux", "x86_64")));
    }

    @Test
    void uvExportOutputIsRefusedForItsDirectoryAndItsUnhashedTorchWheels() throws IOException {
        PackageLock lock = resource("pylock.uv-export.toml");
        InvalidLockFileException member = assertThrows(InvalidLockFileException.class,
                () -> LockSelection.select(lock, machine("3.12.4", "linux", "x86_64")));
        assertTrue(member.getMessage().contains("member") && member.getMessage().contains("--no-emit-project"),
                member.getMessage());
        // Without the member, markers pick the CPU build of torch on Linux, which has no hashes to check.
        String text = Files.readString(lock.file()).replace("[[packages]]\nname = \"member\"\n"
                + "directory = { path = \"packages/member\", editable = true }\n", "");
        Path copy = dir.resolve("pylock.toml");
        Files.writeString(copy, text);
        InvalidLockFileException torch = assertThrows(InvalidLockFileException.class,
                () -> LockSelection.select(PackageLock.read(copy), machine("3.12.4", "linux", "x86_64")));
        assertTrue(torch.getMessage().contains("torch==2.6.0+cpu ; sys_platform != 'darwin'"), torch.getMessage());
    }

    @Test
    void pipLockOutputFitsAnyPython3() {
        assertEquals(List.of("simplewheel==2.0"), selected(resource("pylock.pip-lock.toml"),
                machine("3.8.18", "win32", "AMD64")));
    }

    private PackageLock lock(String body) throws IOException {
        Path file = dir.resolve("pylock.toml");
        Files.writeString(file, "lock-version = '1.0'\ncreated-by = 'test'\n" + body);
        return PackageLock.read(file);
    }

    private static String wheel(String name) {
        return "{url = 'https://x.example/" + name + "', hashes = {sha256 = '" + "b".repeat(64) + "'}}";
    }

    @Test
    void markersSeeDefaultGroupsAndNoExtras() throws IOException {
        PackageLock lock = lock("default-groups = ['dev']\n"
                + "[[packages]]\nname = 'a'\nversion = '1'\nmarker = \"'dev' in dependency_groups\"\nwheels = ["
                + wheel("a-1-py3-none-any.whl") + "]\n"
                + "[[packages]]\nname = 'b'\nversion = '1'\nmarker = \"'docs' in dependency_groups\"\nwheels = ["
                + wheel("b-1-py3-none-any.whl") + "]\n"
                + "[[packages]]\nname = 'c'\nversion = '1'\nmarker = \"'fast' in extras\"\nwheels = ["
                + wheel("c-1-py3-none-any.whl") + "]\n"
                + "[[packages]]\nname = 'd'\nversion = '1'\nmarker = \"'de' in dependency_groups\"\nwheels = ["
                + wheel("d-1-py3-none-any.whl") + "]\n");
        assertEquals(List.of("a==1 ; 'dev' in dependency_groups"), selected(lock, machine("3.11.7", "linux", "x86_64")));
    }

    @Test
    void twoEntriesForOnePackageAreAmbiguousAndAPackagesRequiresPythonMustFit() throws IOException {
        PackageLock twice = lock("[[packages]]\nname = 'a'\nversion = '1'\nwheels = [" + wheel("a-1-py3-none-any.whl")
                + "]\n[[packages]]\nname = 'a'\nversion = '2'\nwheels = [" + wheel("a-2-py3-none-any.whl") + "]\n");
        assertTrue(assertThrows(LockFileMismatchException.class, () -> LockSelection.select(twice,
                machine("3.11.7", "linux", "x86_64"))).getMessage().contains("two entries of a"));
        PackageLock old = lock("[[packages]]\nname = 'a'\nversion = '1'\nrequires-python = '<3.9'\nwheels = ["
                + wheel("a-1-py3-none-any.whl") + "]\n");
        assertThrows(LockFileMismatchException.class, () -> LockSelection.select(old, machine("3.11.7", "linux", "x86_64")));
    }

    @Test
    void aPackageWithoutAFileOrVersionCannotBeInstalled() throws IOException {
        PackageLock unknown = lock("[[packages]]\nname = 'a'\nversion = '1'\n");
        assertTrue(assertThrows(InvalidLockFileException.class, () -> LockSelection.select(unknown,
                machine("3.11.7", "linux", "x86_64"))).getMessage().contains("no file at all"));
        PackageLock md5 = lock("[[packages]]\nname = 'a'\nversion = '1'\nsdist = {url = 'https://x.example/a-1.tar.gz',"
                + " hashes = {md5 = '" + "c".repeat(32) + "'}}\n");
        assertThrows(InvalidLockFileException.class, () -> LockSelection.select(md5, machine("3.11.7", "linux", "x86_64")));
    }

    @Test
    void wheelTags() {
        Map<String, String> linux311 = machine("3.11.7", "linux", "x86_64");
        assertTrue(LockSelection.wheelFits("a-1-py3-none-any.whl", linux311));
        assertTrue(LockSelection.wheelFits("a-1-py2.py3-none-any.whl", linux311));
        assertTrue(LockSelection.wheelFits("a-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", linux311));
        assertTrue(LockSelection.wheelFits("a-1-cp38-abi3-manylinux_2_28_x86_64.whl", linux311));
        assertTrue(LockSelection.wheelFits("a-1-cp311-cp311-musllinux_1_2_x86_64.whl", linux311));
        assertFalse(LockSelection.wheelFits("a-1-cp312-cp312-manylinux_2_17_x86_64.whl", linux311));
        assertFalse(LockSelection.wheelFits("a-1-cp311-cp311-manylinux_2_17_aarch64.whl", linux311));
        assertFalse(LockSelection.wheelFits("a-1-cp311-cp311-win_amd64.whl", linux311));
        assertFalse(LockSelection.wheelFits("a-1-cp311-cp311-macosx_11_0_arm64.whl", linux311));
        assertFalse(LockSelection.wheelFits("a-1-py312-none-any.whl", linux311));
        Map<String, String> mac = machine("3.12.1", "darwin", "arm64");
        assertTrue(LockSelection.wheelFits("a-1-cp312-cp312-macosx_10_13_universal2.whl", mac));
        assertTrue(LockSelection.wheelFits("a-1-cp312-cp312-macosx_11_0_arm64.whl", mac));
        assertFalse(LockSelection.wheelFits("a-1-cp312-cp312-macosx_10_9_x86_64.whl", mac));
        Map<String, String> windows = machine("3.12.1", "win32", "AMD64");
        assertTrue(LockSelection.wheelFits("a-1-cp312-cp312-win_amd64.whl", windows));
        assertFalse(LockSelection.wheelFits("a-1-cp312-cp312-win32.whl", windows));
    }
}
