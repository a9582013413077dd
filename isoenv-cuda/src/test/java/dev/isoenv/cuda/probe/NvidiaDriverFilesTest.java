package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.cuda.testkit.Fixtures;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NvidiaDriverFilesTest {
    static Stream<Arguments> procFiles() {
        return Stream.of(
                Arguments.of("h100-ubuntu24.04-driver580/root/proc/driver/nvidia/version", Optional.of("580.159.04")),
                Arguments.of("nvidia-proc-proprietary-550/root/proc/driver/nvidia/version", Optional.of("550.144.03")),
                Arguments.of("nvidia-proc-aarch64-570/root/proc/driver/nvidia/version", Optional.of("570.124.06")),
                Arguments.of("nvidia-garbage/root/proc/driver/nvidia/version", Optional.empty()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("procFiles")
    void parsesTheNvrmLineOfProcFiles(String fixture, Optional<String> expected) {
        assertEquals(expected, NvidiaDriverFiles.parseProcVersion(Fixtures.text(fixture)));
    }

    static Stream<Arguments> sysfsFiles() {
        return Stream.of(
                Arguments.of(Fixtures.text("h100-ubuntu24.04-driver580/root/sys/module/nvidia/version"),
                        Optional.of("580.159.04")),
                Arguments.of(Fixtures.text("nvidia-garbage/root/sys/module/nvidia/version"), Optional.empty()),
                Arguments.of("570.26\n", Optional.of("570.26")),
                Arguments.of("", Optional.empty()),
                Arguments.of("580.159.04 extra", Optional.empty()));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("sysfsFiles")
    void parsesSysfsModuleVersions(String text, Optional<String> expected) {
        assertEquals(expected, NvidiaDriverFiles.parseModuleVersion(text));
    }
}
