package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Availability;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentPlan;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.dist.FakeTorch;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.testing.index.RecordedRequest;
import dev.isoenv.uv.UvInstaller;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A corporate setup, end to end through real pip and the fixture index, with pip pointed away from this machine's
 * configuration and no global property set: a variant mirror ({@code /mirror/cpu/}, {@code /mirror/cu126/}) that
 * holds only torch, torchaudio and torchvision, beside an ordinary index ({@code /simple/}) that holds everything
 * else, torch's own dependency ({@value TestPackages#HELLO}) included. The mirror and the variant are given per
 * client and per specification. A torchvision that arrives only as a dependency is routed with the venv backend, and
 * with the uv backend wherever a uv is found.
 */
class TorchMirrorEndToEndTest {
    private static final String TORCH = "2.8.0";
    private static final String VISION = "0.23.0";
    /** A package of the ordinary index that needs torchvision, as timm does. */
    private static final String VISION_USER = "isoenv-demo-vision-user";

    /** An ordinary index that also has PyPI's unlabelled torch and torchvision. */
    private static final String PLAIN = "/plain/";

    private static PackageIndexServer server;

    @TempDir
    Path dir;

    private final List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void serveIndexes() throws IOException {
        server = PackageIndexServer.start();
        // The ordinary index: torch's dependency and a package that needs torchvision; its torchvision is the
        // unlabelled PyPI build, which must never be installed.
        server.publish(TestPackages.hello("1.0")).publish(TestPackages.greeter("1.0"))
                .publish(FakeTorch.torchvision(VISION, null, TORCH))
                .publish(WheelBuilder.wheel(VISION_USER, "1.0").requires("torchvision")
                        .file("isoenv_demo_vision_user/__init__.py", "").build());
        // An ordinary index with PyPI's builds of the family too, for a specification that names none of it.
        server.addIndex(PLAIN);
        server.publish(PLAIN, List.of(TestPackages.hello("1.0"), FakeTorch.torch(TORCH, null,
                List.of(TestPackages.HELLO + ">=1.0")), FakeTorch.torchvision(VISION, null, TORCH),
                WheelBuilder.wheel(VISION_USER, "1.0").requires("torchvision")
                        .file("isoenv_demo_vision_user/__init__.py", "").build()));
        for (String variant : List.of("cpu", "cu126")) {
            String index = server.addIndex("/mirror/" + variant + "/");
            server.publish(index, FakeTorch.torch(TORCH, variant, List.of(TestPackages.HELLO + ">=1.0")))
                    .publish(index, FakeTorch.torchaudio(TORCH, variant))
                    .publish(index, FakeTorch.torchvision(VISION, variant, TORCH));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clearLog() {
        server.clearRequestLog();
    }

    private String mirror() {
        return server.baseUrl().replaceAll("/+$", "") + "/mirror/{variant}";
    }

    private IsoenvClient client(String variant) {
        return IsoenvClient.builder().launchListener(launches::add).option("torch.index-url", mirror())
                .option("torch.variant", variant).build();
    }

    private EnvironmentSpec.Builder spec(String name, String... requirements) {
        return EnvironmentSpec.builder(dir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build()).requirements(requirements);
    }

    private static String version(Environment env, String name) {
        return env.installedDistribution(name).orElseThrow(() -> new AssertionError(name + " is not installed"))
                .version();
    }

    private static List<String> requested(String prefix) {
        return server.requestLog().stream().map(RecordedRequest::path).filter(p -> p.startsWith(prefix))
                .collect(Collectors.toList());
    }

    @Test
    void aMirrorWithOnlyTheFamilyWorksAndTorchsDependenciesComeFromTheOrdinaryIndex() {
        IsoenvClient isoenv = client("cpu");
        EnvironmentSpec spec = spec("mirror", "torch==" + TORCH, "torchaudio").build();
        Environment env = isoenv.ensure(spec);
        assertEquals(TORCH + "+cpu", version(env, "torch"));
        assertEquals(TORCH + "+cpu", version(env, "torchaudio"));
        assertEquals("1.0", version(env, TestPackages.HELLO), "torch's dependency, from the ordinary index");
        assertEquals(List.of(), requested("/simple/torch"), "the ordinary index is never asked for the family");
        assertEquals(List.of(), requested("/mirror/cpu/" + TestPackages.HELLO),
                "the mirror is never asked for anything but the family");

        // Adding a requirement that is not torch's does not run the torch step: the mirror is not even asked.
        server.clearRequestLog();
        env = isoenv.ensure(spec.toBuilder().requirement(TestPackages.GREETER).build());
        assertEquals("1.0", version(env, TestPackages.GREETER));
        assertEquals(List.of(), requested("/mirror/"), "the torch step was skipped");
        assertEquals(TORCH + "+cpu", version(env, "torch"));
    }

    @Test
    void theSpecificationsVariantWinsOverTheClientsAndThePlanIsTheEnvironmentsExplanation() {
        IsoenvClient isoenv = client("cpu");
        EnvironmentSpec spec = spec("per-spec", "torch").backendOption("torch.variant", "cu126").build();
        launches.clear();
        EnvironmentPlan plan = isoenv.plan(spec);
        assertEquals(List.of(), launches, "planning a forced variant starts no process");
        assertEquals("cu126", plan.choices().get("torch.variant"));
        assertEquals(server.baseUrl().replaceAll("/+$", "") + "/mirror/cu126", plan.choices().get("torch.index"));
        assertTrue(plan.explanation().contains("set by the client's option torch.index-url"), plan.explanation());
        assertEquals(2, plan.steps().size(), plan.steps().toString());
        assertTrue(plan.steps().get(0).contains("without dependencies"), plan.steps().get(0));

        assertTrue(plan.explanation().contains("Python unknown"), "no environment yet, and no Python version asked"
                + " for: " + plan.explanation());

        Environment env = isoenv.ensure(spec);
        assertEquals(TORCH + "+cu126", version(env, "torch"));
        assertEquals(plan.choices(), env.choices());
        EnvironmentPlan again = isoenv.plan(spec);
        assertEquals(again.explanation(), env.explanation(), "with the environment's Python, the same explanation");
    }

    /** With uv, only where a uv is found (see {@link UvConformanceTest}); skipped with uv's reason elsewhere. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"venv", "uv"})
    void aTorchvisionThatArrivesAsADependencyGetsTheSameVariant(String backend) {
        if (backend.equals("uv")) {
            Availability uv = new UvInstaller().availability();
            assumeTrue(uv.isAvailable(), () -> "uv is not available here: " + uv.detail());
        }
        Environment env = client("cu126").ensure(spec("transitive", "torch", VISION_USER).backend(backend).build());
        assertEquals(backend, env.backend());
        assertEquals(TORCH + "+cu126", version(env, "torch"));
        assertEquals(VISION + "+cu126", version(env, "torchvision"), "routed to the variant mirror, not PyPI's build");
        assertEquals("1.0", version(env, VISION_USER));
        assertFalse(requested("/mirror/cu126/torchvision/files/").isEmpty(), "torchvision came from the mirror");
    }

    @Test
    void aSpecificationThatNamesNoTorchFamilyPackageGetsNoVariantAndItsPlanSaysWhereTorchComesFrom() {
        IsoenvClient isoenv = client("cu126");
        EnvironmentSpec spec = spec("unnamed", VISION_USER).indexes(PackageIndexes.builder()
                .indexUrl(server.indexUrl(PLAIN)).build()).build();
        EnvironmentPlan plan = isoenv.plan(spec);
        assertEquals(Map.of(), plan.choices(), "no variant is chosen");
        assertEquals(1, plan.steps().size(), plan.steps().toString());
        assertFalse(plan.steps().get(0).contains("routed"), plan.steps().get(0));
        assertTrue(plan.explanation().contains("No torch-family package (torch, torchvision, torchaudio, ...) is named,"
                + " so no PyTorch variant is chosen: if a requirement brings one in as a dependency, as timm brings"
                + " torch and torchvision, it comes with everything else from the specification's indexes, in"
                + " whatever build that serves"), plan.explanation());

        // What ensure() does is what the plan said: the ordinary index's builds, and the mirror never asked.
        Environment env = isoenv.ensure(spec);
        assertEquals(TORCH, version(env, "torch"), "the ordinary index's build, unlabelled");
        assertEquals(VISION, version(env, "torchvision"));
        assertEquals(List.of(), requested("/mirror/"));
        assertEquals(plan.explanation(), env.explanation());
        assertEquals(plan.choices(), env.choices());
    }

    @Test
    void aFailedVariantSwitchKeepsTheOldBuildAndSaysSo() {
        EnvironmentSpec spec = spec("switch", "torch", "torchaudio").build();
        Environment env = client("cpu").ensure(spec);
        assertEquals(TORCH + "+cpu", version(env, "torch"));

        server.failWith("/mirror/cu126/", 404);
        try {
            InstallationException e = assertThrows(InstallationException.class, () -> client("cu126").ensure(spec));
            assertTrue(e.getMessage().contains("Nothing was switched: torch " + TORCH + "+cpu"), e.getMessage());
            assertTrue(e.getMessage().contains("still installed and usable"), e.getMessage());
        } finally {
            server.clearFaults();
        }
        assertEquals(TORCH + "+cpu", version(env, "torch"));
        assertEquals(TORCH + "+cpu", version(env, "torchaudio"));
        assertEquals(TORCH + "+cpu", env.run("python", "-c", "import torch; print(torch.__version__)")
                .requireSuccess().stdout().strip(), "the old build still imports");

        // Once the mirror answers, the switch completes.
        env = client("cu126").ensure(spec);
        assertEquals(TORCH + "+cu126", version(env, "torch"));
        assertEquals(TORCH + "+cu126", version(env, "torchaudio"));
    }

    @Test
    void anUnreachableVariantIndexIsNamedWithItsSettingAndNeverCalledAConflict() {
        EnvironmentSpec spec = spec("unreachable", "torch==" + TORCH)
                .backendOption("torch.index-url", "http://build:s3cr3t-t0ken@127.0.0.1:1/whl/{variant}").build();
        InstallationException e = assertThrows(InstallationException.class, () -> client("cpu").ensure(spec));
        String message = e.getMessage();
        assertEquals(InstallationException.Reason.UNREACHABLE, e.reason(), message);
        assertTrue(message.contains("http://****@127.0.0.1:1/whl/cpu, could not be reached"), message);
        assertTrue(message.contains("It is set by the specification's option torch.index-url"), message);
        assertFalse(message.contains("s3cr3t-t0ken"), message);
        assertFalse(message.contains("Relax"), message);
        assertFalse(message.toLowerCase(java.util.Locale.ROOT).contains("conflict with each other"), message);
    }
}
