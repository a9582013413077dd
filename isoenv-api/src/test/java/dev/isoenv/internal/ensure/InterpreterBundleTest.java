package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a bundled installation's run paths are made relative to each file. */
class InterpreterBundleTest {
    private static final List<String> PREFIXES = List.of("/opt/py/3.11", "/home/me/.pyenv/versions/3.11");

    @Test
    void aRunPathThatNamesTheInstallationBecomesRelativeToTheFile() {
        assertEquals("$ORIGIN/../lib", InterpreterBundle.runPath("bin/python3.11", "/opt/py/3.11/lib", PREFIXES));
        assertEquals("$ORIGIN", InterpreterBundle.runPath("lib/libpython3.11.so.1.0", "/opt/py/3.11/lib/",
                PREFIXES));
        assertEquals("$ORIGIN/../..", InterpreterBundle.runPath("lib/python3.11/lib-dynload/_ssl.so",
                "/home/me/.pyenv/versions/3.11/lib", PREFIXES));
        assertEquals("$ORIGIN/../lib:$ORIGIN/../lib/tcl", InterpreterBundle.runPath("bin/x",
                "/opt/py/3.11/lib:$ORIGIN/../lib/tcl", PREFIXES));
        assertEquals("$ORIGIN/../lib", InterpreterBundle.runPath("bin/x", "$ORIGIN/../lib", PREFIXES));
    }

    @Test
    void aRunPathOutsideTheInstallationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InterpreterBundle.runPath("bin/python3.11", "/opt/py/3.11/lib:/opt/openssl/lib", PREFIXES));
        assertTrue(e.getMessage().contains("/opt/openssl/lib"), e.getMessage());
        // A folder whose name only starts like the installation's is outside it.
        assertThrows(IllegalArgumentException.class,
                () -> InterpreterBundle.runPath("bin/python3.11", "/opt/py/3.11-other/lib", PREFIXES));
    }

    @Test
    void relativePaths() {
        assertEquals("", InterpreterBundle.relativePath("lib", "lib"));
        assertEquals("../lib", InterpreterBundle.relativePath("bin", "lib"));
        assertEquals("python3.11", InterpreterBundle.relativePath("bin", "bin/python3.11"));
        assertEquals("bin/python3", InterpreterBundle.relativePath("", "bin/python3"));
        assertEquals("../../../bin", InterpreterBundle.relativePath("lib/python3.11/site-packages", "bin"));
    }
}
