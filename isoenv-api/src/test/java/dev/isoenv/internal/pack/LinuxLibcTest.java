package dev.isoenv.internal.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.internal.pack.LinuxLibc.Libc;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an environment's wheels need of the C library, read from their tags, and what this machine has, read from the
 * library the JVM runs on: the facts unpacking compares before it refuses an archive for an older Linux.
 */
class LinuxLibcTest {
    @TempDir
    Path dir;

    @Test
    void aWheelNeedsTheOldestLibraryAnyOfItsTagsRunsOn() {
        assertEquals("glibc 2.28", LinuxLibc.neededByTags(List.of("cp311-cp311-manylinux_2_28_x86_64"), "torch 2")
                .orElseThrow().toString());
        Libc compressed = LinuxLibc.neededByTags(
                List.of("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"), "numpy 2").orElseThrow();
        assertEquals("glibc 2.17", compressed.toString());
        assertEquals("numpy 2 (manylinux_2_17_x86_64)", compressed.neededBy());
        assertEquals("glibc 2.5", LinuxLibc.neededByTags(
                List.of("cp311-cp311-manylinux1_x86_64", "cp311-cp311-manylinux_2_24_x86_64"), "x").orElseThrow()
                .toString());
        assertEquals("glibc 2.12", LinuxLibc.neededByTags(List.of("cp38-cp38-manylinux2010_x86_64"), "x")
                .orElseThrow().toString());
        assertEquals("musl 1.2", LinuxLibc.neededByTags(List.of("cp311-cp311-musllinux_1_2_x86_64"), "x")
                .orElseThrow().toString());
        assertTrue(LinuxLibc.neededByTags(List.of("py3-none-any"), "pure").isEmpty());
        assertTrue(LinuxLibc.neededByTags(List.of("cp311-cp311-linux_x86_64"), "built here").isEmpty());
        assertTrue(LinuxLibc.neededByTags(List.of("cp311-cp311-win_amd64"), "windows").isEmpty());
    }

    @Test
    void anEnvironmentNeedsTheNewestOfWhatItsWheelsNeed() throws Exception {
        Path numpy = wheel("numpy-2.1.0.dist-info", "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64");
        Path torch = wheel("torch-2.13.0+cpu.dist-info", "cp311-cp311-manylinux_2_28_x86_64");
        Path pure = wheel("six-1.16.0.dist-info", "py2-none-any", "py3-none-any");
        Libc needed = LinuxLibc.needed(List.of(numpy, torch, pure)).orElseThrow();
        assertEquals("glibc 2.28", needed.toString());
        assertEquals("torch 2.13.0+cpu (manylinux_2_28_x86_64)", needed.neededBy());
        assertTrue(LinuxLibc.needed(List.of(pure)).isEmpty());
    }

    @Test
    void glibcsVersionIsReadFromItsBannerOrItsNewestSymbolVersion() throws Exception {
        Path banner = dir.resolve("banner.so");
        Files.write(banner, bytes("\0\u007fELF junk GLIBC_2.2.5\0GLIBC_2.34\0GNU C Library (Ubuntu GLIBC 2.39-0ubuntu8)"
                + " stable release version 2.39.\0more"));
        assertEquals("glibc 2.39", LinuxLibc.glibcVersion(banner).orElseThrow().toString());
        Path symbols = dir.resolve("symbols.so");
        Files.write(symbols, bytes("\0GLIBC_2.17\0GLIBC_2.9\0GLIBC_2.34\0GLIBC_PRIVATE\0"));
        assertEquals("glibc 2.34", LinuxLibc.glibcVersion(symbols).orElseThrow().toString());
        Path neither = dir.resolve("neither.so");
        Files.write(neither, bytes("nothing to see"));
        assertTrue(LinuxLibc.glibcVersion(neither).isEmpty());
    }

    @Test
    void thisMachinesLibraryIsWhatGetconfReports() throws Exception {
        Optional<Path> getconf = onPath("getconf");
        assumeTrue(getconf.isPresent() && Files.isReadable(Path.of("/proc/self/maps")),
                "needs Linux with getconf on PATH to compare with");
        Process p = new ProcessBuilder(getconf.get().toString(), "GNU_LIBC_VERSION").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assumeTrue(p.exitValue() == 0 && out.startsWith("glibc "), "not a glibc machine: " + out);
        assertEquals(out, LinuxLibc.current().orElseThrow().toString());
    }

    @Test
    void aMachineWithAnOlderOrAnotherLibraryIsRefusedWithTheReason() {
        Libc needed = new Libc("glibc", 2, 28, "torch 2.13.0 (manylinux_2_28_x86_64)");
        assertEquals(Optional.of("its compiled packages need glibc 2.28 or newer (torch 2.13.0"
                        + " (manylinux_2_28_x86_64)), and this machine has glibc 2.17"),
                LinuxLibc.refusal(needed, new Libc("glibc", 2, 17, "/lib64/libc.so.6")));
        assertTrue(LinuxLibc.refusal(needed, new Libc("glibc", 2, 28, "x")).isEmpty());
        assertTrue(LinuxLibc.refusal(needed, new Libc("glibc", 3, 1, "x")).isEmpty());
        assertTrue(LinuxLibc.refusal(needed, new Libc("musl", 0, 0, "/lib/ld-musl-x86_64.so.1")).orElseThrow()
                .contains("this machine's C library is musl"));
        // musl's version is not read: a musl machine is not refused over it.
        assertTrue(LinuxLibc.refusal(new Libc("musl", 1, 2, "x"), new Libc("musl", 0, 0, "y")).isEmpty());
    }

    private Path wheel(String distInfo, String... tags) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(distInfo));
        StringBuilder text = new StringBuilder("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n");
        for (String tag : tags) {
            text.append("Tag: ").append(tag).append('\n');
        }
        return Files.writeString(folder.resolve("WHEEL"), text);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Optional<Path> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }
}
