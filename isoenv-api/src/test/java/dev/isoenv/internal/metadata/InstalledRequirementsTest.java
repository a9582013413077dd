package dev.isoenv.internal.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.Requirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta of a step over a real site-packages directory written by the test: a requirement is left out only when
 * it and everything it needs are installed at versions that it, its dependencies and the constraints accept; all
 * else goes to the installer. What satisfied requirements need comes back as constraints.
 */
class InstalledRequirementsTest {
    private static final Map<String, String> LINUX = Map.of("python_version", "3.11", "python_full_version", "3.11.7",
            "sys_platform", "linux", "os_name", "posix", "platform_system", "Linux", "platform_machine", "x86_64",
            "implementation_name", "cpython", "platform_python_implementation", "CPython");

    @TempDir
    Path site;

    @Test
    void onlyWhatIsNotInstalledIsMissing() throws IOException {
        distInfo("app", "1.0", "requests (>=2.0)", "colorama; sys_platform == \"win32\"");
        distInfo("requests", "2.31.0", "idna<4,>=2.5", "PySocks>=1.5.6; extra == \"socks\"");
        distInfo("idna", "3.6");

        InstalledRequirements.Delta delta = delta(List.of("app", "requests>=2", "newcomer"), List.of());
        assertEquals(List.of("newcomer"), texts(delta.missing()));
        assertEquals(List.of("requests>=2.0", "idna<4,>=2.5", "requests>=2"), texts(delta.keep()));
    }

    @Test
    void everythingSatisfiedLeavesNothingToInstallAndNoConstraints() throws IOException {
        distInfo("app", "1.0", "idna");
        distInfo("idna", "3.6");
        InstalledRequirements.Delta delta = delta(List.of("app==1.0", "idna"), List.of());
        assertEquals(List.of(), delta.missing());
        assertEquals(List.of(), delta.keep());
    }

    @Test
    void aVersionOutsideTheSpecifierOrAConstraintIsMissing() throws IOException {
        distInfo("app", "1.0", "idna>=3");
        distInfo("idna", "3.6");
        assertEquals(List.of("app>=2"), texts(delta(List.of("app>=2"), List.of()).missing()));
        assertEquals(List.of("app"), texts(delta(List.of("app"), List.of("idna<3.5")).missing()));
        assertEquals(List.of(), texts(delta(List.of("app"), List.of("idna<4", "other==1")).missing()));
    }

    @Test
    void aDependencyThatIsMissingOrTooOldMakesItsRootMissing() throws IOException {
        distInfo("app", "1.0", "lib>=2", "extra-dep; extra == \"full\"");
        distInfo("lib", "1.5");
        distInfo("other", "1.0", "gone");
        assertEquals(List.of("app", "other"), texts(delta(List.of("app", "other"), List.of()).missing()));
        distInfo("lib", "2.5");
        Files.delete(site.resolve("lib-1.5.dist-info/METADATA"));
        assertEquals(List.of("app[full]"), texts(delta(List.of("app", "app[full]"), List.of()).missing()));
    }

    @Test
    void whatCannotBeDecidedIsMissing() throws IOException {
        distInfo("app", "1.0");
        distInfo("odd", "not a version");
        distInfo("twice", "1.0");
        distInfo("twice", "2.0");
        assertEquals(List.of("app @ https://example.org/app-1.0-py3-none-any.whl", "odd", "twice"),
                texts(delta(List.of("app @ https://example.org/app-1.0-py3-none-any.whl", "odd", "twice"),
                        List.of()).missing()));
        assertEquals(List.of("app"), texts(InstalledRequirements.of(site.resolve("absent"),
                List.of(Requirement.parse("app")), List.of(), LINUX).missing()));
    }

    @Test
    void aRequirementForAnotherPlatformIsNotMissing() throws IOException {
        assertEquals(List.of(), delta(List.of("pywin32; sys_platform == \"win32\""), List.of()).missing());
    }

    private InstalledRequirements.Delta delta(List<String> requirements, List<String> constraints) {
        List<Requirement> r = new ArrayList<>();
        requirements.forEach(t -> r.add(Requirement.parse(t)));
        List<Requirement> c = new ArrayList<>();
        constraints.forEach(t -> c.add(Requirement.parse(t)));
        return InstalledRequirements.of(site, r, c, LINUX);
    }

    private static List<String> texts(List<Requirement> requirements) {
        List<String> out = new ArrayList<>();
        requirements.forEach(r -> out.add(r.toString()));
        return out;
    }

    private void distInfo(String name, String version, String... requires) throws IOException {
        StringBuilder metadata = new StringBuilder("Metadata-Version: 2.1\nName: ").append(name)
                .append("\nVersion: ").append(version).append('\n');
        for (String r : requires) {
            metadata.append("Requires-Dist: ").append(r).append('\n');
        }
        metadata.append("\nA description.\n");
        Path file = site.resolve(name.replace('-', '_') + "-" + version.replace(' ', '_') + ".dist-info/METADATA");
        Files.createDirectories(file.getParent());
        Files.writeString(file, metadata.toString());
    }
}
