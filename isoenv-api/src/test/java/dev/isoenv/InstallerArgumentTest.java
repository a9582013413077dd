package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstallerArgumentTest {

    @Test
    void everyVettedArgumentReadsAsItsTypedForm() {
        assertEquals(InstallerArgument.pre(), InstallerArgument.parse("--pre"));
        assertEquals(InstallerArgument.usePep517(), InstallerArgument.parse("--use-pep517"));
        assertEquals(InstallerArgument.noBuildIsolation(), InstallerArgument.parse(" --no-build-isolation "));
        assertEquals(InstallerArgument.preferBinary(), InstallerArgument.parse("--prefer-binary"));
        assertEquals(InstallerArgument.onlyBinary(":all:"), InstallerArgument.parse("--only-binary=:all:"));
        assertEquals(InstallerArgument.noBinary("Foo_Bar", "numpy"), InstallerArgument.parse("--no-binary=foo-bar,numpy"));
        assertEquals(InstallerArgument.configSetting("--build-option", "--plat=x=y"),
                InstallerArgument.parse("--config-settings=--build-option=--plat=x=y"));
        assertEquals(InstallerArgument.configSetting("k", "v"), InstallerArgument.parse("--config-setting=k=v"),
                "uv's spelling is read too");
    }

    @Test
    void theTextFormIsOneArgumentWithItsValueJoined() {
        assertEquals("--no-binary=foo-bar,numpy", InstallerArgument.noBinary("Foo_Bar", "numpy").toString());
        assertEquals(List.of("foo-bar", "numpy"), InstallerArgument.noBinary("Foo_Bar", "numpy").distributions());
        assertEquals("--config-settings=--build-option=--x", InstallerArgument.configSetting("--build-option", "--x")
                .toString());
        assertEquals("--pre", InstallerArgument.pre().toString());
        assertTrue(InstallerArgument.pre().value().isEmpty());
    }

    @Test
    void anythingOutsideTheListIsRefusedWithTheList() {
        for (String bad : List.of("--index-url=https://evil/simple", "--target=/tmp/x", "-e", "--no-deps", "--user",
                "requests", "--prefix=/usr", "--pre-release")) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> InstallerArgument.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not one isoenv accepts"), e.getMessage());
            assertTrue(e.getMessage().contains(InstallerArgument.allowed()), e.getMessage());
        }
        assertTrue(InstallerArgument.allowed().contains("--prefer-binary"));
    }

    @Test
    void valuesAreCheckedSoNoneCanSmuggleAnOption() {
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.parse("--pre=yes"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.parse("--only-binary"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.parse("--only-binary=--index-url"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.onlyBinary("numpy --pre"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.onlyBinary());
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.parse("--config-settings=novalue"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.configSetting("a b", "c"));
        assertThrows(InvalidSpecException.class, () -> InstallerArgument.configSetting("k", "line\nbreak"));
    }

    @Test
    void theSpecificationKeepsThemInOrderOnceAndCompares() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env"))
                .installerArguments("--only-binary=:all:", "--pre")
                .installerArgument(InstallerArgument.pre())
                .build();
        assertEquals(List.of(InstallerArgument.onlyBinary(":all:"), InstallerArgument.pre()), spec.installerArguments());
        assertEquals(spec, spec.toBuilder().build());
        assertNotEquals(spec, spec.toBuilder().clearInstallerArguments().build());
        assertTrue(spec.toString().contains("installerArguments=[--only-binary=:all:, --pre]"), spec.toString());

        EnvironmentSpec.Builder builder = EnvironmentSpec.builder(Path.of("env"));
        assertThrows(InvalidSpecException.class, () -> builder.installerArguments("--pre", "--index-url=x"));
        assertEquals(List.of(), builder.build().installerArguments(), "a refused batch adds none");
    }

    @Test
    void theTextFormMasksCredentialsAndOnlyTheCommandLineKeepsThem() {
        InstallerArgument secret = InstallerArgument.configSetting("index", "https://user:s3cr3t-t0ken@pkgs.example/x");
        assertEquals("--config-settings=index=https://****@pkgs.example/x", secret.toString());
        assertEquals("--config-settings=index=https://user:s3cr3t-t0ken@pkgs.example/x", secret.commandLineArgument());
        assertEquals("index=https://user:s3cr3t-t0ken@pkgs.example/x", secret.value().orElseThrow());
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env")).installerArgument(secret).build();
        assertFalse(spec.toString().contains("s3cr3t"), spec.toString());
        assertEquals("--pre", InstallerArgument.pre().commandLineArgument());
    }

    @Test
    void theOrderAndRepeatsOfNamesDoNotMatter() {
        assertEquals(InstallerArgument.onlyBinary("numpy", "scipy"), InstallerArgument.onlyBinary("SciPy", "numpy",
                "scipy"));
        assertEquals(InstallerArgument.noBinary("a", "b").hashCode(), InstallerArgument.noBinary("b", "a").hashCode());
        assertEquals(InstallerArgument.parse("--no-binary=b,a,b"), InstallerArgument.noBinary("a", "b"));
        assertEquals(List.of("numpy", "scipy"), InstallerArgument.onlyBinary("scipy", "numpy").distributions());
        assertEquals("--only-binary=numpy,scipy", InstallerArgument.onlyBinary("scipy", "numpy").toString());
    }

    @Test
    void allAndNoneStayWhereTheyAreBecausePipReadsThemInOrder() {
        // pip: ":none:" clears what came before it; names after it are added.
        assertEquals(List.of(":none:", "a", "b"), InstallerArgument.onlyBinary(":none:", "b", "a").distributions());
        assertEquals(List.of("b", ":none:", "a"), InstallerArgument.onlyBinary("b", ":none:", "a").distributions());
        assertNotEquals(InstallerArgument.onlyBinary("b", ":none:", "a"),
                InstallerArgument.onlyBinary("a", ":none:", "b"), "which name comes after :none: matters");
        assertEquals(List.of("a", "c", ":all:", ":none:", "b"),
                InstallerArgument.noBinary("c", "a", ":all:", ":none:", "b").distributions());
        assertEquals(List.of(":all:"), InstallerArgument.onlyBinary(":all:").distributions());
    }
}
