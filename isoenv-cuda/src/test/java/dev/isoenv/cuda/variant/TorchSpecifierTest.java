package dev.isoenv.cuda.variant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TorchSpecifierTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "~=2               | ~= needs at least two release parts",
        ">=2.5+cu121       | a local version label such as +cu121 is allowed only after ==, != and ===",
        "<2.6+cpu          | a local version label such as +cpu is allowed only after ==, != and ===",
        "<2.*              | a trailing .* is allowed only after == and !=",
        "~=2.5.*           | a trailing .* is allowed only after == and !=",
        "==2.5.1+cu121.*   | a trailing .* cannot follow a local version label",
        "=>2.5             | '=>2.5' does not start with a version operator",
        "2.5.1             | '2.5.1' does not start with a version operator",
        ">=                | '>=' has no version after >=",
        "==two             | 'two' is not a PEP 440 version",
        "\">=2.4,,<2.6\"   | an empty clause",
        "\">=2.4,\"        | an empty clause",
    })
    void anInvalidSpecifierSaysWhy(String specifier, String why) {
        Optional<String> problem = TorchSpecifier.problem(specifier);
        assertTrue(problem.orElse("").contains(why), specifier + ": " + problem);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"\"\"", "==2.5.1", "==2.5.1+cu121", "!=2.5.1+cu121",
        "==2.5.*", "!=2.5.*", "~=2.5", "~=2.5.1", "\">=2.4,<2.6\"", "===2.5.1+cu121", "> 2.4", ">=2.5.0rc1",
        "==2.6.0.post1", "<2.7.dev0"})
    void aValidSpecifierHasNoProblem(String specifier) {
        assertEquals(Optional.empty(), TorchSpecifier.problem(specifier));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\">=2.5,<2.3\"             | no version is both >=2.5 and <2.3",
        "\"<2.3,>=2.5\"             | no version is both >=2.5 and <2.3",
        "\">2.5,<=2.5\"             | no version is both >2.5 and <=2.5",
        "\">=2.5,<2.5\"             | no version is both >=2.5 and <2.5",
        "\"==2.5.1,!=2.5.1\"        | only 2.5.1 satisfies ==2.5.1, and !=2.5.1 excludes it",
        "\">=2.4,<=2.4,!=2.4.0\"    | only 2.4 satisfies >=2.4 and <=2.4, and !=2.4.0 excludes it",
        "\"~=2.5.0,>=2.6\"          | no version is both >=2.6 and ~=2.5.0",
        "\"==2.4.*,>=2.5\"          | no version is both >=2.5 and ==2.4.*",
        "\"==2.5.1,==2.6.0\"        | no version is both ==2.6.0 and ==2.5.1",
        "\"==2.5.1+cu121,<2.5\"     | no version is both ==2.5.1+cu121 and <2.5",
    })
    void anUnsatisfiableSetIsNamedAsSuch(String specifier, String why) {
        assertEquals(Optional.of(why), TorchSpecifier.contradiction(specifier));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"\"\"", "\">=2.5,<2.5.1\"", "\"==2.5.*,<2.5.1\"",
        "\">=2.4,<=2.4\"", "\"~=2.5,<2.6\"", "\">2.5,<2.5.1\"", "\"==2.5.*,>=2.5.0rc1\"", "\"~=2.5.0,<2.5.1\"",
        "\"===2.5.1,>=9\"", "\"!=2.5.1,>=2.5.1,<=2.5.2\"", "\">=2.5,<2.5.0.1\""})
    void aSatisfiableSetIsNotFlagged(String specifier) {
        assertEquals(Optional.empty(), TorchSpecifier.contradiction(specifier));
    }
}
