package dev.isoenv.internal.pip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipCommandsTest {
    private final Path root = Path.of("envs", "x").toAbsolutePath();
    private final EnvironmentLayout linux = EnvironmentLayout.virtualEnvironment(root,
            root.resolve("lib/python3.11/site-packages"), OperatingSystem.LINUX);

    @Test
    void installPutsEveryRequirementAfterTheEndOfOptions() {
        List<String> command = PipCommands.install(linux,
                List.of(Requirement.parse("requests>=2"), Requirement.parse("torch==2.5.1+cu126")),
                root.resolve(".isoenv/constraints.txt"), false);
        assertEquals(List.of(root.resolve("bin/python").toString(), "-m", "pip", "install", "--no-input",
                "--progress-bar", "off", "--disable-pip-version-check", "--constraint",
                root.resolve(".isoenv/constraints.txt").toString(), "--", "requests>=2", "torch==2.5.1+cu126"), command);
    }

    @Test
    void aLocksInstallNamesOnlyIsoenvsOwnFilesAndChecksHashesWithoutResolving() {
        Path requirements = root.resolve(".isoenv/lock-requirements.txt");
        Path links = root.resolve(".isoenv/lock-links.html");
        Path report = root.resolve(".isoenv/pip-report.json");
        List<String> command = PipCommands.installLocked(linux, requirements, links, true,
                List.of(dev.isoenv.InstallerArgument.onlyBinary(":all:")), report);
        assertEquals(List.of("--disable-pip-version-check", "--require-hashes", "--no-deps", "--find-links",
                links.toString(), "--report", report.toString(), "--only-binary=:all:", "--requirement",
                requirements.toString()), command.subList(7, command.size()));
        assertEquals("raw", command.get(6));
        assertEquals(List.of("--disable-pip-version-check", "--report", report.toString(), "--", "six"),
                PipCommands.install(linux, List.of(Requirement.parse("six")), null, false, true, false, List.of(), report)
                        .subList(7, 12));
    }

    @Test
    void anotherPlatformsInstallIsExactlyTheResolvedPinsIntoAScratchFolderWithTheTargetsOptions() {
        List<String> options = PipCommands.targetOptions(List.of("manylinux_2_28_aarch64", "manylinux2014_aarch64"),
                "3.11.7");
        assertEquals(List.of("--platform", "manylinux_2_28_aarch64", "--platform", "manylinux2014_aarch64",
                "--only-binary=:all:", "--implementation", "cp", "--python-version", "3.11", "--abi", "cp311"),
                options);
        Path report = root.resolve(".isoenv/pip-report.json");
        Path installScratch = root.resolve(".isoenv/target-install");
        List<String> install = PipCommands.installForTarget(linux, List.of(Requirement.parse("numpy==2.1.0"),
                Requirement.parse("six==1.16.0")), null, true, List.of(dev.isoenv.InstallerArgument.pre()), options,
                installScratch, report);
        List<String> expected = new java.util.ArrayList<>(List.of(root.resolve("bin/python").toString(), "-m", "pip",
                "install", "--no-input", "--progress-bar", "raw", "--disable-pip-version-check", "--report",
                report.toString(), "--no-deps"));
        expected.addAll(options);
        // Into a scratch folder, never the site-packages: pip's --target --upgrade deletes whole folders there.
        expected.addAll(List.of("--target", installScratch.toString(), "--pre", "--", "numpy==2.1.0",
                "six==1.16.0"));
        assertEquals(expected, install);

        Path resolution = root.resolve(".isoenv/resolution.json");
        Path scratch = root.resolve(".isoenv/target-resolution");
        List<String> resolve = PipCommands.resolveForTarget(linux, List.of(Requirement.parse("numpy>=2")),
                root.resolve(".isoenv/constraints.txt"), resolution, List.of(), options, scratch);
        List<String> tail = new java.util.ArrayList<>(List.of("--dry-run", "--quiet", "--report",
                resolution.toString()));
        tail.addAll(options);
        tail.addAll(List.of("--target", scratch.toString(), "--constraint",
                root.resolve(".isoenv/constraints.txt").toString(), "--", "numpy>=2"));
        assertEquals(tail, resolve.subList(resolve.indexOf("--dry-run"), resolve.size()));
        assertFalse(PipCommands.resolveForTarget(linux, List.of(Requirement.parse("numpy>=2")), null, resolution,
                List.of(), options, null).contains("--target"), "pip 23.3 and newer resolve in place");
    }

    @Test
    void theDryRunThatRoutesDependenciesGetsTheSameInstallerArgumentsAsTheInstall() {
        Path report = Path.of(System.getProperty("java.io.tmpdir"), "env", ".isoenv", "resolution.json");
        List<String> command = PipCommands.resolve(linux, List.of(Requirement.parse("timm")), null, report,
                List.of(dev.isoenv.InstallerArgument.pre(), dev.isoenv.InstallerArgument.onlyBinary(":all:")));
        assertEquals(List.of("--dry-run", "--quiet", "--report", report.toString(), "--pre", "--only-binary=:all:",
                "--", "timm"), command.subList(command.indexOf("--dry-run"), command.size()));
    }

    @Test
    void installerArgumentsComeBeforeTheEndOfOptionsEachAsOneArgument() {
        List<String> command = PipCommands.install(linux, List.of(Requirement.parse("six")), null, false,
                List.of(dev.isoenv.InstallerArgument.pre(), dev.isoenv.InstallerArgument.onlyBinary(":all:"),
                        dev.isoenv.InstallerArgument.configSetting("--build-option", "--x=1"),
                        dev.isoenv.InstallerArgument.configSetting("index", "https://u:tok@pkgs.example/s"),
                        dev.isoenv.InstallerArgument.usePep517(), dev.isoenv.InstallerArgument.noBuildIsolation(),
                        dev.isoenv.InstallerArgument.preferBinary(), dev.isoenv.InstallerArgument.noBinary("six")));
        assertEquals(List.of("--disable-pip-version-check", "--pre", "--only-binary=:all:",
                "--config-settings=--build-option=--x=1", "--config-settings=index=https://u:tok@pkgs.example/s",
                "--use-pep517", "--no-build-isolation", "--prefer-binary",
                "--no-binary=six", "--", "six"), command.subList(7, command.size()));
    }

    @Test
    void pip241AndNewerReportRawProgressReadFromTheEnvironmentsMetadata(@TempDir Path dir) throws IOException {
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(dir, dir.resolve("site-packages"),
                OperatingSystem.LINUX);
        assertFalse(PipCommands.hasRawProgressBar(env), "no site-packages, no pip");
        for (String[] pip : new String[][] {{"23.2.1", "false"}, {"24.1b1", "false"}, {"24.1", "true"},
                {"24.2", "true"}, {"26.2.1", "true"}}) {
            Path distInfo = dir.resolve("site-packages/pip-" + pip[0] + ".dist-info");
            Files.createDirectories(distInfo);
            Files.writeString(distInfo.resolve("METADATA"), "Metadata-Version: 2.1\nName: pip\nVersion: " + pip[0]
                    + "\n");
            assertEquals(Boolean.parseBoolean(pip[1]), PipCommands.hasRawProgressBar(env), "pip " + pip[0]);
            assertEquals(Boolean.parseBoolean(pip[1]) ? "raw" : "off", PipCommands.install(env,
                    List.of(Requirement.parse("six")), null, PipCommands.hasRawProgressBar(env)).get(6));
            Files.delete(distInfo.resolve("METADATA"));
            Files.delete(distInfo);
        }
    }

    @Test
    void uninstallAlsoEndsOptionsBeforeNames() {
        assertEquals(List.of(root.resolve("bin/python").toString(), "-m", "pip", "uninstall", "--no-input",
                "--disable-pip-version-check", "--yes", "--", "six"), PipCommands.uninstall(linux, List.of("six")));
    }

    @Test
    void indexesGoInVariablesSoCredentialsStayOffTheCommandLine() {
        PackageIndexes indexes = PackageIndexes.builder().indexUrl("https://u:tok@pkgs.example/simple")
                .extraIndexUrl("https://a.example/simple").extraIndexUrl("https://b.example/simple").build();
        List<String> command = PipCommands.install(linux, List.of(Requirement.parse("six")), null, true);
        assertFalse(String.join(" ", command).contains("tok"));
        Map<String, String> env = PipCommands.environment(linux, indexes, true,
                Map.of("PATH", "/usr/bin", "PIP_FIND_LINKS", "/machine/wheels", "PIP_EXTRA_INDEX_URL", "file:///machine"));
        assertEquals("https://u:tok@pkgs.example/simple", env.get("PIP_INDEX_URL"));
        assertEquals("https://a.example/simple https://b.example/simple", env.get("PIP_EXTRA_INDEX_URL"),
                "the spec's extra indexes replace the machine's");
        assertEquals("/machine/wheels", env.get("PIP_FIND_LINKS"), "kinds the spec leaves unset keep the machine's value");
        assertEquals(root.toString(), env.get("VIRTUAL_ENV"));
    }

    @Test
    void exclusiveIndexesClearEveryOtherSourceOfPackages() {
        Map<String, String> env = PipCommands.environment(linux, PackageIndexes.only("https://download.pytorch.org/whl/cu126"),
                true, Map.of("PIP_FIND_LINKS", "/machine/wheels", "PIP_NO_INDEX", "1", "PIP_CERT", "/etc/ca.pem"));
        assertEquals("https://download.pytorch.org/whl/cu126", env.get("PIP_INDEX_URL"));
        assertEquals(" ", env.get("PIP_EXTRA_INDEX_URL"), "a blank value is pip's empty list");
        assertEquals(" ", env.get("PIP_FIND_LINKS"));
        assertFalse(env.containsKey("PIP_NO_INDEX"));
        assertEquals("/etc/ca.pem", env.get("PIP_CERT"), "other machine settings still apply");
    }

    @Test
    void withoutMachineConfigurationEveryPipVariableGoesAndConfigFilesAreSkipped() {
        Map<String, String> env = PipCommands.environment(linux, PackageIndexes.machineDefaults(), false,
                Map.of("PIP_FIND_LINKS", "/machine/wheels", "PIP_CONSTRAINT", "/etc/c.txt", "HOME", "/srv/users/u"));
        assertEquals("/dev/null", env.get("PIP_CONFIG_FILE"));
        assertFalse(env.containsKey("PIP_FIND_LINKS"));
        assertFalse(env.containsKey("PIP_CONSTRAINT"));
        assertEquals("/srv/users/u", env.get("HOME"));
        EnvironmentLayout windows = EnvironmentLayout.virtualEnvironment(root, root.resolve("Lib/site-packages"),
                OperatingSystem.WINDOWS);
        assertEquals("nul", PipCommands.environment(windows, PackageIndexes.machineDefaults(), false,
                Map.of("pip_index_url", "x")).get("PIP_CONFIG_FILE"));
        assertTrue(PipCommands.environment(windows, PackageIndexes.machineDefaults(), false,
                Map.of("pip_index_url", "x")).keySet().stream().noneMatch(k -> k.equalsIgnoreCase("pip_index_url")));
    }

    @Test
    void noDepsForceReinstallArgumentsReportAndConstraintsTogether() {
        Path report = root.resolve(".isoenv/pip-report.json");
        Path constraints = root.resolve(".isoenv/constraints.txt");
        List<String> command = PipCommands.install(linux, List.of(Requirement.parse("torch==2.5.1+cu126")),
                constraints, false, false, true,
                List.of(dev.isoenv.InstallerArgument.parse("--config-settings=--build-option=--x")), report);
        assertEquals(List.of("--disable-pip-version-check", "--report", report.toString(), "--no-deps",
                "--force-reinstall", "--config-settings=--build-option=--x", "--constraint", constraints.toString(),
                "--", "torch==2.5.1+cu126"), command.subList(7, command.size()));
    }
}
