package dev.isoenv.venv.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.isoenv.internal.io.CacheDirectory;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk interpreter facts: a hit in a new cache over the same folder (a new JVM), a miss whenever the file
 * behind the path, the system or the script changed, and no failure, ever, from a corrupt entry or a folder that
 * cannot be written.
 */
class InterpreterFactsCacheTest {
    private static final String OUTPUT = "version=3.11.7\nexecutable=/x/python3\npurelib=@ROOT@/lib\n";

    @TempDir
    Path dir;

    private Path interpreter;

    @BeforeEach
    void makeInterpreter() throws IOException {
        interpreter = dir.resolve("bin").resolve("python3");
        Files.createDirectories(interpreter.getParent());
        Files.writeString(interpreter, "an interpreter");
        Files.setLastModifiedTime(interpreter, FileTime.fromMillis(1_700_000_000_000L));
    }

    private InterpreterFactsCache cache(Path folder) {
        return new InterpreterFactsCache(folder, "Linux 6.1 amd64", "script-1");
    }

    @Test
    void aNewCacheOverTheSameFolderFindsWhatAnotherStored() {
        cache(dir.resolve("cache")).putFacts(interpreter, OUTPUT);
        assertEquals(Optional.of(OUTPUT), cache(dir.resolve("cache")).facts(interpreter));
    }

    @Test
    void aChangedModificationTimeIsAMiss() throws IOException {
        cache(dir.resolve("cache")).putFacts(interpreter, OUTPUT);
        Files.setLastModifiedTime(interpreter, FileTime.fromMillis(1_700_000_001_000L));
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(interpreter));
    }

    @Test
    void aReplacedFileOrARepointedLinkIsAMiss() throws IOException {
        cache(dir.resolve("cache")).putFacts(interpreter, OUTPUT);
        Path replaced = dir.resolve("other");
        Files.writeString(replaced, "another interpreter, longer");
        Files.setLastModifiedTime(replaced, FileTime.fromMillis(1_700_000_000_000L));
        Files.move(replaced, interpreter, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(interpreter));
    }

    @Test
    void anotherSystemOrScriptIsAMiss() {
        cache(dir.resolve("cache")).putFacts(interpreter, OUTPUT);
        assertEquals(Optional.empty(), new InterpreterFactsCache(dir.resolve("cache"), "Linux 6.2 amd64", "script-1")
                .facts(interpreter), "a kernel upgrade changes platform_release");
        assertEquals(Optional.empty(), new InterpreterFactsCache(dir.resolve("cache"), "Linux 6.1 amd64", "script-2")
                .facts(interpreter), "a new inspection script asks for more");
    }

    @Test
    void aMissingInterpreterIsAMissAndIsNotStored() throws IOException {
        Path gone = dir.resolve("bin").resolve("python3.99");
        cache(dir.resolve("cache")).putFacts(gone, OUTPUT);
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(gone));
        assertFalse(Files.exists(cache(dir.resolve("cache")).file(gone)));
    }

    @Test
    void aCorruptEntryIsAMissAndIsReplacedByTheNextRun() throws IOException {
        InterpreterFactsCache cache = cache(dir.resolve("cache"));
        cache.putFacts(interpreter, OUTPUT);
        Path entry = cache.file(interpreter);
        for (String corruption : new String[] {"\\u12G4 is not a properties file", "", "format=1\nkind=facts\n",
                new String(Files.readAllBytes(entry), StandardCharsets.UTF_8).replace("format=1", "format=99")}) {
            Files.writeString(entry, corruption);
            assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(interpreter), corruption);
        }
        Files.write(entry, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(interpreter), "bytes that are not UTF-8");

        cache.putFacts(interpreter, OUTPUT);
        assertEquals(Optional.of(OUTPUT), cache(dir.resolve("cache")).facts(interpreter));
    }

    @Test
    void anEntryForAnotherPathInTheSameFileIsAMiss() throws IOException {
        Path other = dir.resolve("bin").resolve("python");
        Files.copy(interpreter, other);
        InterpreterFactsCache cache = cache(dir.resolve("cache"));
        cache.putFacts(other, OUTPUT);
        // As if the two paths' names hashed alike: the entry names its path in full.
        Files.createDirectories(cache.file(interpreter).getParent());
        Files.copy(cache.file(other), cache.file(interpreter));
        assertEquals(Optional.empty(), cache.facts(interpreter));
    }

    @Test
    void aFolderThatCannotBeWrittenIsNoCacheAndNoError() throws IOException {
        Path inTheWay = dir.resolve("not-a-folder");
        Files.writeString(inTheWay, "a file where the cache folder should be");
        InterpreterFactsCache blocked = cache(inTheWay.resolve("interpreters"));
        blocked.putFacts(interpreter, OUTPUT);
        blocked.putShim(interpreter, "context", interpreter);
        assertEquals(Optional.empty(), blocked.facts(interpreter));
        assertEquals(Optional.empty(), blocked.shimTarget(interpreter, "context"));

        Path readOnly = dir.resolve("read-only");
        Files.createDirectories(readOnly);
        boolean madeReadOnly = readOnly.toFile().setWritable(false, false);
        try {
            InterpreterFactsCache cache = cache(readOnly.resolve("interpreters"));
            cache.putFacts(interpreter, OUTPUT);
            // Root (and Windows, for folders) may write anyway; whoever cannot gets no entry, and no error.
            assertEquals(Files.isDirectory(readOnly.resolve("interpreters")) ? Optional.of(OUTPUT) : Optional.empty(),
                    cache.facts(interpreter));
        } finally {
            if (madeReadOnly) {
                readOnly.toFile().setWritable(true, false);
            }
        }
    }

    @Test
    void noFolderIsNoCache() {
        InterpreterFactsCache none = cache(null);
        none.putFacts(interpreter, OUTPUT);
        assertEquals(Optional.empty(), none.facts(interpreter));
    }

    @Test
    void aShimResolutionHoldsWhileItsContextIsTheSame() throws IOException {
        Path shim = dir.resolve("shims").resolve("python3");
        Files.createDirectories(shim.getParent());
        Files.writeString(shim, "#!/bin/sh\nexec pyenv exec python3 \"$@\"\n");
        cache(dir.resolve("cache")).putShim(shim, "PYENV_VERSION=3.11.7", interpreter);

        assertEquals(Optional.of(interpreter), cache(dir.resolve("cache")).shimTarget(shim, "PYENV_VERSION=3.11.7"));
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).shimTarget(shim, "PYENV_VERSION=3.12.1"));
        assertEquals(Optional.empty(), cache(dir.resolve("cache")).facts(shim), "a resolution is not facts");
    }

    @Test
    void theFolderIsInIsoenvsCacheDirectory() {
        Map<String, String> env = Map.of(CacheDirectory.VARIABLE, dir.resolve("c").toString());
        InterpreterFactsCache cache = InterpreterFactsCache.forEnvironment(OperatingSystem.LINUX, env, "script");
        assertEquals(dir.resolve("c").resolve("interpreters"), cache.file(interpreter).getParent());
    }
}
