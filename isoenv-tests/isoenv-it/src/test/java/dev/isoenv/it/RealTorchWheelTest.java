package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentPlan;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.python.MachineTorchWheel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CPU torch wheel of this machine, installed through a variant mirror built from it alone. The wheel is
 * found by asking pip for its configuration ({@code python -m pip config list}: the find-links folders), never by a
 * path written here; torch's own dependencies come from the ordinary indexes that the same configuration names
 * ({@code index-url}, {@code extra-index-url}), given to the specification, so that pip never waits on an index this
 * machine cannot reach. Where no such wheel or index is configured, the test is skipped and says why.
 */
class RealTorchWheelTest {
    @TempDir
    Path dir;

    @Test
    void theMachinesCpuTorchWheelInstallsThroughAFolderMirrorAndComputes() throws IOException {
        Optional<MachineTorchWheel> found = MachineTorchWheel.find();
        assumeTrue(found.isPresent(), MachineTorchWheel.absence());
        Optional<Path> wheel = Optional.of(found.get().wheel());
        List<String> indexes = found.get().indexes();
        String torch = found.get().version();
        String python = found.get().python();

        // The variant mirror: a folder per variant that holds this one wheel and nothing else.
        Path cpu = Files.createDirectories(dir.resolve("mirror").resolve("cpu"));
        Path link = cpu.resolve(wheel.get().getFileName());
        try {
            Files.createSymbolicLink(link, wheel.get());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(wheel.get(), link);
        }
        PackageIndexes.Builder ordinary = PackageIndexes.builder().indexUrl(indexes.get(0));
        for (String extra : indexes.subList(1, indexes.size())) {
            ordinary.extraIndexUrl(extra);
        }
        EnvironmentSpec spec = EnvironmentSpec.builder(dir.resolve("env")).backend("venv").python(python)
                .inheritMachineConfiguration(false).indexes(ordinary.build())
                .requirement("torch==" + torch)
                .backendOption("torch.index-url", dir.resolve("mirror").toUri() + "{variant}")
                .backendOption("torch.variant", "cpu")
                .build();
        IsoenvClient isoenv = IsoenvClient.create();
        EnvironmentPlan plan = isoenv.plan(spec);
        assertEquals("cpu", plan.choices().get("torch.variant"), plan.toString());

        long start = System.nanoTime();
        Environment env = isoenv.ensure(spec);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(torch + "+cpu", env.installedDistribution("torch").orElseThrow().version());
        String sum = env.run("python", "-c", "import torch; print(torch.ones(2).sum().item())").requireSuccess()
                .stdout().strip();
        assertEquals("2.0", sum);
        System.out.println("RealTorchWheelTest: torch " + torch + "+cpu from " + link + " installed in " + seconds
                + " s; torch.ones(2).sum() = " + sum);
    }
}
