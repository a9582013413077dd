package dev.isoenv.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The first half of the recipe, on the driver: an environment with the line filter {@value TestPackages#SHOUT_SCRIPT}
 * built with the venv backend, real pip and the fixture index (the machine's pip configuration left out), packed, and
 * its build folder deleted, so that only the archive can run anything afterwards.
 */
final class ToolArchive {
    /** The version of {@value TestPackages#HELLO} in the environment, which the filter appends to each line. */
    static final String HELLO_VERSION = "1.1";

    private ToolArchive() {
    }

    /**
     * Builds, packs and deletes the environment.
     *
     * @param work a folder of the test's own
     * @return the archive, {@code work/dist/tool-env.tar.gz}
     */
    static Path build(Path work) throws IOException {
        try (PackageIndexServer server = PackageIndexServer.start()) {
            server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions())
                    .publish(TestPackages.shout("1.0"));
            IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller())).build();

            Environment env = isoenv.ensure(EnvironmentSpec.builder(work.resolve("build").resolve("tool-env"))
                    .backend("venv").inheritMachineConfiguration(false)
                    .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                    .requirements(TestPackages.SHOUT + "==1.0", TestPackages.HELLO + "==" + HELLO_VERSION).build());
            Path archive = env.pack(work.resolve("dist").resolve("tool-env.tar.gz")).file();

            try (Stream<Path> all = Files.walk(env.root())) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
            assertFalse(Files.exists(env.root()));
            return archive;
        }
    }

    /**
     * What {@value TestPackages#SHOUT_SCRIPT} writes for each of {@code lines}.
     *
     * @param lines the lines read
     * @return the lines written
     */
    static List<String> shouted(List<String> lines) {
        return lines.stream().map(line -> TestPackages.shoutLine(line, HELLO_VERSION)).toList();
    }
}
