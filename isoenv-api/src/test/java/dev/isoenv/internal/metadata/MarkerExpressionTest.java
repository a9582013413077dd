package dev.isoenv.internal.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PEP 508 markers as isoenv evaluates them to decide whether a dependency is still needed. A marker that is false
 * makes a dependency removable, so every case where isoenv cannot decide must come out true (keep).
 */
class MarkerExpressionTest {
    /** The marker environment of CPython 3.11.7 on x86-64 Linux, as {@link MarkerEnvironment#SCRIPT} prints it. */
    private static final Map<String, String> LINUX = Map.ofEntries(
            Map.entry("implementation_name", "cpython"),
            Map.entry("implementation_version", "3.11.7"),
            Map.entry("os_name", "posix"),
            Map.entry("platform_machine", "x86_64"),
            Map.entry("platform_python_implementation", "CPython"),
            Map.entry("platform_release", "6.5.0-1025-azure"),
            Map.entry("platform_system", "Linux"),
            Map.entry("platform_version", "#26~22.04.1-Ubuntu SMP Thu Jun 13 19:34:07 UTC 2024"),
            Map.entry("python_full_version", "3.11.7"),
            Map.entry("python_version", "3.11"),
            Map.entry("sys_platform", "linux"));

    private static boolean holds(String marker) {
        return holds(marker, LINUX, "");
    }

    private static boolean holds(String marker, Map<String, String> environment, String extra) {
        Optional<MarkerExpression> parsed = MarkerExpression.parse(marker);
        assertTrue(parsed.isPresent(), "parses: " + marker);
        return parsed.get().evaluate(environment, extra);
    }

    @Test
    void comparesPythonVersionsAsVersionsNotAsStrings() {
        // As strings "3.11" < "3.9"; as versions it is newer, so a backport for old Pythons is not needed.
        assertFalse(holds("python_version < \"3.9\""));
        assertTrue(holds("python_version > \"3.9\""));
        assertTrue(holds("python_version >= \"3.10\""));
        assertTrue(holds("python_full_version < \"3.11.10\""));
        assertFalse(holds("python_full_version >= \"3.11.10\""));
        // A literal on the left compares the same way: "3.8" <= 3.11.
        assertTrue(holds("\"3.8\" <= python_version"));
        assertFalse(holds("\"3.12\" <= python_version"));
    }

    @Test
    void everyComparisonOperatorOnVersions() {
        assertTrue(holds("python_version == \"3.11\""));
        assertTrue(holds("python_version == \"3.11.0\""), "3.11 and 3.11.0 are the same version");
        assertFalse(holds("python_version != \"3.11\""));
        assertTrue(holds("python_version != \"3.12\""));
        assertTrue(holds("python_version < \"3.12\""));
        assertFalse(holds("python_version < \"3.11\""));
        assertTrue(holds("python_version <= \"3.11\""));
        assertFalse(holds("python_version <= \"3.10\""));
        assertTrue(holds("python_version > \"3.8\""));
        assertFalse(holds("python_version > \"3.11\""));
        assertTrue(holds("python_version >= \"3.11\""));
        assertFalse(holds("python_version >= \"3.12\""));
        assertTrue(holds("python_full_version ~= \"3.11.0\""));
        assertTrue(holds("python_version ~= \"3.8\""));
        assertFalse(holds("python_full_version ~= \"3.10.2\""));
        assertTrue(holds("python_full_version === \"3.11.7\""));
        assertFalse(holds("python_full_version === \"3.11.07\""), "arbitrary equality compares the text");
    }

    @Test
    void wildcardVersionsMatchAsPrefixes() {
        assertTrue(holds("python_version == \"3.*\""));
        assertTrue(holds("python_full_version == \"3.11.*\""));
        assertFalse(holds("python_full_version == \"3.10.*\""));
        assertFalse(holds("python_version != \"3.11.*\""));
        assertTrue(holds("python_version != \"2.*\""));
    }

    @Test
    void comparesAsStringsWhenEitherSideIsNotAVersion() {
        assertTrue(holds("sys_platform == \"linux\""));
        assertFalse(holds("sys_platform == \"win32\""));
        assertTrue(holds("sys_platform != \"win32\""));
        assertTrue(holds("platform_system == \"Linux\""));
        assertFalse(holds("platform_system == \"linux\""), "string comparison is case-sensitive");
        // "6.5.0-1025-azure" is no PEP 440 version, so PEP 508 compares text: "6..." < "10" is false.
        assertFalse(holds("platform_release < \"10\""));
        assertTrue(holds("platform_release >= \"5\""));
        assertTrue(holds("platform_machine < \"y\""));
    }

    @Test
    void inAndNotInTestSubstrings() {
        assertTrue(holds("\"linux\" in sys_platform"));
        assertTrue(holds("sys_platform in \"linux darwin\""));
        assertFalse(holds("sys_platform in \"win32 cygwin\""));
        assertTrue(holds("sys_platform not in \"win32 cygwin\""));
        assertFalse(holds("platform_machine not in \"x86_64 AMD64\""));
        assertTrue(holds("'Ubuntu' in platform_version"));
    }

