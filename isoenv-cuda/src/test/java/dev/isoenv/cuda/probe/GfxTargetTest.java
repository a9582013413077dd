package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GfxTargetTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "90000, gfx900",
        "90006, gfx906",
        "90008, gfx908",
        "90010, gfx90a",
        "90402, gfx942",
        "90500, gfx950",
        "100300, gfx1030",
        "100301, gfx1031",
        "110000, gfx1100",
        "110001, gfx1101",
        "110501, gfx1151",
        "120001, gfx1201",
    })
    void decodesGfxTargetVersions(long version, String gfx) {
        assertEquals(Optional.of(gfx), GfxTarget.fromKfdVersion(version));
    }

    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void zeroIsACpu(long version) {
        assertEquals(Optional.empty(), GfxTarget.fromKfdVersion(version));
    }
}
