package dev.isoenv.internal.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.spi.Installer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetPlatformTest {
    /** A platform that is not this machine's: the other of linux-x86_64 and linux-aarch64. */
    static String other() {
        return TargetPlatform.current().name().equals("linux-aarch64") ? "linux-x86_64" : "linux-aarch64";
    }

    private static EnvironmentSpec spec(String platform) {
        return EnvironmentSpec.builder(Path.of("env").toAbsolutePath()).backendOption(TargetPlatform.OPTION, platform)
                .build();
    }

    @Test
    void namesAreTheArchivesOnesWithTheUsualAliases() {
        assertEquals("linux-aarch64", TargetPlatform.parse("linux-arm64").name());
        assertEquals("windows-x86_64", TargetPlatform.parse(" Windows-AMD64 ").name());
        assertEquals("macos-aarch64", TargetPlatform.parse("macos-arm64").name());
        assertEquals("linux-x86", TargetPlatform.parse("linux-i686").name());
        assertEquals(Optional.empty(), TargetPlatform.of(EnvironmentSpec.builder(Path.of("e").toAbsolutePath())
                .build()));
        assertTrue(TargetPlatform.forSpec(spec(TargetPlatform.current().name())).isCurrent());
        assertFalse(TargetPlatform.forSpec(spec(other())).isCurrent());
    }

    @Test
    void somethingElseIsAnInvalidSpecThatShowsTheForm() {
        for (String bad : List.of("arm64", "linux", "solaris-sparc", "linux-", "linux-x86 64", "-linux")) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> TargetPlatform.of(spec(bad)),
                    bad);
            assertTrue(e.getMessage().contains("target.platform") && e.getMessage().contains("linux-aarch64"),
                    e.getMessage());
        }
    }

    @Test
    void wheelTagsAreManylinuxUpToGlibc228TheMacosVersionOrWindowsOne() {
        List<String> arm = TargetPlatform.parse("linux-aarch64").wheelPlatforms();
        assertEquals("manylinux_2_28_aarch64", arm.get(0));
        assertEquals("manylinux_2_17_aarch64", arm.get(11));
        assertEquals("manylinux2014_aarch64", arm.get(arm.size() - 1));
        assertFalse(arm.stream().anyMatch(t -> t.startsWith("linux_")), "never a wheel built for one machine");
        assertTrue(TargetPlatform.parse("linux-x86_64").wheelPlatforms().contains("manylinux1_x86_64"));
        assertEquals(List.of("macosx_11_0_arm64"), TargetPlatform.parse("macos-aarch64").wheelPlatforms());
        assertEquals(List.of("win_amd64"), TargetPlatform.parse("windows-x86_64").wheelPlatforms());
        assertEquals(List.of("win_arm64"), TargetPlatform.parse("windows-arm64").wheelPlatforms());
        assertThrows(InvalidSpecException.class, () -> TargetPlatform.parse("windows-riscv64").wheelPlatforms());
    }

    @Test
    void markersSayTheTargetsMachineAsPythonThereWould() {
        Map<String, String> here = Map.of("platform_machine", "x86_64", "sys_platform", "linux");
        assertEquals(Map.of("platform_machine", "aarch64", "sys_platform", "linux"),
                TargetPlatform.parse("linux-aarch64").markers(here));
        assertEquals("arm64", TargetPlatform.parse("macos-aarch64").markers(here).get("platform_machine"));
        assertEquals("AMD64", TargetPlatform.parse("windows-x86_64").markers(here).get("platform_machine"));
        assertEquals(here, TargetPlatform.current().markers(here), "this machine's markers are its interpreter's");
    }

    @Test
    void aBackendThatDoesNotSayItCanIsRefusedForAnotherPlatform() {
        Installer plain = new Installer() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public dev.isoenv.Availability availability() {
                return dev.isoenv.Availability.available("test");
            }

            @Override
            public dev.isoenv.spi.CreatedEnvironment create(EnvironmentSpec spec, dev.isoenv.spi.BackendContext c) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void install(dev.isoenv.spi.EnvironmentLayout environment, dev.isoenv.spi.InstallStep step,
                                dev.isoenv.spi.BackendContext context) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void uninstall(dev.isoenv.spi.EnvironmentLayout environment,
                                  java.util.Collection<String> distributions, dev.isoenv.spi.BackendContext context) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<dev.isoenv.InstalledDistribution> list(dev.isoenv.spi.EnvironmentLayout environment) {
                return List.of();
            }
        };
        String reason = plain.cannotBuild(spec(other())).orElseThrow();
        assertTrue(reason.contains("asks for " + other()) && reason.contains("use the venv backend"), reason);
        assertEquals(Optional.empty(), plain.cannotBuild(spec(TargetPlatform.current().name())));
    }
}
