package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Version strings as the tools print them; see fixtures/README.md for where each comes from. */
class CondaToolTest {
    /** A folder the tools would be in; nothing is read from it. */
    private static final Path BIN = Path.of(System.getProperty("java.io.tmpdir"), "isoenv-conda-tool-test", "bin");

    private static CondaTool tool(String file) {
        Path p = BIN.resolve(file);
        return new CondaTool(p, CondaTool.kindOf(p), "PATH");
    }

    @Test
    void kindComesFromTheFileName() {
        assertEquals(CondaTool.Kind.MICROMAMBA, tool("micromamba.exe").kind());
        assertEquals(CondaTool.Kind.MAMBA, tool("mamba").kind());
        assertEquals(CondaTool.Kind.CONDA, tool("conda.bat").kind());
        assertEquals(CondaTool.Kind.CONDA, tool("my-tool").kind());
        assertTrue(tool("conda").removeTakesChannels());
        assertFalse(tool("micromamba").removeTakesChannels());
        assertFalse(tool("mamba").removeTakesChannels());
        assertEquals("micromamba at " + BIN.resolve("micromamba") + " (from PATH)", tool("micromamba").toString());
    }

    @Test
    void readsEachToolsVersionOutput() {
        // conda/cli/conda_argparse.py: version=f"conda {__version__}"
        assertEquals("conda 24.7.1", tool("conda").describeVersion("conda 24.7.1\n"));
        // conda-incubator/ensureconda#31: mamba 1 prints its version and conda's, mamba 2 and micromamba the number
        assertEquals("mamba 1.4.7", tool("mamba").describeVersion("mamba 1.4.7\nconda 23.5.0\n"));
        assertEquals("mamba 2.0.8", tool("mamba").describeVersion("2.0.8\n"));
        assertEquals("micromamba 2.0.8", tool("micromamba").describeVersion("2.0.8"));
        assertEquals("micromamba 1.5.10", tool("micromamba").describeVersion("\n1.5.10\n"));
        assertNull(tool("conda").describeVersion("usage: something else"));
    }
}
