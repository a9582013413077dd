package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.HashMismatchException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidLockFileException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.LockFileMismatchException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PackageLock;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock files (PEP 751) with the venv backend, real pip and the fixture index: an environment exported as
 * {@code pylock.toml} with the URL and SHA-256 of each fixture wheel, the same distributions installed from it into a
 * fresh location with no index at all, a tampered hash refused with nothing recorded as installed, a lock for another
 * Python or platform refused, and a lock whose files are unknown refused by name.
 */
class LockFileTest extends VenvFixtureTest {
    /** No index, and an empty find-links folder: what is installed can only come from the lock's own file URLs. */
    private EnvironmentSpec.Builder fromLockOnly(String name, Path lock) throws IOException {
        Path empty = Files.createDirectories(workDir.resolve("no-files"));
        return EnvironmentSpec.builder(workDir.resolve(name)).backend("venv").inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().findLinks(empty.toString()).exclusive().build()).lockFile(lock);
    }

    private static String url(String index, DistributionFile file) {
        return java.net.URI.create(server.baseUrl()).resolve(server.filePath(index, file)).toString();
    }

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static List<String> distributions(List<InstalledDistribution> installed) {
        return installed.stream().map(d -> d.normalizedName() + "==" + d.version()).sorted()
                .collect(Collectors.toList());
    }

    @Test
    void exportWritesVersionsUrlsAndHashesAndTheLockReproducesTheEnvironment() throws Exception {
        Environment env = isoenv.ensure(spec("original").requirement(TestPackages.GREETER).build());
        Path file = workDir.resolve("pylock.toml");
        PackageLock lock = env.exportLockFile(file);

        assertEquals("isoenv", lock.createdBy());
        String python = env.run("python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").requireSuccess()
                .stdout().strip();
        assertEquals("==" + python + ".*", lock.requiresPython().orElseThrow());
        assertTrue(lock.environments().isEmpty(), "pure-Python wheels fit every platform");
        Map<String, DistributionFile> expected = Map.of(TestPackages.GREETER, TestPackages.greeter("1.0"),
                TestPackages.HELLO, TestPackages.hello("1.1"));
        assertEquals(List.of(TestPackages.GREETER, TestPackages.HELLO), lock.packages().stream()
                .map(PackageLock.Package::name).collect(Collectors.toList()), "the requirement and its dependency, not pip");
        for (PackageLock.Package p : lock.packages()) {
            DistributionFile wheel = expected.get(p.name());
            assertEquals(wheel.version(), p.version().orElseThrow());
            assertEquals(1, p.artifacts().size(), p.toString());
            PackageLock.Artifact a = p.artifacts().get(0);
            assertEquals(PackageLock.Artifact.Kind.WHEEL, a.kind());
            assertEquals(wheel.fileName(), a.fileName());
            assertEquals(url(PackageIndexServer.DEFAULT_INDEX, wheel), a.url().orElseThrow());
            assertEquals(Map.of("sha256", sha256(wheel.content())), a.hashes());
        }
        String text = Files.readString(file);
        assertTrue(text.contains("\n[[packages]]\nname = 'isoenv-demo-greeter'\n"), text);

        // A fresh location, no index: the lock's URLs and hashes alone.
        server.clearRequestLog();
        EnvironmentSpec copySpec = fromLockOnly("copy", file).build();
        Environment copy = isoenv.ensure(copySpec);
        assertEquals(distributions(env.installedDistributions()), distributions(copy.installedDistributions()));
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                copy.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        for (DistributionFile wheel : expected.values()) {
            assertTrue(server.wasRequested(server.filePath(PackageIndexServer.DEFAULT_INDEX, wheel)),
                    wheel + " from its locked URL: " + server.requestedPaths());
        }
        assertTrue(isoenv.status(copySpec.location()).satisfies(copySpec));

        // The copy exports the same packages, versions, URLs and hashes.
        PackageLock again = copy.exportLockFile(workDir.resolve("again").resolve("pylock.copy.toml"));
        assertEquals(lock.packages(), again.packages());
    }

    @Test
    void aTamperedHashIsRefusedAndNothingIsRecordedAsInstalled() throws Exception {
        Environment env = isoenv.ensure(spec("original").requirement(TestPackages.HELLO + "==1.0").build());
        Path file = env.exportLockFile(workDir.resolve("pylock.toml")).file();
        String real = sha256(TestPackages.hello("1.0").content());
        String tampered = sha256("not the wheel".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(file, Files.readString(file).replace(real, tampered));
        assertNotEquals(real, tampered);

        EnvironmentSpec spec = fromLockOnly("tampered", file).build();
        HashMismatchException e = assertThrows(HashMismatchException.class, () -> isoenv.ensure(spec));
        assertTrue(e.getMessage().contains("does not have the hash the lock file gives"), e.getMessage());
        EnvironmentStatus status = isoenv.status(spec.location());
        assertNotEquals(EnvironmentStatus.State.READY, status.state());
        assertFalse(status.satisfies(spec));
        assertTrue(status.installed().stream().noneMatch(d -> d.normalizedName().equals(TestPackages.HELLO)),
                status.installed().toString());
    }

    @Test
    void aLockForAnotherPythonOrPlatformIsRefusedBeforeAnythingIsInstalled() throws Exception {
        DistributionFile hello = TestPackages.hello("1.0");
        String url = url(PackageIndexServer.DEFAULT_INDEX, hello);
        Path oldPython = workDir.resolve("pylock.old.toml");
        Files.writeString(oldPython, "lock-version = '1.0'\ncreated-by = 'test'\nrequires-python = '<3.8'\n"
                + "[[packages]]\nname = 'isoenv-demo-hello'\nversion = '1.0'\nwheels = [{url = '" + url
                + "', hashes = {sha256 = '" + sha256(hello.content()) + "'}}]\n");
        LockFileMismatchException python = assertThrows(LockFileMismatchException.class,
                () -> isoenv.ensure(fromLockOnly("old", oldPython).build()));
        assertTrue(python.getMessage().contains("<3.8"), python.getMessage());
        assertNotEquals(EnvironmentStatus.State.READY, isoenv.status(workDir.resolve("old")).state());

        boolean windows = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        String elsewhere = windows ? "manylinux_2_17_x86_64" : "win_amd64";
        Path otherPlatform = workDir.resolve("pylock.other.toml");
        Files.writeString(otherPlatform, "lock-version = '1.0'\ncreated-by = 'test'\n"
                + "[[packages]]\nname = 'isoenv-demo-hello'\nversion = '1.0'\nwheels = [{name = 'isoenv_demo_hello-1.0-cp38-abi3-"
                + elsewhere + ".whl', url = '" + url + "', hashes = {sha256 = '" + sha256(hello.content()) + "'}}]\n");
        LockFileMismatchException platform = assertThrows(LockFileMismatchException.class,
                () -> isoenv.ensure(fromLockOnly("other", otherPlatform).build()));
        assertTrue(platform.getMessage().contains(elsewhere), platform.getMessage());
    }

    @Test
    void filesThatNoReportRecordedAreWrittenAsUnknownAndSuchALockIsRefusedByName() throws Exception {
        Environment env = isoenv.ensure(spec("original").requirement(TestPackages.HELLO + "==1.0").build());
        // What an environment built without installation reports (the uv backend, a pip before 22.2) has.
        Files.delete(env.root().resolve(".isoenv").resolve("artifacts.json"));
        Path file = workDir.resolve("pylock.toml");
        PackageLock lock = env.exportLockFile(file);
        PackageLock.Package hello = lock.packages().get(0);
        assertEquals("1.0", hello.version().orElseThrow());
        assertTrue(hello.artifacts().isEmpty());
        assertTrue(Files.readString(file).contains("files-unknown = ['isoenv-demo-hello==1.0']"),
                Files.readString(file));

        InvalidLockFileException e = assertThrows(InvalidLockFileException.class,
                () -> isoenv.ensure(fromLockOnly("copy", file).build()));
        assertTrue(e.getMessage().contains("isoenv-demo-hello==1.0") && e.getMessage().contains("no file at all"),
                e.getMessage());
    }

    @Test
    void anExportedLockHoldsNoCredentials() throws Exception {
        String index = "/private/";
        server.addIndex(index);
        server.publish(index, TestPackages.hello("2.0"));
        server.requireBasicAuth(index, "alice", "t0ken-s3cret");
        try {
            Environment env = isoenv.ensure(EnvironmentSpec.builder(workDir.resolve("private")).backend("venv")
                    .inheritMachineConfiguration(false)
                    .indexes(PackageIndexes.only(server.indexUrl(index, "alice", "t0ken-s3cret")))
                    .requirement(TestPackages.HELLO).build());
            Path file = workDir.resolve("pylock.toml");
            PackageLock lock = env.exportLockFile(file);
            String text = Files.readString(file);
            assertFalse(text.contains("t0ken-s3cret") || text.contains("alice"), text);
            assertEquals(url(index, TestPackages.hello("2.0")),
                    lock.packages().get(0).artifacts().get(0).url().orElseThrow());
        } finally {
            server.allowAnonymous(index);
        }
    }
}