    @Test
    void andBindsTighterThanOrAndParenthesesGroup() {
        assertTrue(holds("sys_platform == \"win32\" or sys_platform == \"linux\" and python_version >= \"3.8\""));
        assertFalse(holds("(sys_platform == \"win32\" or sys_platform == \"linux\") and python_version < \"3.8\""));
        assertTrue(holds("sys_platform == \"win32\" and python_version >= \"3.8\" or os_name == \"posix\""));
        assertFalse(holds("sys_platform == \"win32\" and (python_version >= \"3.8\" or os_name == \"posix\")"));
        assertTrue(holds("((os_name == \"nt\") or (os_name == \"posix\" and (platform_machine == \"x86_64\")))"));
        assertFalse(holds("os_name == \"posix\" and sys_platform == \"linux\" and python_version < \"3.8\""));
    }

    @Test
    void extrasMatchAfterNameNormalization() {
        assertTrue(holds("extra == \"cli\"", LINUX, "cli"));
        assertFalse(holds("extra == \"cli\"", LINUX, ""), "no extra requested");
        assertFalse(holds("extra == \"cli\"", LINUX, "test"));
        assertTrue(holds("extra == \"Foo_Bar\"", LINUX, "foo-bar"));
        assertTrue(holds("extra == 'foo.bar'", LINUX, "foo-bar"));
        assertTrue(holds("\"CLI\" == extra", LINUX, "cli"));
        assertTrue(holds("extra != \"cli\"", LINUX, "test"));
        assertFalse(holds("extra == \"cli\" and sys_platform == \"win32\"", LINUX, "cli"));
        assertTrue(holds("extra == \"cli\" and python_version >= \"3.8\"", LINUX, "cli"));
        // An extra that looks like a version is still compared as a name.
        assertTrue(holds("extra == \"1.0\"", LINUX, "1-0"));
    }

    @Test
    void acceptsLegacyDottedNamesAndPythonImplementation() {
        assertTrue(holds("os.name == \"posix\""));
        assertTrue(holds("sys.platform == \"linux\""));
        assertTrue(holds("platform.machine == \"x86_64\""));
        assertTrue(holds("platform.python_implementation == \"CPython\""));
        assertTrue(holds("python_implementation == \"CPython\""));
        assertFalse(holds("python_implementation == \"PyPy\""));
        assertTrue(holds("'Ubuntu' in platform.version"));
    }

    @Test
    void singleAndDoubleQuotesAndMissingSpaces() {
        assertTrue(holds("sys_platform == 'linux'"));
        assertTrue(holds("'linux' == sys_platform"));
        assertTrue(holds("sys_platform=='linux'and os_name==\"posix\""));
        assertTrue(holds("python_version>'3.8'or(sys_platform=='win32')"));
        assertTrue(holds("platform_version == 'has \"double\" quotes' or os_name == \"posix\""));
        assertTrue(holds("  sys_platform == \"linux\"  "));
    }

    @Test
    void whatCannotBeDecidedCountsAsTrue() {
        assertTrue(holds("platform_flavor == \"x\""), "an unknown variable keeps the dependency");
        assertTrue(holds("platform_flavor != \"x\""));
        assertTrue(holds("sys_platform == \"win32\" or platform_flavor == \"x\""));
        assertTrue(holds("sys_platform == \"win32\"", Map.of(), ""), "without a marker environment, keep");
        assertTrue(holds("python_version < \"3\"", Map.of(), ""));
        assertTrue(holds("sys_platform ~= \"linux\""), "~= is undefined on strings");
        Map<String, String> partial = new HashMap<>(LINUX);
        partial.remove("platform_machine");
        assertTrue(holds("platform_machine == \"arm64\"", partial, ""));
        assertFalse(holds("platform_machine == \"arm64\" and sys_platform == \"win32\"", partial, ""),
                "what is known still decides");
    }

    @Test
    void textThatIsNoMarkerDoesNotParse() {
        for (String garbage : new String[] {"", "   ", "sys_platform", "sys_platform ==", "== \"linux\"",
                "sys_platform = \"linux\"", "sys_platform == \"linux", "(sys_platform == \"linux\"",
                "sys_platform == \"linux\")", "sys_platform == \"linux\" and", "or sys_platform == \"linux\"",
                "sys_platform == \"linux\" xor os_name == \"posix\"", "sys_platform is \"linux\"",
                "sys_platform not \"linux\"", "sys_platform == \"linux\" AND os_name == \"posix\"",
                "sys_platform == \"linux\" or_ os_name == \"posix\"", "sys_platform <> \"linux\"",
                "python_version >> \"3\"", "$ == \"x\"", "()"}) {
            assertEquals(Optional.empty(), MarkerExpression.parse(garbage).map(Object::toString), garbage);
        }
    }
}
