package dev.isoenv.cuda.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.ProcessTimeoutException;
import dev.isoenv.VerificationException;
import dev.isoenv.cuda.data.TorchData;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.cuda.testkit.FakeEnvironment;
import dev.isoenv.internal.version.Version;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchBuildCheckTest {
    @TempDir
    Path tmp;

    private static ExpectedBuild expect(String variant, String label, String torch, boolean gpu) {
        TorchData data = TorchData.builtIn();
        Set<String> labelled = new TreeSet<>();
        data.torchFamily().stream().filter(data::carriesVariantLabel).forEach(labelled::add);
        return ExpectedBuild.builder(TorchVariant.parse(variant)).localLabel(label)
                .torchVersion(torch == null ? null : Version.parse(torch)).gpuExpected(gpu)
                .family(data.torchFamily(), labelled).build();
    }

    private static String report(String version, String cuda, String hip, String available) {
        return "isoenv-torch-version=" + version + "\nisoenv-torch-cuda=" + cuda + "\nisoenv-torch-hip=" + hip + "\n"
                + (available == null ? "" : "isoenv-torch-cuda-available=" + available + "\n");
    }

    private static List<InstalledDistribution> dists(String... nameVersion) {
        return java.util.Arrays.stream(nameVersion).map(s -> s.split("==")).map(p -> InstalledDistribution.of(p[0], p[1]))
                .toList();
    }

    @Test
    void theExpectedCudaBuildPasses() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1+cu124", "torchaudio==2.5.1+cu124",
                "triton==3.1.0", "numpy==2.1.0"), report("2.5.1+cu124", "12.4", "None", "True"), 0);
        TorchBuildCheck check = new TorchBuildCheck(expect("cu124", "cu124", "2.5.1", true));
        assertDoesNotThrow(() -> check.verify(env));
        List<String> command = env.commands().get(0);
        assertEquals(List.of("python", "-c"), command.subList(0, 2));
        assertEquals("gpu", command.get(3));
        assertFalse(command.get(2).contains("\n"));
        assertFalse(command.get(2).contains("\""));
    }

    @Test
    void theRealScriptOutputFromAnH100WithTorch211Passes() {
        String real = dev.isoenv.cuda.testkit.Fixtures.text("h100-ubuntu24.04-driver580/torch-2.11.0-cu130-check-script.txt");
        FakeEnvironment fromVariantIndex = FakeEnvironment.answering(tmp, dists("torch==2.11.0+cu130",
                "torchaudio==2.11.0+cu130", "triton==3.6.0"), real, 0);
        assertDoesNotThrow(() -> new TorchBuildCheck(expect("cu130", "cu130", "2.11.0", true)).verify(fromVariantIndex));
    }

    @Test
    void thePypiBuildOfThatMachineHasNoLabelInItsMetadataAndFails() {
        // The real venv held torch 2.11.0 from PyPI: metadata "2.11.0", torch.__version__ "2.11.0+cu130".
        String real = dev.isoenv.cuda.testkit.Fixtures.text("h100-ubuntu24.04-driver580/torch-2.11.0-cu130-check-script.txt");
        FakeEnvironment fromPypi = FakeEnvironment.answering(tmp, dists("torch==2.11.0", "torchaudio==2.11.0",
                "torchvision==0.26.0", "triton==3.6.0"), real, 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu130", "cu130", "2.11.0", true)).verify(fromPypi));
        assertTrue(e.getMessage().contains("expected torch 2.11.0+cu130 (CUDA 13.0), found torch 2.11.0."),
                e.getMessage());
    }

    @Test
    void aCpuBuildWhereCudaWasChosenNamesBothBuilds() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1+cpu"),
                report("2.5.1+cpu", "None", "None", "False"), 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu126", "cu126", "2.5.1", true)).verify(env));
        assertTrue(e.getMessage().contains("expected torch 2.5.1+cu126 (CUDA 12.6), found torch 2.5.1+cpu"),
                e.getMessage());
    }

    @Test
    void theReportedBuildIsCheckedEvenWhenTheMetadataLooksRight() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1+cu126"),
                report("2.5.1+cu126", "12.4", "None", null), 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu126", "cu126", null, false)).verify(env));
        assertTrue(e.getMessage().contains("expected a torch +cu126 build (CUDA 12.6), found 2.5.1+cu126 (CUDA 12.4):"
                + " torch.version.cuda is 12.4, not 12.6"), e.getMessage());
    }

    @Test
    void aCpuTorchaudioBesideACudaTorchIsAMixedBuild() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1+cu126", "torchaudio==2.5.1+cpu"),
                report("2.5.1+cu126", "12.6", "None", "True"), 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu126", "cu126", "2.5.1", true)).verify(env));
        assertTrue(e.getMessage().contains("found torchaudio 2.5.1+cpu"), e.getMessage());
        assertTrue(e.getMessage().contains("pin exact versions"), e.getMessage());
        assertTrue(env.commands().isEmpty());
    }

    @Test
    void anUnlabelledTorchvisionFromPypiIsAMixedBuild() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1+cu124", "torchvision==0.20.1"),
                report("2.5.1+cu124", "12.4", "None", "True"), 0);
        assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu124", "cu124", "2.5.1", true)).verify(env));
    }

    @Test
    void aGpuThatTorchCannotSeeFails() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.8.0+cu126"),
                report("2.8.0+cu126", "12.6", "None", "False"), 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cu126", "cu126", "2.8.0", true)).verify(env));
        assertTrue(e.getMessage().contains("torch.cuda.is_available() is False although a GPU was detected"),
                e.getMessage());
    }

    @Test
    void withoutADetectedGpuAvailabilityIsNotAsked() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.8.0+cu126"),
                report("2.8.0+cu126", "12.6", "None", null), 0);
        new TorchBuildCheck(expect("cu126", "cu126", "2.8.0", false)).verify(env);
        assertEquals(3, env.commands().get(0).size());
    }

    @Test
    void rocmBuildsReportHip() {
        FakeEnvironment good = FakeEnvironment.answering(tmp, dists("torch==2.6.0+rocm6.2.4"),
                report("2.6.0+rocm6.2.4", "None", "6.2.41134-65d174c3e", "True"), 0);
        assertDoesNotThrow(() -> new TorchBuildCheck(expect("rocm6.2.4", "rocm6.2.4", "2.6.0", true)).verify(good));
        FakeEnvironment bad = FakeEnvironment.answering(tmp, dists("torch==2.6.0+rocm6.2.4"),
                report("2.6.0+rocm6.2.4", "None", "None", "True"), 0);
        assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("rocm6.2.4", "rocm6.2.4", "2.6.0", true)).verify(bad));
    }

    @Test
    void macOsWheelsHaveNoLabel() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.1", "torchvision==0.20.1"),
                report("2.5.1", "None", "None", null), 0);
        assertDoesNotThrow(() -> new TorchBuildCheck(expect("cpu", null, "2.5.1", false)).verify(env));
    }

    @Test
    void theWrongVersionFails() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, dists("torch==2.5.0+cpu"),
                report("2.5.0+cpu", "None", "None", null), 0);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cpu", "cpu", "2.5.1", false)).verify(env));
        assertTrue(e.getMessage().contains("the version is not 2.5.1"), e.getMessage());
    }

    @Test
    void aTorchThatCannotBeImportedFails() {
        FakeEnvironment env = FakeEnvironment.answering(tmp, List.of(),
                "isoenv-torch-error=ModuleNotFoundError(\"No module named 'torch'\")\n", 3);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cpu", "cpu", null, false)).verify(env));
        assertTrue(e.getMessage().contains("could not import torch"), e.getMessage());
        assertTrue(e.getMessage().contains("no torch distribution is installed"), e.getMessage());
        assertTrue(e.getMessage().contains("No module named 'torch'"), e.getMessage());
    }

    @Test
    void aTimeoutBecomesAVerificationFailure() {
        FakeEnvironment env = new FakeEnvironment(tmp, List.of(), (command, options) -> {
            assertEquals(Duration.ofSeconds(7), options.timeout().orElseThrow());
            throw new ProcessTimeoutException(command, Duration.ofSeconds(7), List.of());
        });
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(expect("cpu", "cpu", null, false), Duration.ofSeconds(7)).verify(env));
        assertTrue(e.getMessage().startsWith("Could not run the environment's python"), e.getMessage());
    }

    @Test
    void theOneLinerEscapesQuotesBackslashesAndLineBreaks() {
        assertEquals("exec('a = \\'x\\\\ny\\'\\nprint(a)')", PythonOneLiner.encode("a = 'x\\ny'\nprint(a)"));
        assertThrows(IllegalArgumentException.class, () -> PythonOneLiner.encode("print(\"x\")"));
    }
}
