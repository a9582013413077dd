package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.VerificationException;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import dev.isoenv.Accelerator;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.FakeTorch;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.testing.index.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole PyTorch path, end to end: isoenv-cuda's probes (through their overrides, as no GPU is here), data,
 * resolver and planner, the ensure() engine and the venv backend, against PyTorch-style indexes served on
 * 127.0.0.1 ({@code /whl/cpu/}, {@code /whl/cu126/}, ...) and a default index whose torch is the unlabelled PyPI
 * build. The fake torch wheels are torch 2.8.0, which the built-in data says is published for cu126, cu128 and
 * cu129, and whose cu128 and cu129 builds no longer carry Pascal GPUs (compute capability 6.1).
 */
class TorchVariantEndToEndTest {
    private static final String TORCH = "2.8.0";
    private static final List<String> VARIANTS = List.of("cpu", "cu126", "cu128", "cu129");
    private static final String INDEX_URL = "isoenv.torch.index-url";
    private static final String DRIVER = "isoenv.cuda.driver";
    private static final String CAPABILITY = "isoenv.cuda.compute-capability";
    private static final String VARIANT = "isoenv.torch.variant";

    private static PackageIndexServer server;

    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());
    private final Handler logHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] params = record.getParameters();
            if (params != null) {
                message = java.text.MessageFormat.format(message, params);
            }
            log.add(message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void serveIndexes() throws IOException {
        server = PackageIndexServer.start();
        server.publish(FakeTorch.torch(TORCH, null)).publish(FakeTorch.torchaudio(TORCH, null));
        server.publish(TestPackages.hello("1.0"));
        for (String variant : VARIANTS) {
            String index = server.addIndex("/whl/" + variant + "/");
            if (variant.equals("cu129")) {
                // A cu129 index whose torch claims the label but is a CPU build inside: verification must catch it.
                server.publish(index, mislabelledTorch("cu129")).publish(index, FakeTorch.torchaudio(TORCH, variant));
            } else {
                server.publish(index, FakeTorch.torch(TORCH, variant)).publish(index, FakeTorch.torchaudio(TORCH, variant));
            }
        }
    }

    private static DistributionFile mislabelledTorch(String label) {
        String version = TORCH + "+" + label;
        return WheelBuilder.wheel("torch", version)
                .file("torch/__init__.py", "from torch import cuda, version\n__version__ = \"" + version + "\"\n")
                .module("torch.version", "__version__ = \"" + version + "\"\ncuda = None\nhip = None\n")
                .file("torch/cuda/__init__.py", "def is_available():\n    return False\n")
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        System.setProperty(INDEX_URL, server.baseUrl().replaceAll("/+$", "") + "/whl/{variant}");
        Logger.getLogger("dev.isoenv").addHandler(logHandler);
        server.clearRequestLog();
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger("dev.isoenv").removeHandler(logHandler);
        for (String p : List.of(INDEX_URL, DRIVER, CAPABILITY, VARIANT, "isoenv.torch.verify")) {
            System.clearProperty(p);
        }
    }

    private EnvironmentSpec spec(String name, String... requirements) {
        return EnvironmentSpec.builder(dir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirements(requirements).build();
    }

    private Environment ensure(EnvironmentSpec spec) {
        return IsoenvClient.builder().launchListener(launches::add).build().ensure(spec);
    }

    private static String version(Environment env, String name) {
        return env.installedDistribution(name).orElseThrow(() -> new AssertionError(name + " is not installed")).version();
    }

    private static List<String> downloads(String pathPrefix) {
        return server.requestLog().stream().filter(RecordedRequest::isFileDownload).map(RecordedRequest::path)
                .filter(p -> p.startsWith(pathPrefix)).collect(Collectors.toList());
    }

    @Test
    void aForcedDriverInstallsTheCudaBuildForTheWholeFamilyAndNeverTheDefaultIndexTorch() {
        System.setProperty(DRIVER, "560.35.05");
        System.setProperty(CAPABILITY, "6.1");
        Environment env = ensure(spec("pascal", "torch==" + TORCH, "torchaudio", TestPackages.HELLO));
        assertEquals(TORCH + "+cu126", version(env, "torch"), "cu128 and cu129 dropped Pascal; cu126 is the newest that runs");
        assertEquals(TORCH + "+cu126", version(env, "torchaudio"), "no CPU torchaudio beside a CUDA torch");
        assertEquals("1.0", version(env, TestPackages.HELLO), "the other requirements come from the default index");
        assertEquals(List.of(), downloads("/simple/torch"), "the default index's torch was never downloaded");
        assertEquals("12.6", env.run("python", "-c", "import torch; print(torch.version.cuda)").requireSuccess().stdout().strip());
        String explained = String.join("\n", log);
        assertTrue(explained.contains("cu128 refused") && explained.contains("Choice: cu126"), explained);
        assertEquals("cu126", env.choices().get("torch.variant"), "the choice is on the environment, not only in a log");
        assertEquals(server.baseUrl().replaceAll("/+$", "") + "/whl/cu126", env.choices().get("torch.index"));
        assertTrue(env.explanation().contains("cu128 refused") && env.explanation().contains("Choice: cu126"),
                env.explanation());
    }

    @Test
    void withNoAcceleratorTheCpuVariantIsInstalled() {
        assumeTrue(Accelerator.Kind.NONE.equals(Isoenv.detectAccelerator().kind()), "this machine has an accelerator");
        Environment env = ensure(spec("cpu", "torch", "torchaudio"));
        assertEquals(TORCH + "+cpu", version(env, "torch"));
        assertEquals(TORCH + "+cpu", version(env, "torchaudio"));
        assertEquals(List.of(), downloads("/simple/"));
        assertFalse(downloads("/whl/cpu/").isEmpty());
    }

    @Test
    void changingTheOverrideUpdatesTheEnvironmentInPlace() throws IOException {
        System.setProperty(DRIVER, "560.35.05");
        System.setProperty(CAPABILITY, "6.1");
        EnvironmentSpec spec = spec("switch", "torch", "torchaudio");
        Environment env = ensure(spec);
        assertEquals(TORCH + "+cu126", version(env, "torch"));
        Path kept = Files.writeString(env.root().resolve("user-data.txt"), "kept");

        System.clearProperty(DRIVER);
        System.clearProperty(CAPABILITY);
        System.setProperty(VARIANT, "cu128");
        launches.clear();
        env = ensure(spec);
        assertEquals(TORCH + "+cu128", version(env, "torch"), "an unpinned torch is replaced by the new variant's build");
        assertEquals(TORCH + "+cu128", version(env, "torchaudio"));
        assertTrue(Files.exists(kept), "updated in place, not rebuilt");
        assertFalse(launches.isEmpty());

        launches.clear();
        ensure(spec);
        assertEquals(List.of(), launches, "with the override unchanged, the next ensure() starts no process");
    }

    @Test
    void anIncompleteDetectionNeverReplacesAWorkingBuild() {
        java.util.concurrent.atomic.AtomicReference<Accelerator> seen = new java.util.concurrent.atomic.AtomicReference<>(
                Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "580.95.05",
                        List.of(new Accelerator.Device("NVIDIA GeForce GTX 1080 Ti", "6.1", 11L << 30)), "test hardware"));
        // The fake torch cannot see the pretend GPU, so the GPU check of verification is off for this test.
        System.setProperty("isoenv.torch.verify", "false");
        // The planner found by ServiceLoader, fed by a probe the test controls, through the client's detection.
        AcceleratorProbe probe = new AcceleratorProbe() {
            @Override
            public String name() {
                return "test-hardware";
            }

            @Override
            public boolean cacheable() {
                return false;
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                return ProbeResult.detected(seen.get());
            }
        };
        IsoenvClient isoenv = IsoenvClient.builder().probes(List.of(probe)).launchListener(launches::add).build();
        EnvironmentSpec spec = spec("degraded", "torch", "torchaudio");
        Environment env = isoenv.ensure(spec);
        assertEquals(TORCH + "+cu126", version(env, "torch"));

        // nvidia-smi times out in a later JVM: the driver is known, the GPU's architecture is not, so on driver 580
        // cu132 would look fine although this Pascal GPU cannot run it.
        seen.set(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, "580.95.05", List.of(), "/sys/module/nvidia/version")
                .withDegradation("nvidia-smi did not answer within 10000 ms"));
        launches.clear();
        env = isoenv.ensure(spec);
        assertEquals(List.of(), launches, "a guess does not reinstall a working build");
        assertEquals(TORCH + "+cu126", version(env, "torch"));
        assertTrue(String.join("\n", log).contains("nvidia-smi did not answer"), "the warning says why: " + log);

        // Complete information that really differs does update the environment.
        seen.set(Accelerator.none(List.of("nvidia: no driver")));
        env = isoenv.ensure(spec);
        assertEquals(TORCH + "+cpu", version(env, "torch"));
    }

    @Test
    void aBuildThatIsNotWhatItsLabelSaysFailsVerificationAndIsNotRecorded() {
        System.setProperty(VARIANT, "cu129");
        EnvironmentSpec spec = spec("mislabelled", "torch==" + TORCH);
        VerificationException e = assertThrows(VerificationException.class, () -> ensure(spec));
        assertTrue(e.getMessage().contains("cu129"), e.getMessage());
        launches.clear();
        assertThrows(VerificationException.class, () -> ensure(spec));
        assertFalse(launches.isEmpty(), "a failed verification is not recorded as success");
    }
}
