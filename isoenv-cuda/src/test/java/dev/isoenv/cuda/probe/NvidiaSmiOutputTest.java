package dev.isoenv.cuda.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.Accelerator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NvidiaSmiOutputTest {
    private static final long MIB = 1024L * 1024;

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("h100-ubuntu24.04-driver580/nvidia-smi-query.csv", true, "580.159.04",
                        List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", 81559 * MIB))),
                Arguments.of("h100-ubuntu24.04-driver580/nvidia-smi-query-without-compute-cap.csv", false, "580.159.04",
                        List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "", 81559 * MIB))),
                Arguments.of("nvidia-smi/two-gpus-ampere-pascal.csv", true, "535.183.01",
                        List.of(new Accelerator.Device("NVIDIA GeForce RTX 3090", "8.6", 24576 * MIB),
                                new Accelerator.Device("NVIDIA GeForce GTX 1080 Ti", "6.1", 11264 * MIB))),
                Arguments.of("nvidia-smi/three-gpus-mixed-drivers.csv", true, "575.57.08",
                        List.of(new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", 81559 * MIB),
                                new Accelerator.Device("NVIDIA H100 80GB HBM3", "9.0", 81559 * MIB),
                                new Accelerator.Device("NVIDIA GeForce RTX 5090", "12.0", 32607 * MIB))),
                Arguments.of("nvidia-smi/compute-cap-na.csv", true, "470.256.02",
                        List.of(new Accelerator.Device("Tesla K80", "", 11441 * MIB))),
                Arguments.of("nvidia-smi/legacy-without-compute-cap.csv", false, "450.80.02",
                        List.of(new Accelerator.Device("Tesla V100-SXM2-16GB", "", 16160 * MIB))),
                Arguments.of("nvidia-smi/wsl2-rtx4070.csv", true, "566.36",
                        List.of(new Accelerator.Device("NVIDIA GeForce RTX 4070", "8.9", 12282 * MIB))),
                Arguments.of("nvidia-smi/windows-gtx1650-crlf.csv", true, "528.49",
                        List.of(new Accelerator.Device("NVIDIA GeForce GTX 1650", "7.5", -1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void readsEveryLineAndKeepsTheLowestDriver(String fixture, boolean withCapability, String driver,
                                               List<Accelerator.Device> devices) throws Exception {
        NvidiaSmiOutput output = NvidiaSmiOutput.parse(Fixtures.text(fixture), withCapability);
        assertEquals(driver, output.driver());
        assertEquals(devices, output.devices());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("nvidia-smi/empty.csv", "printed no GPU line"),
                Arguments.of("nvidia-smi/garbage.txt", "comma-separated fields"),
                Arguments.of("nvidia-smi/driver-not-loaded.txt", "line 1"),
                Arguments.of("nvidia-smi/bad-compute-cap.csv", "'nine' where the compute capability belongs"),
                Arguments.of("nvidia-smi/legacy-compute-cap-error.txt", "line 1"),
                Arguments.of("h100-ubuntu24.04-driver580/nvidia-smi-unknown-field.txt", "line 1"),
                Arguments.of("h100-ubuntu24.04-driver580/nvidia-smi-query-with-header.csv",
                        "does not start with a driver version"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedOutputWithAReason(String fixture, String reason) {
        NvidiaSmiOutput.MalformedException e = assertThrows(NvidiaSmiOutput.MalformedException.class,
                () -> NvidiaSmiOutput.parse(Fixtures.text(fixture), true));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aThreeFieldLineIsMalformedWhenTheCapabilityWasAskedFor() {
        assertThrows(NvidiaSmiOutput.MalformedException.class,
                () -> NvidiaSmiOutput.parse(Fixtures.text("nvidia-smi/legacy-without-compute-cap.csv"), true));
    }

    @Test
    void aNameWithACommaIsKeptWhole() throws Exception {
        NvidiaSmiOutput output = NvidiaSmiOutput.parse("550.54.14, 8.0, NVIDIA A100-SXM4-80GB, MIG 1g, 81920 MiB\n",
                true);
        assertEquals("NVIDIA A100-SXM4-80GB, MIG 1g", output.devices().get(0).name());
    }
}
