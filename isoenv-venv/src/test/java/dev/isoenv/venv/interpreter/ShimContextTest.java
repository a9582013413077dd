package dev.isoenv.venv.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What decides a shim's interpreter changes its context; nothing else does. */
class ShimContextTest {
    @TempDir
    Path dir;

    private Path shim;
    private Path project;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void makeShim() throws IOException {
        shim = dir.resolve("pyenv").resolve("shims").resolve("python3");
        Files.createDirectories(shim.getParent());
        Files.writeString(shim, "#!/usr/bin/env bash\nexec pyenv exec python3 \"$@\"\n");
        Files.createDirectories(dir.resolve("pyenv").resolve("versions").resolve("3.11.7"));
        project = dir.resolve("work").resolve("project");
        Files.createDirectories(project);
        env.put("PATH", shim.getParent().toString());
        env.put("HOME", dir.resolve("home").toString());
    }

    private String context() {
        return ShimContext.of(shim, env, OperatingSystem.LINUX, project).orElseThrow();
    }

    @Test
    void aFileInAFolderNamedShimsIsAShim() {
        assertTrue(ShimContext.isShim(shim));
        assertTrue(ShimContext.isShim(Path.of("asdf", "shims", "python3")));
        assertFalse(ShimContext.isShim(dir.resolve("bin").resolve("python3")));
        assertFalse(ShimContext.isShim(Path.of("python3")));
    }

    @Test
    void versionVariablesChangeItOtherVariablesDoNot() {
        String before = context();
        env.put("TERM", "xterm");
        assertEquals(before, context());
        env.put("PYENV_VERSION", "3.12.1");
        assertNotEquals(before, context());
        env.remove("PYENV_VERSION");
        env.put("ASDF_PYTHON_VERSION", "3.12.1");
        assertNotEquals(before, context());
    }

    @Test
    void aVersionFileInTheWorkingFolderOrAboveItChangesIt() throws IOException {
        String before = context();
        Files.writeString(dir.resolve("work").resolve(".python-version"), "3.11.7\n");
        String withParentFile = context();
        assertNotEquals(before, withParentFile);
        Files.writeString(project.resolve(".tool-versions"), "python 3.12.1\n");
        assertNotEquals(withParentFile, context());
    }

    @Test
    void theGlobalVersionFileAndAnInstalledVersionChangeIt() throws IOException {
        Path versions = dir.resolve("pyenv").resolve("versions");
        Files.setLastModifiedTime(versions, FileTime.fromMillis(1_700_000_000_000L));
        String before = context();
        Files.writeString(dir.resolve("pyenv").resolve("version"), "3.11.7\n");
        String withGlobal = context();
        assertNotEquals(before, withGlobal);
        // Installing a version changes its folder's modification time (set here, as file systems differ in precision).
        Files.createDirectories(versions.resolve("3.12.1"));
        Files.setLastModifiedTime(versions, FileTime.fromMillis(1_700_000_010_000L));
        assertNotEquals(withGlobal, context(), "a new version can change what a prefix such as 3.12 means");
    }

    @Test
    void aShimThatIsGoneHasNoContext() throws IOException {
        Files.delete(shim);
        assertEquals(Optional.empty(), ShimContext.of(shim, env, OperatingSystem.LINUX, project));
    }
}
