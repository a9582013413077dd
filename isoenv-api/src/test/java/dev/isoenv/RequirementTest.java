package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequirementTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "requests                                   | requests        | ''",
            "requests>=2.31                             | requests        | >=2.31",
            "openai-whisper==20231117                   | openai-whisper  | ==20231117",
            "torch==2.5.1+cu126                         | torch           | ==2.5.1+cu126",
            "Torch_Audio >= 2.5 , < 2.6                 | Torch_Audio     | >=2.5,<2.6",
            "numpy (>=1.26,<2)                          | numpy           | >=1.26,<2",
            "pkg==1.0.*                                 | pkg             | ==1.0.*",
            "pkg~=1.4.2                                 | pkg             | ~=1.4.2",
            "pkg===weird-version                        | pkg             | ===weird-version",
    })
    void acceptsValidRequirements(String text, String name, String specifier) {
        Requirement r = Requirement.parse(text);
        assertEquals(name, r.name());
        assertEquals(specifier, r.specifier());
    }

    @Test
    void readsExtrasUrlAndMarker() {
        Requirement r = Requirement.parse("uvicorn[Standard, http_tools] >=0.30 ; python_version >= \"3.9\" and sys_platform != 'win32'");
        assertEquals(Set.of("standard", "http-tools"), r.extras());
        assertEquals(">=0.30", r.specifier());
        assertEquals("python_version >= \"3.9\" and sys_platform != 'win32'", r.marker().orElseThrow());

        Requirement direct = Requirement.parse("mypkg @ https://example.org/mypkg-1.0-py3-none-any.whl ; os_name == 'posix'");
        assertEquals("https://example.org/mypkg-1.0-py3-none-any.whl", direct.url().orElseThrow());
        assertEquals("os_name == 'posix'", direct.marker().orElseThrow());
    }

    @Test
    void normalizesNamesAsPep503() {
        assertEquals("torch-audio", Requirement.normalize("Torch__Audio"));
        assertEquals("zope-interface", Requirement.parse("zope.interface").normalizedName());
    }

    /** Strings that must never reach an installer: options, shell syntax, several requirements in one. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "--extra-index-url https://evil.example/simple",
            "-e .",
            "-r requirements.txt",
            "--index-url=https://x",
            "torch==2.1.2+cu121 --extra-index-url https://download.pytorch.org/whl/cu121",
            "insanely-fast-whisper==0.0.15 --ignore-requires-python",
            "requests; rm -rf /",
            "requests && curl evil",
            "requests\n--index-url https://evil",
            "requests # comment",
            "",
            "   ",
            "requests==",
            "requests==not a version",
            "requests[",
            "pkg @ not-a-url",
            "pkg ; unknown_marker == '1'",
            "-",
            ".hidden",
            "name-",
    })
    void rejectsAnythingThatIsNotOnePep508Requirement(String text) {
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class, () -> Requirement.parse(text));
        assertTrue(e.getMessage().contains("PackageIndexes"), "the message says where options belong: " + e.getMessage());
    }

    @Test
    void masksCredentialsOfDirectUrlsButHandsThemToTheInstaller() {
        Requirement r = Requirement.parse("private @ https://alice:s3cret@pkgs.example/private-1.0-py3-none-any.whl");
        assertFalse(r.toString().contains("s3cret"));
        assertTrue(r.toString().contains("https://****@pkgs.example"));
        assertTrue(r.installerArgument().contains("alice:s3cret@"));
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class,
                () -> Requirement.parse("private @ https://alice:s3cret@pkgs.example/x.whl --no-deps"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void handsMarkersToInstallersWithSingleQuotesSoWindowsCannotStripThem() {
        Requirement r = Requirement.parse("foo>=1; python_version < \"3.10\" and sys_platform == \"win32\"");
        assertEquals("foo>=1; python_version < '3.10' and sys_platform == 'win32'", r.installerArgument());
        assertEquals("foo>=1; python_version < \"3.10\" and sys_platform == \"win32\"", r.toString(), "shown as written");
        Requirement mixed = Requirement.parse("foo; platform_version == \"it's\"");
        assertEquals("foo; platform_version == \"it's\"", mixed.installerArgument(), "a string holding ' is left alone");
    }

    @Test
    void withSpecifierKeepsNameExtrasAndMarker() {
        Requirement r = Requirement.parse("torch[opt]==2.5.1; sys_platform == 'linux'").withSpecifier("==2.5.1+cu126");
        assertEquals("torch", r.name());
        assertEquals("==2.5.1+cu126", r.specifier());
        assertEquals(Set.of("opt"), r.extras());
        assertEquals("sys_platform == 'linux'", r.marker().orElseThrow());
    }

    @Test
    void rejectsTextsOverTheLengthLimitBeforeParsing() {
        String huge = "a".repeat(1_000_000);
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class, () -> Requirement.parse(huge));
        assertTrue(e.getMessage().contains("limit of " + Requirement.MAX_LENGTH), e.getMessage());
        assertTrue(e.getMessage().length() < 600, "the message quotes a bounded excerpt: " + e.getMessage().length());
        assertTrue(e.requirement().length() <= 90, e.requirement());
        assertThrows(InvalidRequirementException.class, () -> Requirement.parse("x" + " ".repeat(Requirement.MAX_LENGTH)));
    }

    @Test
    void longTextsJustUnderTheLimitAreParsedOrRejectedWithAShortMessage() {
        String versions = "1" + ".0".repeat(2_999);
        Requirement ok = Requirement.parse("pkg==" + versions);
        assertEquals("==" + versions, ok.specifier());
        for (String nearlyValid : new String[] {"pkg==" + versions + "x", "pkg" + ">=1,".repeat(1_500) + "@",
                "pkg[" + "a,".repeat(3_000) + "@", "pkg; " + "(".repeat(6_000), "a.".repeat(3_000) + "@",
                "pkg; " + "os_name == 'x' and ".repeat(300) + "?"}) {
            InvalidRequirementException e = assertThrows(InvalidRequirementException.class,
                    () -> Requirement.parse(nearlyValid));
            assertTrue(e.getMessage().length() < 600, e.getMessage());
        }
    }

    @Test
    void messagesEscapeControlCharactersAndBoundTheirExcerpt() {
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class,
                () -> Requirement.parse("pkg\u001b[31m\nevil" + "z".repeat(500)));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\\u001B"), e.getMessage());
        assertFalse(e.getMessage().contains("z".repeat(100)), e.getMessage());
    }
}
