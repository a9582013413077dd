package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.IsoenvClient;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.StoreGarbage;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shared store with the venv backend, real pip and the fixture index: a second environment with the same
 * requirements is linked from the store without a request to the index and works on its own; a tool that changes
 * one environment leaves the other alone; deleting frees what no other environment uses; the store can be turned
 * off, and falls back to copies across file systems.
 */
class SharedStoreTest extends VenvFixtureTest {
    private static final String HELLO_FILE = TestPackages.HELLO_MODULE + "/__init__.py";

    private IsoenvClient client(Path store) {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller())).option("store.dir", store.toString())
                .build();
    }

    private static Path file(Environment env, String path) {
        return Path.of(env.run("python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .requireSuccess().stdout().strip()).resolve(path);
    }

    private static long objects(Path store) throws IOException {
        Path objects = store.resolve("v1").resolve("objects");
        if (!Files.isDirectory(objects)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(objects)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** The greeter and the hello it needs, pinned: what the store may serve without asking the index. */
    private static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");

    @Test
    void aSecondEnvironmentWithTheSamePinnedRequirementsIsLinkedFromTheStoreWithoutTheIndex() throws IOException {
        IsoenvClient isoenv = client(workDir.resolve("store"));
        Environment a = isoenv.ensure(spec("a").requirements(PINNED).build());
        server.clearRequestLog();

        Environment b = isoenv.ensure(spec("b").requirements(PINNED).build());

        assertEquals(List.of(), server.requestedPaths(), "the index is not asked for the second environment");
        assertTrue(Files.isSameFile(file(a, HELLO_FILE), file(b, HELLO_FILE)), "one file on disk for both");
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                b.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        String launcher = Files.readString(b.scriptsDirectory().resolve(TestPackages.GREETER_SCRIPT));
        assertTrue(launcher.startsWith("#!" + b.python() + "\n"), "the launcher runs b's own Python: " + launcher);
        assertEquals(b.root().toRealPath().toString(), Path.of(b.run("python", "-c",
                "import sys; print(sys.prefix)").requireSuccess().stdout().strip()).toRealPath().toString());
        assertEquals(List.of(InstalledDistribution.of(TestPackages.GREETER, "1.0"),
                InstalledDistribution.of(TestPackages.HELLO, "1.1")), withoutPip(b.installedDistributions()));
        // pip sees the linked distributions as installed, with the right one marked as asked for.
        RunResult inspect = b.run("python", "-m", "pip", "list", "--not-required", "--format", "freeze",
                "--disable-pip-version-check");
        assertTrue(inspect.requireSuccess().stdout().contains(TestPackages.GREETER + "==1.0"), inspect.stdout());
        assertTrue(Files.exists(file(b, "isoenv_demo_greeter-1.0.dist-info/REQUESTED")));
        RunResult check = b.run("python", "-m", "pip", "check", "--disable-pip-version-check");
        assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
    }

    @Test
    void anUnpinnedRequirementIsResolvedAfreshSoThatANewReleaseIsInstalled() throws IOException {
        try (PackageIndexServer own = PackageIndexServer.start()) {
            own.publish(TestPackages.hello("1.0"));
            IsoenvClient isoenv = client(workDir.resolve("store"));
            java.util.function.Function<String, dev.isoenv.EnvironmentSpec.Builder> spec = name ->
                    dev.isoenv.EnvironmentSpec.builder(workDir.resolve(name)).backend("venv")
                            .inheritMachineConfiguration(false)
                            .indexes(dev.isoenv.PackageIndexes.builder().indexUrl(own.indexUrl()).build());
            Environment a = isoenv.ensure(spec.apply("a").requirement(TestPackages.HELLO).build());
            assertEquals("1.0", a.installedDistribution(TestPackages.HELLO).orElseThrow().version());
            own.publish(TestPackages.hello("1.1"));

            Environment b = isoenv.ensure(spec.apply("b").requirement(TestPackages.HELLO).build());
            assertEquals("1.1", b.installedDistribution(TestPackages.HELLO).orElseThrow().version(),
                    "the store does not hold back a release the index now has");

            // The same unpinned step again: resolved afresh (a dry run asks the index), then linked, not unpacked.
            own.clearRequestLog();
            Environment c = isoenv.ensure(spec.apply("c").requirement(TestPackages.HELLO).build());
            assertEquals("1.1", c.installedDistribution(TestPackages.HELLO).orElseThrow().version());
            assertTrue(Files.isSameFile(file(b, HELLO_FILE), file(c, HELLO_FILE)));
        }
    }

    private static List<InstalledDistribution> withoutPip(List<InstalledDistribution> all) {
        List<InstalledDistribution> out = new ArrayList<>();
        for (InstalledDistribution d : all) {
            if (!Set.of("pip", "setuptools", "wheel").contains(d.normalizedName())) {
                out.add(d);
            }
        }
        return out;
    }

    @Test
    void aToolThatChangesOneEnvironmentDoesNotChangeAnother() throws Exception {
        IsoenvClient isoenv = client(workDir.resolve("store"));
        Environment a = isoenv.ensure(spec("a").requirements(PINNED).build());
        Environment b = isoenv.ensure(spec("b").requirements(PINNED).build());
        Path sharedInA = file(a, HELLO_FILE);
        Path sharedInB = file(b, HELLO_FILE);
        assertTrue(Files.isSameFile(sharedInA, sharedInB));
        String original = Files.readString(sharedInB);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(sharedInB);
        assertFalse(permissions.contains(PosixFilePermission.OWNER_WRITE)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE), "shared files are read-only");

        // pip in one environment replaces files by removing them: the other keeps its version.
        RunResult downgrade = a.run(List.of("python", "-m", "pip", "install", "--disable-pip-version-check",
                "--index-url", server.indexUrl(), TestPackages.HELLO + "==1.0"),
                RunOptions.builder().environment("PIP_CONFIG_FILE", "/dev/null").build());
        assertEquals(0, downgrade.exitCode(), downgrade.stdout() + downgrade.stderr());
        assertEquals(TestPackages.greeterLine("1.0", "1.0"),
                a.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                b.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertEquals(original, Files.readString(sharedInB));

        // A tool that opens a shared file for writing is refused, so it cannot change every environment. Root ignores
        // file permissions, so as root the tool runs as the unprivileged user "nobody".
        Path other = file(b, "isoenv_demo_greeter/__init__.py");
        String script = "open(r'" + other + "', 'a').write('# changed\\n')";
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "running as root without setpriv");
            // Only the test's own folder is opened to "nobody"; folders above it are never changed.
            for (Path p = workDir.toRealPath().getParent(); p != null; p = p.getParent()) {
                assumeTrue(Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE),
                        p + " is not open to other users, so an unprivileged tool cannot reach the test's folder");
            }
            try (Stream<Path> s = Files.walk(workDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isDirectory(p)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(a.python().toString(), "-c", script));
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, tool.exitValue(), output);
        assertTrue(output.contains("PermissionError"), output);
        assertFalse(Files.readString(other).contains("# changed"));
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        return uid.equals("0");
    }

    @Test
    void deletingAnEnvironmentFreesWhatNoOtherEnvironmentUses() throws IOException {
        Path store = workDir.resolve("store");
        IsoenvClient isoenv = client(store);
        isoenv.ensure(spec("a").requirements(PINNED).build());
        isoenv.ensure(spec("b").requirements(PINNED).build());
        Environment c = isoenv.ensure(spec("c").requirements(TestPackages.HELLO + "==1.0").build());
        long all = objects(store);
        assertTrue(all > 0);

        assertTrue(isoenv.delete(workDir.resolve("a")));
        assertEquals(all, objects(store), "b still uses everything a used");
        StoreGarbage nothing = isoenv.collectGarbage(true);
        assertEquals(List.of(), nothing.distributions());

        assertTrue(isoenv.delete(workDir.resolve("b")));
        assertTrue(objects(store) < all, "the greeter and hello 1.1 are gone from the store");
        assertEquals(List.of(), isoenv.collectGarbage(true).distributions(), "delete() collected already");
        assertEquals(TestPackages.helloGreeting("1.0"),
                c.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip(), "c keeps hello 1.0");

        // An environment removed by other means is collected on request; a dry run removes nothing.
        com.google.common.io.MoreFiles.deleteRecursively(c.root(),
                com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        long before = objects(store);
        StoreGarbage dry = isoenv.collectGarbage(true);
        assertEquals(List.of(InstalledDistribution.of(TestPackages.HELLO, "1.0")), dry.distributions());
        assertEquals(before, objects(store));
        StoreGarbage done = isoenv.collectGarbage(false);
        assertEquals(dry.files(), done.files());
        assertEquals(0, objects(store));
    }

    @Test
    void aDistributionThatPipInstalledAgainIsSharedOnDiskAfterwards() throws IOException {
        IsoenvClient isoenv = client(workDir.resolve("store"));
        Environment a = isoenv.ensure(spec("a").requirements(TestPackages.GREETER).build());
        // Another requirement list resolves afresh with pip, which unpacks hello again; the store then shares it.
        Environment d = isoenv.ensure(spec("d").requirements(TestPackages.HELLO + "<2.0").build());

        assertTrue(Files.isSameFile(file(a, HELLO_FILE), file(d, HELLO_FILE)));
        assertEquals(TestPackages.helloGreeting("1.1"), d.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout()
                .strip());
    }

    @Test
    void theStoreCanBeTurnedOffForOneSpecification() throws IOException {
        Path store = workDir.resolve("store");
        IsoenvClient isoenv = client(store);
        Environment solo = isoenv.ensure(spec("solo").requirements(TestPackages.GREETER).sharedStore(false).build());

        assertEquals(0, objects(store), "nothing was added to the store");
        assertTrue(Files.getPosixFilePermissions(file(solo, HELLO_FILE)).contains(PosixFilePermission.OWNER_WRITE));
        server.clearRequestLog();
        Environment shared = isoenv.ensure(spec("shared").requirements(TestPackages.GREETER).build());
        assertFalse(server.requestedPaths().isEmpty(), "the store had nothing, so pip downloaded");
        assertFalse(Files.isSameFile(file(solo, HELLO_FILE), file(shared, HELLO_FILE)));
    }

    @Test
    void acrossFileSystemsTheStoreCopiesAndStillSavesTheDownload() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm for a store on another file system");
        assumeTrue(!Files.getFileStore(shm).equals(Files.getFileStore(workDir)), "/dev/shm is on the same file"
                + " system as " + workDir);
        Path store = Files.createTempDirectory(shm, "isoenv-store-it");
        try {
            IsoenvClient isoenv = client(store);
            Environment a = isoenv.ensure(spec("a").requirements(PINNED).build());
            server.clearRequestLog();
            Environment b = isoenv.ensure(spec("b").requirements(PINNED).build());

            assertEquals(List.of(), server.requestedPaths());
            assertFalse(Files.isSameFile(file(a, HELLO_FILE), file(b, HELLO_FILE)), "copies, not links");
            assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                    b.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        } finally {
            try (Stream<Path> s = Files.walk(store)) {
                s.forEach(p -> p.toFile().setWritable(true));
            }
            com.google.common.io.MoreFiles.deleteRecursively(store,
                    com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }
}
