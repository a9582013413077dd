package dev.isoenv.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.Accelerator;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.cuda.config.Settings;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchDataSource;
import dev.isoenv.cuda.testkit.Fixtures;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.PlanningContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The choices isoenv made on a real, lent NVIDIA H200 (driver 580.159.04, compute capability 9.0, Linux x86_64,
 * Python 3.12.3; its own torch is 2.11.0+cu130 with sm_75..sm_120), as recorded in
 * {@code fixtures/h200-ubuntu24.04-driver580/accelerator-report.txt} (from the capture
 * {@code h200-probe-and-conformance.txt}). A change of the data or of the resolver that changes one of them
 * fails here, and must be argued for against that capture.
 */
class H200ChoicesTest {
    private static final String REPORT = "h200-ubuntu24.04-driver580/accelerator-report.txt";
    private static final Accelerator H200 = Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "580.159.04",
            List.of(new Accelerator.Device("NVIDIA H200", "9.0", 143771L * 1024 * 1024)),
            "/sys/module/nvidia/version and nvidia-smi (/usr/local/nvidia/bin/nvidia-smi)");
    private static final PlanningContext H200_LINUX = new PlanningContext("3.12.3", OperatingSystem.LINUX, "amd64",
            () -> H200);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "torch==2.11.0      | cu130",
        "torch              | cu132",
        "torch==2.9.1       | cu130",
        "torch==2.7.1       | cu128",
        "torch==2.5.1       | cu124",
        "torch==2.1.0       | cu121",
        "torchaudio==2.11.0 | cu130",
        "torchvision        | cu132",
    })
    void theChoicesMadeOnTheH200StayTheSame(String requirement, String variant) {
        TorchInstallPlanner planner = new TorchInstallPlanner(() -> H200, TorchDataSource.of(TorchData.builtIn()),
                Settings.of(Map.of(), Map.of()));
        InstallPlan plan = planner.plan(EnvironmentSpec.builder(tmp.resolve("env")).requirements(requirement).build(),
                H200_LINUX).orElseThrow();
        assertEquals(variant, plan.choices().get(TorchInstallPlanner.CHOICE_VARIANT), plan.explanation());
        assertEquals("https://download.pytorch.org/whl/" + variant,
                plan.choices().get(TorchInstallPlanner.CHOICE_INDEX));
        assertEquals(variant, capturedChoices().get(requirement), "the capture says otherwise");
    }

    @Test
    void theTableCoversEveryPlanOfTheCapture() {
        assertEquals(List.of("torch", "torch==2.11.0", "torch==2.9.1", "torch==2.7.1", "torch==2.5.1",
                "torch==2.1.0", "torchaudio==2.11.0", "torchvision"), List.copyOf(capturedChoices().keySet()));
    }

    /** The plans of the captured report: each heading such as {@code torch==2.11.0:} and its torch.variant line. */
    private static Map<String, String> capturedChoices() {
        Map<String, String> choices = new LinkedHashMap<>();
        String heading = null;
        for (String line : Fixtures.text(REPORT).split("\n")) {
            if (line.matches("torch[a-z]*(==[0-9.]+)?:")) {
                heading = line.substring(0, line.length() - 1);
            } else if (heading != null && line.startsWith("  torch.variant = ")) {
                choices.put(heading, line.substring("  torch.variant = ".length()).strip());
                heading = null;
            }
        }
        return choices;
    }
}
