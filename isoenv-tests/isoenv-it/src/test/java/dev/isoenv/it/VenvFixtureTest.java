package dev.isoenv.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What tests of the venv backend with real pip share: the fixture index with the hello versions and the greeter,
 * a client that knows only the venv backend, and specifications that use that index and nothing of the machine's
 * pip configuration. Skipped where no Python can make a venv.
 */
abstract class VenvFixtureTest {
    /** The fixture index, started once per test class. */
    static PackageIndexServer server;

    /** A fresh folder for each test's environments. */
    @TempDir
    Path workDir;

    /** A client with the venv backend alone. */
    final IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller())).build();

    @BeforeAll
    static void startIndex() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
    }

    @AfterAll
    static void stopIndex() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void requireVenv() {
        assumeTrue(new VenvInstaller().availability().isAvailable(), "no Python for the venv backend");
    }

    /**
     * Starts a specification for an environment named {@code name} in {@link #workDir}, with the venv backend and the
     * fixture index only.
     *
     * @param name the environment's directory name
     * @return a builder
     */
    EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(workDir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }
}
