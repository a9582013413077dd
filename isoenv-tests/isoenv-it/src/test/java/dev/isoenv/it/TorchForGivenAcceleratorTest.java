package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.dist.FakeTorch;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torch environment built on this machine, which has no GPU, for the accelerator of other machines given as the
 * specification's options ({@code cuda.driver}, {@code cuda.compute-capability}), and packed for them: the variant
 * is the one those facts call for, the installed build is checked here (it imports on a machine without a GPU), the
 * GPU itself is not, and both the environment's choices and the archive's manifest say what it was built for and
 * what was not checked.
 */
class TorchForGivenAcceleratorTest {
    private static final String TORCH = "2.8.0";
    private static PackageIndexServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void serveIndexes() throws IOException {
        server = PackageIndexServer.start();
        server.publish(FakeTorch.torch(TORCH, null)).publish(TestPackages.hello("1.0"));
        for (String variant : List.of("cpu", "cu126", "cu128", "cu129")) {
            server.publish(server.addIndex("/whl/" + variant + "/"), FakeTorch.torch(TORCH, variant));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theGivenFactsChooseTheVariantAndTheArchiveRecordsThemAndTheUncheckedGpu() throws IOException {
        List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());
        IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .launchListener(launches::add).build();
        EnvironmentSpec spec = EnvironmentSpec.builder(dir.resolve("h100")).backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirements("torch==" + TORCH, TestPackages.HELLO)
                .backendOption("torch.index-url", server.baseUrl().replaceAll("/+$", "") + "/whl/{variant}")
                .backendOption("cuda.driver", "560.35.03")
                .backendOption("cuda.compute-capability", "9.0")
                .build();

        Environment env = isoenv.ensure(spec);

        assertEquals(TORCH + "+cu129", env.installedDistribution("torch").orElseThrow().version(),
                "torch 2.8's newest variant whose driver floor (525.60.13) and architectures fit driver 560 and 9.0");
        assertEquals("cu129", env.choices().get("torch.variant"));
        String facts = env.choices().get("accelerator");
        assertTrue(facts.startsWith("NVIDIA CUDA, driver 560.35.03, compute capability 9.0; given by ")
                && facts.contains("cuda.driver") && facts.endsWith("not detected on this machine"), facts);
        String gpuCheck = env.choices().get("torch.gpu-check");
        assertTrue(gpuCheck.startsWith("not run on the machine that built it") && gpuCheck.contains("CUDA 12.9")
                && gpuCheck.endsWith("(torch.cuda.is_available()) was not; check it on the target"), gpuCheck);
        // The build was checked here (torch imports without a GPU); torch.cuda.is_available() was never asked.
        String checks = launches.stream().filter(c -> c.size() > 2 && c.get(1).equals("-c")).map(c -> c.get(2))
                .reduce("", String::concat);
        assertTrue(checks.contains("import torch"), "the build check ran: " + launches);
        assertFalse(launches.stream().anyMatch(c -> c.contains("gpu")), "the GPU check did not: " + launches);

        EnvironmentArchive packed = env.pack(dir.resolve("h100.tar.gz"));
        assertEquals(env.choices(), packed.choices(), "the archive records the choices and the facts");
        JsonNode manifest = new ObjectMapper().readTree(TargetPlatformBuildTest.manifest(packed.file()));
        assertEquals("cu129", manifest.path("accelerator").asText());
        assertEquals("cu129", manifest.path("choices").path("torch.variant").asText());
        assertEquals(facts, manifest.path("choices").path("accelerator").asText());
        assertEquals(gpuCheck, manifest.path("choices").path("torch.gpu-check").asText());
    }

    @Test
    void aPlanForAnotherArchitectureIsMadeForThatArchitecture() {
        String other = TargetPlatformBuildTest.otherArchitecture();
        EnvironmentSpec spec = EnvironmentSpec.builder(dir.resolve("plan")).backend("venv")
                .requirement("torch==" + TORCH)
                .backendOption("torch.index-url", server.baseUrl().replaceAll("/+$", "") + "/whl/{variant}")
                .backendOption("cuda.driver", "580.65.06")
                .backendOption("cuda.compute-capability", "9.0")
                .backendOption("target.platform", "linux-" + other)
                .build();
        String explanation = IsoenvClient.builder().installers(List.of(new VenvInstaller())).build().plan(spec)
                .explanation();
        // The planner is told the target's architecture, as os.arch names it there.
        assertTrue(explanation.contains("Target: Linux " + (other.equals("x86_64") ? "amd64" : other))
                && explanation.contains("Built for linux-" + other), explanation);
    }
}
