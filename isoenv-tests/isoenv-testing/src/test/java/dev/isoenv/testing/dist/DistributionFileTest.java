package dev.isoenv.testing.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.hash.Hashing;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistributionFileTest {
    @Test
    void readsAWheelFromDiskWithTheRequiresPythonInsideIt(@TempDir Path dir) throws Exception {
        Path file = WheelBuilder.wheel("Isoenv.Demo", "1.0+cpu").requiresPython(">=3.9,<4").file("m.py", "")
                .buildTo(dir);

        DistributionFile read = DistributionFile.read(file);

        assertEquals("isoenv_demo-1.0+cpu-py3-none-any.whl", read.fileName());
        assertEquals("isoenv-demo", read.project());
        assertEquals("1.0+cpu", read.version());
        assertEquals(DistributionFile.Kind.WHEEL, read.kind());
        assertEquals(Optional.of(">=3.9,<4"), read.requiresPython());
    }

    @Test
    void readsAnSdistFromDiskWithTheRequiresPythonOfItsPkgInfo(@TempDir Path dir) throws Exception {
        Path file = SdistBuilder.sdist("isoenv-demo-src", "2.0").requiresPython(">=3.10").file("setup.py", "")
                .buildTo(dir);

        DistributionFile read = DistributionFile.read(file);

        assertEquals("isoenv_demo_src-2.0.tar.gz", read.fileName());
        assertEquals("isoenv-demo-src", read.project());
        assertEquals("2.0", read.version());
        assertEquals(DistributionFile.Kind.SDIST, read.kind());
        assertEquals(Optional.of(">=3.10"), read.requiresPython());
    }

    @Test
    void aWheelWithoutRequiresPythonHasNone() {
        DistributionFile wheel = WheelBuilder.wheel("a", "1.0").file("a.py", "").build();

        assertEquals(Optional.empty(), DistributionFile.of(wheel.fileName(), wheel.content()).requiresPython());
    }

    @Test
    void digestIsTheSha256OfTheBytes() {
        byte[] bytes = {1, 2, 3};
        DistributionFile file = DistributionFile.of("x-1.0.tar.gz", bytes, Optional.empty());

        assertEquals(Hashing.sha256().hashBytes(bytes).toString(), file.sha256Hex());
        assertEquals(3, file.size());
        bytes[0] = 9;
        assertNotEquals(9, file.content()[0], "the bytes were copied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.whl", "a-1.0-py3-none.whl", "noversion.tar.gz", "a-1.0.rpm", "dir/a-1.0.tar.gz"})
    void rejectsNamesThatAreNoDistribution(String name) {
        assertThrows(IllegalArgumentException.class, () -> DistributionFile.of(name, new byte[0], Optional.empty()));
    }
}
