package dev.isoenv.cuda.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.RunResult;
import dev.isoenv.VerificationException;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.cuda.testkit.FakeEnvironment;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.internal.process.ProcessRunner;
import dev.isoenv.internal.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real verification script with a real Python against a stand-in {@code torch} package, so that the
 * script and its one-line encoding are tested, not only the parsing of its output. Skipped where no python3 is
 * on PATH.
 */
class TorchBuildScriptTest {
    @TempDir
    Path tmp;

    private static Path python() {
        String path = System.getenv("PATH");
        Optional<Path> found = Optional.empty();
        for (String dir : path == null ? new String[0] : path.split(Pattern.quote(java.io.File.pathSeparator))) {
            for (String name : List.of("python3", "python")) {
                Path p = Path.of(dir).resolve(name);
                if (found.isEmpty() && !dir.isBlank() && Files.isExecutable(p)) {
                    found = Optional.of(p);
                }
            }
        }
        Assumptions.assumeTrue(found.isPresent(), "needs python3 on PATH");
        return found.get();
    }

    private FakeEnvironment environmentWithTorch(String version, String cuda, String available) throws IOException {
        Path site = Files.createDirectories(tmp.resolve("site/torch"));
        Files.writeString(site.resolve("__init__.py"), String.join("\n",
                "__version__ = '" + version + "'",
                "class version:",
                "    cuda = " + cuda,
                "    hip = None",
                "class cuda:",
                "    @staticmethod",
                "    def is_available():",
                "        return " + available,
                ""));
        Path python = python();
        return new FakeEnvironment(tmp, List.of(InstalledDistribution.of("torch", version)), (command, options) -> {
            List<String> real = new ArrayList<>(command);
            real.set(0, python.toString());
            ProcessResult r = ProcessRunner.create().run(ProcessRequest.command(real)
                    .environment(Map.of("PYTHONPATH", tmp.resolve("site").toString()))
                    .timeout(options.timeout().orElse(Duration.ofMinutes(1))).build());
            return new RunResult(r.command(), r.exitCode(), r.stdout(), r.stderr(), r.duration());
        });
    }

    private static ExpectedBuild cu124(boolean gpu) {
        return ExpectedBuild.builder(TorchVariant.parse("cu124")).localLabel("cu124").torchVersion(Version.parse("2.5.1"))
                .gpuExpected(gpu).family(Set.of("torch"), Set.of("torch")).build();
    }

    @Test
    void theScriptReadsVersionCudaAndAvailability() throws IOException {
        FakeEnvironment env = environmentWithTorch("2.5.1+cu124", "'12.4'", "True");
        assertDoesNotThrow(() -> new TorchBuildCheck(cu124(true)).verify(env));
    }

    @Test
    void theScriptReportsAnUnusableGpu() throws IOException {
        FakeEnvironment env = environmentWithTorch("2.5.1+cu124", "'12.4'", "False");
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(cu124(true)).verify(env));
        assertTrue(e.getMessage().contains("torch.cuda.is_available() is False"), e.getMessage());
    }

    @Test
    void theScriptReportsACpuBuild() throws IOException {
        FakeEnvironment env = environmentWithTorch("2.5.1+cpu", "None", "False");
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(cu124(false)).verify(env));
        assertTrue(e.getMessage().contains("expected torch 2.5.1+cu124 (CUDA 12.4), found torch"), e.getMessage());
    }

    @Test
    void theScriptReportsAMissingTorch() {
        Path python = python();
        FakeEnvironment env = new FakeEnvironment(tmp, List.of(), (command, options) -> {
            List<String> real = new ArrayList<>(command);
            real.set(0, python.toString());
            ProcessResult r = ProcessRunner.create().run(ProcessRequest.command(real)
                    .environment(Map.of("PYTHONPATH", tmp.toString(), "PYTHONNOUSERSITE", "1"))
                    .timeout(Duration.ofMinutes(1)).build());
            return new RunResult(r.command(), r.exitCode(), r.stdout(), r.stderr(), r.duration());
        });
        Assumptions.assumeFalse(env.run(List.of("python", "-c", "import torch"),
                dev.isoenv.RunOptions.defaults()).isSuccess(), "this python has a real torch");
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TorchBuildCheck(cu124(false)).verify(env));
        assertTrue(e.getMessage().contains("ModuleNotFoundError"), e.getMessage());
    }
}
