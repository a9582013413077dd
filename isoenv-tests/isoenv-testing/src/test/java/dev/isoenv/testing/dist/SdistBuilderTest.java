package dev.isoenv.testing.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.isoenv.testing.python.CommandResult;
import dev.isoenv.testing.python.CommandRunner;
import dev.isoenv.testing.python.PipEnvironment;
import dev.isoenv.testing.python.PythonLocator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdistBuilderTest {
    private static final String LIST_TAR = "import sys, tarfile\n"
            + "with tarfile.open(sys.argv[1]) as tar:\n"
            + "    for member in tar.getmembers():\n"
            + "        print(member.name, member.size, oct(member.mode))\n"
            + "    print(tar.extractfile(sys.argv[2]).read().decode(), end='')\n";

    @Test
    void pythonsTarfileReadsTheArchive(@TempDir Path dir) {
        String longPath = "src/" + "d".repeat(60) + "/" + "e".repeat(60) + "/module.py";
        Path sdist = SdistBuilder.sdist("Isoenv.Demo-Src", "1.0").summary("s").requires("a>=1")
                .file("setup.py", "print('hi')\n")
                .file(longPath, "")
                .buildTo(dir);

        CommandResult listing = CommandRunner.run(List.of(PythonLocator.python3().toString(), "-c", LIST_TAR,
                sdist.toString(), "isoenv_demo_src-1.0/PKG-INFO"), PipEnvironment.current(), dir,
                Duration.ofMinutes(1)).requireSuccess();

        assertEquals(List.of(
                "isoenv_demo_src-1.0/PKG-INFO 89 0o644",
                "isoenv_demo_src-1.0/setup.py 12 0o644",
                "isoenv_demo_src-1.0/" + longPath + " 0 0o644",
                "Metadata-Version: 2.1",
                "Name: Isoenv.Demo-Src",
                "Version: 1.0",
                "Summary: s",
                "Requires-Dist: a>=1",
                ""), listing.stdout().lines().collect(java.util.stream.Collectors.toList()));
        assertEquals("isoenv_demo_src-1.0.tar.gz", sdist.getFileName().toString());
    }

    @Test
    void pkgInfoIsTheBuildersToWrite() {
        assertThrows(IllegalArgumentException.class, () -> SdistBuilder.sdist("a", "1.0").file("PKG-INFO", ""));
    }
}
