package dev.isoenv.internal.accelerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AcceleratorDetectorTest {

    private static AcceleratorProbe probe(String name, int order, Function<ProbeContext, ProbeResult> body) {
        return new AcceleratorProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return -order;
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                return body.apply(context);
            }
        };
    }

    @Test
    void cheapProbesRunFirstAndTheFirstDetectionWinsWithTheOthersReasons() {
        Accelerator gpu = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "560.35.05", List.of(), "test");
        Accelerator found = new AcceleratorDetector(List.of(
                probe("late", 50, c -> ProbeResult.detected(Accelerator.detected(Accelerator.Kind.AMD_ROCM, null, List.of(), "x"))),
                probe("nvidia", 20, c -> ProbeResult.detected(gpu)),
                probe("override", 0, c -> ProbeResult.notDetected("no override set"))), ProbeContext.system()).detect();
        assertEquals(Accelerator.Kind.NVIDIA_CUDA, found.kind());
        assertEquals(List.of("override: no override set"), found.notes());
        assertTrue(found.degradation().isEmpty());
    }

    @Test
    void aProbeThatFailsOrThrowsNeverFailsDetectionButMarksTheResultIncomplete() {
        Accelerator none = new AcceleratorDetector(List.of(
                probe("nvidia", 20, c -> ProbeResult.failed("nvidia-smi did not answer within 10000 ms")),
                probe("rocm", 30, c -> {
                    throw new IllegalStateException("boom");
                }),
                probe("apple", 10, c -> ProbeResult.notDetected("not macOS"))), ProbeContext.system()).detect();
        assertEquals(Accelerator.Kind.NONE, none.kind());
        assertEquals(3, none.notes().size(), none.notes().toString());
        String degradation = none.degradation().orElseThrow();
        assertTrue(degradation.contains("nvidia-smi did not answer") && degradation.contains("boom"), degradation);
        assertTrue(!degradation.contains("not macOS"), "finding nothing is not a failure: " + degradation);
    }
}
