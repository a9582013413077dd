package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentPlan;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern WHEEL = Pattern.compile(
            "torch-(\\d+\\.\\d+\\.\\d+)\\+cpu-cp(\\d)(\\d+)-cp\\d+-[^-]*linux[^-]*_x86_64\\.whl");

    @TempDir
    Path dir;

    @Test
    void theMachinesCpuTorchWheelInstallsThroughAFolderMirrorAndComputes() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
                "the real-wheel test looks for a Linux x86-64 CPU wheel");
        List<String> config = pipConfig();
        List<String> findLinks = values(config, "find-links");
        Optional<Path> wheel = Optional.empty();
        for (String folder : findLinks) {
            wheel = wheel.or(() -> cpuWheelIn(Path.of(folder.startsWith("file:") ? java.net.URI.create(folder)
                    .getPath() : folder)));
        }
        assumeTrue(wheel.isPresent(), "pip's configuration names no find-links folder with a torch-X+cpu Linux"
                + " x86-64 wheel (find-links: " + findLinks + ")");
        List<String> indexes = new ArrayList<>(values(config, "index-url"));
        indexes.addAll(values(config, "extra-index-url"));
        indexes.removeIf(u -> !u.startsWith("file:"));
        assumeTrue(!indexes.isEmpty(), "pip's configuration names no local index for torch's dependencies, and"
                + " this test does not wait on a network index");

        Matcher m = WHEEL.matcher(wheel.get().getFileName().toString());
        assumeTrue(m.matches(), "unexpected wheel name " + wheel.get());
        String torch = m.group(1);
        String python = m.group(2) + "." + m.group(3);

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

    /** Asks the machine's pip for its configuration; an empty list when there is no such pip. */
    private static List<String> pipConfig() {
        for (String python : List.of("python3", "python")) {
            try {
                Process p = new ProcessBuilder(python, "-m", "pip", "config", "list").redirectErrorStream(true)
                        .start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return out.lines().toList();
                }
            } catch (IOException e) {
                // No such interpreter: try the next name.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    /** The values of a key in pip's {@code config list} lines, such as {@code global.find-links='/a /b'}. */
    private static List<String> values(List<String> config, String key) {
        List<String> values = new ArrayList<>();
        for (String line : config) {
            int eq = line.indexOf('=');
            if (eq < 0 || !line.substring(0, eq).endsWith("." + key)) {
                continue;
            }
            String value = line.substring(eq + 1).strip().replaceAll("^'|'$", "");
            for (String v : value.split("\\s+")) {
                if (!v.isEmpty() && !values.contains(v)) {
                    values.add(v);
                }
            }
        }
        return values;
    }

    private static Optional<Path> cpuWheelIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "torch-*+cpu-*.whl")) {
            for (Path entry : entries) {
                if (WHEEL.matcher(entry.getFileName().toString()).matches()) {
                    return Optional.of(entry.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }
}
