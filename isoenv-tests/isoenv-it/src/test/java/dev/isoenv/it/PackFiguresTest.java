package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.python.MachineTorchWheel;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for packing, on request ({@code -Disoenv.pack.figures=true}): an environment with this machine's real CPU
 * torch wheel, built with and without the shared store, packed (with the store, also to a {@code .zip}), unpacked
 * elsewhere and run; the size of the environment and of the archive, and the time to pack and unpack, go to
 * {@code target/pack-figures.txt}.
 */
class PackFiguresTest {
    @TempDir
    Path dir;

    @Test
    void packingAnEnvironmentWithTheRealTorchWheel() throws IOException {
        assumeTrue(Boolean.getBoolean("isoenv.pack.figures"), "figures only with -Disoenv.pack.figures=true");
        Optional<MachineTorchWheel> found = MachineTorchWheel.find();
        assumeTrue(found.isPresent(), MachineTorchWheel.absence());
        MachineTorchWheel torch = found.get();
        Path cpu = Files.createDirectories(dir.resolve("mirror").resolve("cpu"));
        Files.createSymbolicLink(cpu.resolve(torch.wheel().getFileName()), torch.wheel());
        PackageIndexes.Builder ordinary = PackageIndexes.builder().indexUrl(torch.indexes().get(0));
        torch.indexes().subList(1, torch.indexes().size()).forEach(ordinary::extraIndexUrl);
        IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", dir.resolve("store").toString()).build();
        List<String> lines = new ArrayList<>();
        for (String name : List.of("first", "linked", "own")) {
            EnvironmentSpec spec = EnvironmentSpec.builder(dir.resolve(name)).backend("venv").python(torch.python())
                    .inheritMachineConfiguration(false).indexes(ordinary.build())
                    .requirement("torch==" + torch.version())
                    .backendOption("torch.index-url", dir.resolve("mirror").toUri() + "{variant}")
                    .backendOption("torch.variant", "cpu")
                    .sharedStore(!name.equals("own"))
                    .build();
            long t0 = System.nanoTime();
            Environment env = isoenv.ensure(spec);
            long built = millis(t0);
            if (name.equals("first")) {
                continue;
            }
            t0 = System.nanoTime();
            EnvironmentArchive packed = env.pack(dir.resolve(name + ".tar.gz"));
            long pack = millis(t0);
            t0 = System.nanoTime();
            Environment unpacked = isoenv.unpack(packed.file(), dir.resolve("unpacked " + name));
            long unpack = millis(t0);
            assertEquals("2.0", unpacked.run("python", "-c", "import torch; print(torch.ones(2).sum().item())")
                    .requireSuccess().stdout().strip());
            // The manifest says which C library the torch wheel needs, read from its tag (manylinux_2_28_x86_64).
            String libc = unpacked.run("python", "-c", "import json, sys, tarfile\n"
                    + "j = json.load(tarfile.open(sys.argv[1]).extractfile('isoenv-pack.json'))\n"
                    + "print(j['platform']['libc']['kind'], j['platform']['libc']['version'],"
                    + " j['platform']['libc']['needed_by'])", packed.file().toString()).requireSuccess().stdout()
                    .strip();
            java.util.regex.Matcher tag = java.util.regex.Pattern.compile("manylinux_(\\d+)_(\\d+)_")
                    .matcher(torch.wheel().getFileName().toString());
            if (tag.find()) {
                assertEquals("glibc " + tag.group(1) + "." + tag.group(2), libc.substring(0, libc.indexOf(' ',
                        libc.indexOf(' ') + 1)), libc);
            }
            lines.add("manifest platform.libc: " + libc);
            lines.add(String.format("torch %s+cpu, %s: built in %.1f s (%s); environment %d MiB in %d files;"
                            + " packed in %.1f s to %d MiB; unpacked in %.1f s; torch runs there",
                    torch.version(), name.equals("linked") ? "shared store" : "no shared store", built / 1000.0,
                    name.equals("linked") ? "linked from the store" : "installed by pip", bytes(env.root()) >> 20,
                    files(env.root()), pack / 1000.0, Files.size(packed.file()) >> 20, unpack / 1000.0));
            if (name.equals("linked")) {
                // The same environment as a .zip, unpacked with the file's hash checked first.
                t0 = System.nanoTime();
                EnvironmentArchive zip = env.pack(dir.resolve(name + ".zip"));
                long zipPack = millis(t0);
                assertEquals(packed.payloadSha256(), zip.payloadSha256());
                t0 = System.nanoTime();
                Environment fromZip = isoenv.unpack(zip.file(), dir.resolve("unpacked zip"), zip.sha256());
                long zipUnpack = millis(t0);
                assertEquals("2.0", fromZip.run("python", "-c", "import torch; print(torch.ones(2).sum().item())")
                        .requireSuccess().stdout().strip());
                lines.add(String.format("torch %s+cpu, shared store, as .zip: packed in %.1f s to %d MiB; unpacked"
                                + " (the file's SHA-256 checked first) in %.1f s; torch runs there", torch.version(),
                        zipPack / 1000.0, Files.size(zip.file()) >> 20, zipUnpack / 1000.0));
            }
        }
        lines.add("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch"));
        lines.forEach(l -> System.out.println("PackFiguresTest: " + l));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "pack-figures.txt"), lines, StandardCharsets.UTF_8);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long bytes(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static long files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
        }
    }
}
