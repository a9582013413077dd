package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.internal.version.Version;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where uv is looked for, in which order, and how its version is read and judged. */
class UvLocatorTest {
    @TempDir
    Path dir;

    private final ScriptedRunner uv = new ScriptedRunner();

    private Path exe(String folder, OperatingSystem os) throws IOException {
        Path file = Files.createDirectories(dir.resolve(folder)).resolve(os.executableName("uv"));
        Files.writeString(file, "");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    private static UvLocator locator(OperatingSystem os, String property) {
        return new UvLocator(os, name -> name.equals(UvLocator.PROPERTY) ? property : null);
    }

    @Test
    void versionLinesOfEveryFormat() {
        assertEquals(Optional.of(Version.parse("0.12.5")), UvLocator.parseVersion(Fixtures.read("version-0.12.5.txt")));
        assertEquals(Optional.of(Version.parse("0.5.29")), UvLocator.parseVersion(Fixtures.read("version-0.5.29.txt")));
        assertEquals(Optional.of(Version.parse("0.4.30")), UvLocator.parseVersion(Fixtures.read("version-0.4.30.txt")));
        assertEquals(Optional.of(Version.parse("0.12.5")),
                UvLocator.parseVersion(Fixtures.read("version-ahead-of-tag.txt")));
        assertEquals(Optional.of(Version.parse("0.6.0")), UvLocator.parseVersion("uv 0.6.0\n"));
        assertEquals(Optional.empty(), UvLocator.parseVersion("Python 3.12.4"));
        assertEquals(Optional.empty(), UvLocator.parseVersion(""));
    }

    @Test
    void theOptionComesFirstThenThePropertyThenPathThenTheInstallFolders() throws IOException {
        Path option = exe("option", OperatingSystem.LINUX);
        Path property = exe("property", OperatingSystem.LINUX);
        Path onPath = exe("on-path", OperatingSystem.LINUX);
        Path local = exe("home/.local/bin", OperatingSystem.LINUX);
        Path cargo = exe("home2/.cargo/bin", OperatingSystem.LINUX);
        Map<String, String> env = Map.of("PATH", dir.resolve("empty") + ":" + onPath.getParent(), "HOME",
                dir.resolve("home").toString());

        assertEquals(option, locator(OperatingSystem.LINUX, property.toString()).locate(Optional.of(option), env).path());
        UvLocator.Located byProperty = locator(OperatingSystem.LINUX, property.toString()).locate(Optional.empty(), env);
        assertEquals(property, byProperty.path());
        assertEquals("named by the system property isoenv.uv", byProperty.source());
        UvLocator.Located byPath = locator(OperatingSystem.LINUX, " ").locate(Optional.empty(), env);
        assertEquals(onPath, byPath.path());
        assertEquals("found on PATH", byPath.source());
        assertEquals(local, locator(OperatingSystem.LINUX, null).locate(Optional.empty(),
                Map.of("PATH", "", "HOME", dir.resolve("home").toString())).path());
        assertEquals(cargo, locator(OperatingSystem.LINUX, null).locate(Optional.empty(),
                Map.of("HOME", dir.resolve("home2").toString())).path());
    }

    @Test
    void onWindowsUvExeIsFoundInTheUserProfileAndWinGetsLinks() throws IOException {
        Path local = exe("profile/.local/bin", OperatingSystem.WINDOWS);
        assertEquals(local, locator(OperatingSystem.WINDOWS, null).locate(Optional.empty(),
                Map.of("USERPROFILE", dir.resolve("profile").toString())).path());
        Path winget = exe("appdata/Microsoft/WinGet/Links", OperatingSystem.WINDOWS);
        assertEquals(winget, locator(OperatingSystem.WINDOWS, null).locate(Optional.empty(),
                Map.of("LOCALAPPDATA", dir.resolve("appdata").toString())).path());
    }

    @Test
    void anExplicitPathThatIsNoExecutableIsAProblemNotAFallback() throws IOException {
        exe("on-path", OperatingSystem.LINUX);
        Map<String, String> env = Map.of("PATH", dir.resolve("on-path").toString());
        UvLocator.Located located = locator(OperatingSystem.LINUX, dir.resolve("missing").toString())
                .locate(Optional.empty(), env);
        assertNull(located.path());
        assertEquals("the system property isoenv.uv names " + dir.resolve("missing")
                + ", which is not an executable file", located.problem());
    }

    @Test
    void whenNothingIsFoundTheProblemSaysHowToPointAtAUv() {
        UvLocator.Located located = locator(OperatingSystem.LINUX, null).locate(Optional.empty(),
                Map.of("PATH", dir.toString(), "HOME", dir.resolve("home").toString()));
        assertNull(located.path());
        assertTrue(located.problem().contains("-Disoenv.uv=/path/to/uv"), located.problem());
        assertTrue(located.problem().contains(dir.resolve("home/.local/bin").toString()), located.problem());
        assertTrue(located.problem().contains("0.5.29"), located.problem());
    }

    @Test
    void theVersionIsReadOncePerFileAndAgainWhenTheFileChanges() throws IOException {
        Path file = exe("bin", OperatingSystem.LINUX);
        uv.reply("version", 0, Fixtures.read("version-0.5.29.txt"), "");
        UvLocator locator = locator(OperatingSystem.LINUX, null);
        ProcessRequest.Builder request = ProcessRequest.command(file.toString(), "--version");

        UvLocator.Result first = locator.version(file, r -> uv.runner().run(r.build()), request);
        assertEquals(Version.parse("0.5.29"), first.version());
        assertNull(first.problem(), "0.5.29 is the minimum, and accepted");
        locator.version(file, r -> uv.runner().run(r.build()), request);
        assertEquals(1, uv.requests("version").size());

        uv.reply("version", 0, Fixtures.read("version-0.4.30.txt"), "");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        UvLocator.Result replaced = locator.version(file, r -> uv.runner().run(r.build()), request);
        assertEquals(2, uv.requests("version").size());
        assertEquals("uv 0.4.30 at " + file + " is older than 0.5.29, the oldest uv this backend supports; upgrade it"
                + " (uv self update, or your package manager)", replaced.problem());
    }

    @Test
    void somethingThatIsNotUvIsAProblem() throws IOException {
        Path file = exe("bin", OperatingSystem.LINUX);
        uv.reply("version", 0, "Python 3.12.4\n", "");
        UvLocator.Result result = locator(OperatingSystem.LINUX, null).version(file, r -> uv.runner().run(r.build()),
                ProcessRequest.command(file.toString(), "--version"));
        assertNull(result.version());
        assertTrue(result.problem().contains("is it really uv?"), result.problem());
    }

    @Test
    void aFailedVersionRunIsTriedAgainNextTime() throws IOException {
        Path file = exe("bin", OperatingSystem.LINUX);
        UvLocator locator = locator(OperatingSystem.LINUX, null);
        ProcessRequest.Builder request = ProcessRequest.command(file.toString(), "--version");
        uv.reply("version", 1, "", "The process cannot access the file because it is being used by another process");
        assertNull(locator.version(file, r -> uv.runner().run(r.build()), request).version());
        uv.reply("version", 0, Fixtures.read("version-0.12.5.txt"), "");
        assertEquals(Version.parse("0.12.5"), locator.version(file, r -> uv.runner().run(r.build()), request).version(),
                "a transient failure does not make uv unavailable for the life of the JVM");
        assertEquals(2, uv.requests("version").size());
    }
}
