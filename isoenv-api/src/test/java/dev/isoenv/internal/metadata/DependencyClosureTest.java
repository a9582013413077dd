package dev.isoenv.internal.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.isoenv.Requirement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dependency closure over a real site-packages directory written by the test, as pip leaves it: what the
 * closure leaves out, isoenv uninstalls. So a dependency for another platform, an old Python or an extra that was
 * not asked for must be left out, and everything isoenv cannot decide must stay in.
 */
class DependencyClosureTest {
    private static final Map<String, String> LINUX = Map.of("python_version", "3.11", "python_full_version", "3.11.7",
            "sys_platform", "linux", "os_name", "posix", "platform_system", "Linux", "platform_machine", "x86_64",
            "implementation_name", "cpython", "platform_python_implementation", "CPython");
    private static final Map<String, String> WINDOWS = Map.of("python_version", "3.11", "python_full_version",
            "3.11.7", "sys_platform", "win32", "os_name", "nt", "platform_system", "Windows", "platform_machine",
            "AMD64", "implementation_name", "cpython", "platform_python_implementation", "CPython");

    @TempDir
    Path site;

    @Test
    void aDependencyForAnotherPlatformOrAnOlderPythonIsNotNeeded() throws IOException {
        distInfo("app", "1.0",
                "colorama; sys_platform == \"win32\"",
                "importlib-metadata>=4; python_version < \"3.8\"",
                "typing_extensions>=4.0; python_version >= \"3.8\"",
                "requests (>=2.0)");
        distInfo("colorama", "0.4.6");
        distInfo("importlib_metadata", "6.0.0", "zipp>=0.5");
        distInfo("zipp", "3.17.0");
        distInfo("typing_extensions", "4.9.0");
        distInfo("requests", "2.31.0", "idna<4,>=2.5", "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"");
        distInfo("idna", "3.6");
        distInfo("PySocks", "1.7.1");

        assertEquals(Set.of("app", "typing-extensions", "requests", "idna"), closure(LINUX, "app"));
        assertEquals(Set.of("app", "colorama", "typing-extensions", "requests", "idna"), closure(WINDOWS, "app"));
        Map<String, String> python37 = new HashMap<>(LINUX);
        python37.put("python_version", "3.7");
        python37.put("python_full_version", "3.7.17");
        assertEquals(Set.of("app", "importlib-metadata", "zipp", "requests", "idna"), closure(python37, "app"));
    }

    @Test
    void aRequirementWhoseOwnMarkerIsFalseNeedsNothing() throws IOException {
        distInfo("pywin32", "306");
        distInfo("six", "1.16.0");
        assertEquals(Set.of("six"), closure(LINUX, "pywin32; sys_platform == \"win32\"", "six"));
        assertEquals(Set.of("pywin32", "six"), closure(WINDOWS, "pywin32; sys_platform == \"win32\"", "six"));
    }

    @Test
    void anExtrasDependenciesAreNeededOnlyWhenTheExtraIsRequested() throws IOException {
        distInfo("tool", "2.0",
                "attrs",
                "click>=8; extra == \"cli\"",
                "rich; extra == \"cli\" and sys_platform == \"linux\"",
                "shellingham; extra == \"cli\" and sys_platform == \"win32\"",
                "pytest; extra == 'test'",
                "orjson; extra == \"Fast_JSON\"");
        for (String name : new String[] {"attrs", "click", "rich", "shellingham", "pytest", "orjson"}) {
            distInfo(name, "1.0");
        }
        assertEquals(Set.of("tool", "attrs"), closure(LINUX, "tool"));
        assertEquals(Set.of("tool", "attrs", "click", "rich"), closure(LINUX, "tool[cli]"));
        assertEquals(Set.of("tool", "attrs", "click", "shellingham"), closure(WINDOWS, "tool[cli]"));
        assertEquals(Set.of("tool", "attrs", "click", "rich", "pytest"), closure(LINUX, "tool[cli,test]"));
        // Extras are compared after PEP 503 normalization, both in the requirement and in the marker.
        assertEquals(Set.of("tool", "attrs", "orjson"), closure(LINUX, "tool[fast-json]"));
        assertEquals(Set.of("tool", "attrs", "orjson"), closure(LINUX, "tool[FAST.JSON]"));
        // Two requirements on one distribution: the one with the extra adds its dependencies.
        assertEquals(Set.of("tool", "attrs", "pytest"), closure(LINUX, "tool", "tool[test]"));
    }

    @Test
    void extrasRequestedByADependencyAreFollowed() throws IOException {
        distInfo("web", "1.0", "uvicorn[standard]>=0.20", "Jinja2");
        distInfo("uvicorn", "0.27.0", "h11>=0.8", "uvloop; extra == \"standard\" and sys_platform != \"win32\"",
                "websockets>=10.4; extra == \"standard\"");
        distInfo("h11", "0.14.0");
        distInfo("uvloop", "0.19.0");
        distInfo("websockets", "12.0");
        distInfo("jinja2", "3.1.3", "MarkupSafe>=2.0", "Babel>=2.7; extra == \"i18n\"");
        distInfo("MarkupSafe", "2.1.5");
        distInfo("Babel", "2.14.0");
        assertEquals(Set.of("web", "uvicorn", "h11", "uvloop", "websockets", "jinja2", "markupsafe"),
                closure(LINUX, "web"));
        assertEquals(Set.of("web", "uvicorn", "h11", "websockets", "jinja2", "markupsafe"), closure(WINDOWS, "web"));
        assertEquals(Set.of("uvicorn", "h11"), closure(LINUX, "uvicorn"));
    }

    @Test
    void cyclesEndAndEveryMemberIsNeeded() throws IOException {
        distInfo("alpha", "1", "beta");
        distInfo("beta", "1", "gamma[x]");
        distInfo("gamma", "1", "alpha", "beta; extra == \"x\"", "delta; extra == \"x\"");
        distInfo("delta", "1", "gamma[x]");
        distInfo("unrelated", "1", "alpha");
        assertEquals(Set.of("alpha", "beta", "gamma", "delta"), closure(LINUX, "alpha"));
        assertEquals(Set.of("alpha", "beta", "gamma", "delta"), closure(LINUX, "delta"));
    }

    @Test
    void oldStyleParenthesizedVersionsAndNameSpellingsMatchTheInstalledNames() throws IOException {
        distInfo("Zope.Interface", "6.1", "setuptools");
        distInfo("legacy-app", "0.9", "zope.interface (>=3.6.0)", "Paste_Deploy (>=1.5, <3); python_version >= \"3\"",
                "simplejson(>=3)");
        distInfo("PasteDeploy", "3.1.0");
        distInfo("paste-deploy", "1.5.2");
        distInfo("simplejson", "3.19.2");
        distInfo("setuptools", "69.0.0");
        assertEquals(Set.of("legacy-app", "zope-interface", "paste-deploy", "simplejson", "setuptools"),
                closure(LINUX, "Legacy_App"));
    }

    @Test
    void aMissingDependencyIsSkippedAndTheRestIsStillFollowed() throws IOException {
        distInfo("app", "1.0", "ghost>=1.0", "real");
        distInfo("real", "1.0", "also-missing[extra]; python_version >= \"3\"", "leaf");
        distInfo("leaf", "1.0");
        assertEquals(Set.of("app", "real", "leaf"), closure(LINUX, "app"));
        assertEquals(Set.of(), closure(LINUX, "not-installed"));
    }

    @Test
    void whatCannotBeDecidedIsNeeded() throws IOException {
        distInfo("app", "1.0",
                "unknown-variable; platform_flavor == \"gentoo\"",
                "unparsable; python_version <<< \"3\"",
                "windows-only; sys_platform == \"win32\"");
        distInfo("unknown-variable", "1.0");
        distInfo("unparsable", "1.0");
        distInfo("windows-only", "1.0");
        assertEquals(Set.of("app", "unknown-variable", "unparsable"), closure(LINUX, "app"));
        // Without a recorded marker environment every platform marker is undecidable, so all stay.
        assertEquals(Set.of("app", "unknown-variable", "unparsable", "windows-only"), closure(Map.of(), "app"));
    }

    @Test
    void eggInfoRequiresTxtSectionsAreExtrasAndMarkers() throws IOException {
        write(site.resolve("Legacy-1.0-py3.11.egg-info/PKG-INFO"),
                "Metadata-Version: 1.1\nName: Legacy\nVersion: 1.0\n");
        write(site.resolve("Legacy-1.0-py3.11.egg-info/requires.txt"), String.join("\n",
                "six>=1.0",
                "",
                "[:sys_platform == \"win32\"]",
                "pywin32",
                "",
                "[CLI]",
                "click",
                "",
                "[cli:python_version < \"3.8\"]",
                "importlib-metadata",
                "",
                "[cli:sys_platform == \"linux\"]",
                "# a comment",
                "rich",
                "",
                "[test]",
                "pytest",
                ""));
        for (String name : new String[] {"six", "pywin32", "click", "importlib-metadata", "rich", "pytest"}) {
            distInfo(name, "1.0");
        }
        assertEquals(Set.of("legacy", "six"), closure(LINUX, "legacy"));
        assertEquals(Set.of("legacy", "six", "pywin32"), closure(WINDOWS, "legacy"));
        assertEquals(Set.of("legacy", "six", "click", "rich"), closure(LINUX, "legacy[cli]"));
        assertEquals(Set.of("legacy", "six", "pywin32", "click", "pytest"), closure(WINDOWS, "legacy[cli,test]"));
    }

    @Test
    void leftoversOfAnInterruptedInstallAreNotDistributions() throws IOException {
        distInfo("app", "1.0", "lib");
        distInfo("lib", "2.0");
        write(site.resolve("~ib-1.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: lib\nVersion: 1.0\n"
                + "Requires-Dist: stale\n\n");
        distInfo("stale", "1.0");
        assertEquals(Set.of("app", "lib"), closure(LINUX, "app"));
    }

    @Test
    void onlyTheHeaderOfMetadataCounts() throws IOException {
        write(site.resolve("app-1.0.dist-info/METADATA"), "Metadata-Version: 2.1\r\nName: app\r\nVersion: 1.0\r\n"
                + "License: MIT\r\n        continued\r\nrequires-dist: lower-case-header\r\n\r\n"
                + "Requires-Dist: in-the-description\r\n");
        distInfo("lower-case-header", "1.0");
        distInfo("in-the-description", "1.0");
        assertEquals(Set.of("app", "lower-case-header"), closure(LINUX, "app"));
    }

    @Test
    void metadataThatIsNotUtf8StillCounts() throws IOException {
        // Old sdists wrote PKG-INFO and requires.txt in Latin-1; one byte must not hide what the distribution needs.
        byte[] author = "Author: Fran\u00e7ois\n".getBytes(StandardCharsets.ISO_8859_1);
        writeBytes(site.resolve("app-1.0.dist-info/METADATA"), concat(
                "Metadata-Version: 2.1\nName: app\nVersion: 1.0\n".getBytes(StandardCharsets.US_ASCII), author,
                "Requires-Dist: lib\n\n".getBytes(StandardCharsets.US_ASCII)));
        distInfo("lib", "1.0");
        write(site.resolve("old-0.1-py3.11.egg-info/PKG-INFO"), "Metadata-Version: 1.0\nName: old\nVersion: 0.1\n");
        writeBytes(site.resolve("old-0.1-py3.11.egg-info/requires.txt"), concat(
                "# Fran\u00e7ois\n".getBytes(StandardCharsets.ISO_8859_1),
                "helper\n".getBytes(StandardCharsets.US_ASCII)));
        distInfo("helper", "1.0");
        assertEquals(Set.of("app", "lib", "old", "helper"), closure(LINUX, "app", "old"));
    }

    @Test
    void metadataThatCannotBeReadKeepsEverything() throws IOException {
        distInfo("app", "1.0", "lib");
        distInfo("lib", "1.0");
        distInfo("other", "1.0");
        Path metadata = site.resolve("lib-1.0.dist-info/METADATA");
        Files.setPosixFilePermissions(metadata, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(metadata), "this user (root?) reads files without read permission, so"
                    + " an unreadable METADATA cannot be made here");
            // What lib needs is unknown, so nothing installed may be removed.
            assertEquals(Set.of("app", "lib", "other"), closure(LINUX, "app"));
        } finally {
            Files.setPosixFilePermissions(metadata, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void aMissingSitePackagesNeedsNothing() {
        assertEquals(Set.of(), DependencyClosure.of(site.resolve("absent"), List.of(Requirement.parse("app")), LINUX));
    }

    private Set<String> closure(Map<String, String> markers, String... requirements) {
        List<Requirement> parsed = new ArrayList<>();
        for (String r : requirements) {
            parsed.add(Requirement.parse(r));
        }
        return DependencyClosure.of(site, parsed, markers);
    }

    private void distInfo(String name, String version, String... requires) throws IOException {
        StringBuilder metadata = new StringBuilder("Metadata-Version: 2.1\nName: ").append(name)
                .append("\nVersion: ").append(version).append('\n');
        for (String r : requires) {
            metadata.append("Requires-Dist: ").append(r).append('\n');
        }
        metadata.append("\nA description.\n");
        write(site.resolve(name.replace('-', '_') + "-" + version + ".dist-info/METADATA"), metadata.toString());
    }

    private static void writeBytes(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
