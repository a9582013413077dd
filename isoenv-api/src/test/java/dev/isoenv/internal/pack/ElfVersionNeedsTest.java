package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader of an ELF file's version needs, on a real shared library: the JVM's own {@code libjvm.so}, which needs
 * several {@code GLIBC_2.x} versions, checked against {@code readelf -V} where it is on the {@code PATH}.
 */
class ElfVersionNeedsTest {
    @TempDir
    Path tmp;

    private static Path libjvm() throws Exception {
        Path lib = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        assumeTrue(Files.isRegularFile(lib), "no lib/server/libjvm.so in the JVM running the test");
        assumeTrue(ElfRunPath.isElf(Files.readAllBytes(lib)), "the JVM's libjvm.so is not ELF");
        return lib;
    }

    /** The version names {@code readelf -V} lists in the version needs section, or null without readelf. */
    private static List<String> readelf(Path file) throws Exception {
        Path readelf = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "readelf"))) {
                readelf = Path.of(dir, "readelf");
                break;
            }
        }
        if (readelf == null) {
            return null;
        }
        Process p = new ProcessBuilder(readelf.toString(), "-V", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> names = new ArrayList<>();
        boolean needs = false;
        for (String line : out.lines().toList()) {
            if (line.startsWith("Version ")) {
                needs = line.startsWith("Version needs section");
            } else if (needs && line.contains("Name: ")) {
                names.add(line.substring(line.indexOf("Name: ") + 6).strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    @Test
    void readsTheVersionNeedsReadelfShowsAndTheNewestGlibc() throws Exception {
        Path lib = libjvm();
        List<String> names = ElfVersionNeeds.read(ByteBuffer.wrap(Files.readAllBytes(lib)));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("GLIBC_2.")), names.toString());
        List<String> expected = readelf(lib);
        if (expected != null) {
            assertEquals(expected, names);
        }
        int newest = names.stream().filter(n -> n.matches("GLIBC_2\\.\\d+(\\.\\d+)?"))
                .mapToInt(n -> Integer.parseInt(n.split("\\.")[1])).max().orElseThrow();
        Optional<LinuxLibc.Libc> needed = ElfVersionNeeds.glibcNeeded(lib, "lib/server/libjvm.so");
        assertTrue(needed.isPresent());
        assertEquals("glibc", needed.get().kind());
        assertEquals("2." + newest, needed.get().version());
        assertTrue(needed.get().neededBy().startsWith("lib/server/libjvm.so (GLIBC_2." + newest), needed.toString());
    }

    @Test
    void anotherFileNeedsNothingAndADamagedOneIsRefused() throws Exception {
        Path text = Files.writeString(tmp.resolve("script"), "#!/bin/sh\necho hello\n");
        assertEquals(Optional.empty(), ElfVersionNeeds.glibcNeeded(text, "script"));
        assertThrows(IllegalArgumentException.class, () -> ElfVersionNeeds.read(ByteBuffer.wrap(new byte[64])));
        byte[] bytes = Files.readAllBytes(libjvm());
        byte[] cut = Arrays.copyOf(bytes, 4096);
        assertThrows(IllegalArgumentException.class, () -> ElfVersionNeeds.read(ByteBuffer.wrap(cut)));
        assertFalse(ElfVersionNeeds.glibcNeeded(ByteBuffer.wrap(cut), "cut").isPresent(),
                "a file that cannot be read as ELF adds no need");
    }
}
