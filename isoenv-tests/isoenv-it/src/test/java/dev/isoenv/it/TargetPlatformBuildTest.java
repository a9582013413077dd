package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isoenv.BackendSelectionException;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.InstallationException;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.ProcessStartException;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.PlanningContext;
import java.util.Optional;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Building for another CPU architecture of this operating system ({@code target.platform}) with the venv backend, real
 * pip and the fixture index, which serves a wheel of one distribution for this machine and for the other
 * architecture, pure-Python wheels, and a distribution that has only a source archive: the target's wheel is chosen,
 * the pure ones install too, console scripts land in the environment's scripts folder, nothing of the environment is
 * run here, the archive says it is for the target and this machine refuses to unpack or run it; a source-only
 * requirement and another operating system are refused, naming what and why.
 */
class TargetPlatformBuildTest extends VenvFixtureTest {
    private static final String NATIVE = "isoenv-demo-native";
    private static final String NATIVE_MODULE = "isoenv_demo_native";
    private static final String NATIVE_SCRIPT = "isoenv-native";

    @BeforeAll
    static void publishPlatformWheels() {
        server.publish(nativeWheel(here())).publish(nativeWheel(otherArchitecture()))
                .publish(TestPackages.builtFromSource())
                // 2.0 has a wheel for this machine only: none for the target.
                .publish(WheelBuilder.wheel(NATIVE, "2.0").tag("py3-none-manylinux2014_" + here())
                        .module(NATIVE_MODULE, "ARCH = '" + here() + "'\n").build())
                .publish(namespaceWheel(NS_A, "1.0", "a", "py3-none-any"))
                .publish(namespaceWheel(NS_A, "2.0", "a", "py3-none-any"))
                .publish(namespaceWheel(NS_B, "1.0", "b", "py3-none-manylinux2014_" + otherArchitecture()))
                .publish(namespaceWheel(NS_CLASH, "1.0", "a", "py3-none-any"));
    }

    private static final String NS_A = "isoenv-demo-ns-a";
    private static final String NS_B = "isoenv-demo-ns-b";
    private static final String NS_CLASH = "isoenv-demo-ns-clash";
    private static final String NAMESPACE = "isoenv_ns";

    /** A wheel that puts {@code isoenv_ns/<module>.py} into the namespace folder {@value #NAMESPACE}. */
    private static DistributionFile namespaceWheel(String name, String version, String module, String tag) {
        return WheelBuilder.wheel(name, version).tag(tag)
                .file(NAMESPACE + "/" + module + ".py", "WHO = '" + name + " " + version + "'\n").build();
    }

    /** The other one of x86_64 and aarch64: the CPU architecture the tests build for. */
    static String otherArchitecture() {
        return here().equals("aarch64") ? "x86_64" : "aarch64";
    }

    private static String here() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return a.equals("aarch64") || a.equals("arm64") ? "aarch64" : "x86_64";
    }

    /** A wheel of {@value #NATIVE} for one Linux architecture, saying which, with a console script. */
    private static DistributionFile nativeWheel(String arch) {
        return WheelBuilder.wheel(NATIVE, "1.0").tag("py3-none-manylinux2014_" + arch)
                .module(NATIVE_MODULE, "ARCH = '" + arch + "'\ndef main():\n    print(ARCH)\n")
                .consoleScript(NATIVE_SCRIPT, NATIVE_MODULE + ":main")
                .requires(TestPackages.HELLO + "==1.1")
                .build();
    }

    private final List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());

    private IsoenvClient client() {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller())).launchListener(launches::add)
                .option("store.dir", workDir.resolve("store").toString()).build();
    }

    private EnvironmentSpec.Builder forTarget(String name, String platform) {
        return spec(name).backendOption("target.platform", platform);
    }

    /** The manifest of an archive that pack() wrote: its first entry. */
    static String manifest(Path archive) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            byte[] header = in.readNBytes(512);
            String name = new String(header, 0, 100, StandardCharsets.UTF_8).replace("\0", "");
            assertEquals("isoenv-pack.json", name);
            int size = Integer.parseInt(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "")
                    .strip(), 8);
            return new String(in.readNBytes(size), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anotherArchitectureGetsItsBinaryWheelsAndNothingOfItRunsHere() throws IOException {
        String target = "linux-" + otherArchitecture();
        IsoenvClient isoenv = client();
        EnvironmentSpec spec = forTarget("arm env", target).requirements(NATIVE + "==1.0", TestPackages.GREETER)
                .build();

        Environment env = isoenv.ensure(spec);

        Path site = sitePackages(env.root());
        assertEquals("ARCH = '" + otherArchitecture() + "'", Files.readAllLines(site.resolve(NATIVE_MODULE + ".py"))
                .get(0), "the target's wheel, not this machine's");
        assertEquals(List.of(TestPackages.GREETER + " 1.0", TestPackages.HELLO + " 1.1", NATIVE + " 1.0"),
                env.installedDistributions().stream().filter(d -> d.name().startsWith("isoenv-demo"))
                        .map(d -> d.name() + " " + d.version()).sorted().collect(Collectors.toList()),
                "pure-Python wheels and dependencies install for the target too");
        assertTrue(Files.isRegularFile(env.scriptsDirectory().resolve(NATIVE_SCRIPT)));
        assertTrue(Files.isRegularFile(env.scriptsDirectory().resolve(TestPackages.GREETER_SCRIPT)));
        assertFalse(Files.exists(site.resolve("bin")), "pip's --target scripts folder was moved");
        assertFalse(Files.exists(env.root().resolve(".isoenv").resolve("target-install")), "the scratch folder is gone");
        String scripts = site.relativize(env.scriptsDirectory()).toString();
        try (Stream<Path> infos = Files.list(site)) {
            Path record = infos.filter(p -> p.getFileName().toString().startsWith("isoenv_demo_native-"))
                    .findFirst().orElseThrow().resolve("RECORD");
            assertTrue(Files.readAllLines(record).stream().anyMatch(l -> l.startsWith(scripts + "/" + NATIVE_SCRIPT
                    + ",")), "RECORD names the script where it is");
        }
        assertEquals(target, env.choices().get("target.platform"));
        assertTrue(env.choices().get("target.verification").startsWith("deferred to the target"), env.choices()
                .toString());

        // Every process was the base interpreter making the venv, or pip; pip always with the target's options.
        List<List<String>> pips = new ArrayList<>();
        for (List<String> command : launches) {
            if (command.get(0).equals(env.python().toString())) {
                assertEquals(List.of("-m", "pip"), command.subList(1, 3), "nothing of the environment ran: " + command);
                pips.add(command);
            }
        }
        String pythonVersion = abi(env.root());
        List<String> targetOptions = new ArrayList<>();
        for (int minor = 28; minor >= 17; minor--) {
            targetOptions.addAll(List.of("--platform", "manylinux_2_" + minor + "_" + otherArchitecture()));
        }
        targetOptions.addAll(List.of("--platform", "manylinux2014_" + otherArchitecture()));
        if (otherArchitecture().equals("x86_64")) {
            targetOptions.addAll(List.of("--platform", "manylinux2010_x86_64", "--platform", "manylinux1_x86_64"));
        }
        targetOptions.addAll(List.of("--only-binary=:all:", "--implementation", "cp", "--python-version",
                pythonVersion, "--abi", "cp" + pythonVersion.replace(".", "")));
        List<String> resolve = pips.stream().filter(c -> c.contains("--dry-run")).findFirst().orElseThrow();
        assertEquals(targetOptions, resolve.subList(resolve.indexOf("--report") + 2,
                resolve.indexOf("--report") + 2 + targetOptions.size()));
        assertEquals(List.of("--", NATIVE + "==1.0", TestPackages.GREETER), resolve.subList(resolve.indexOf("--"),
                resolve.size()), "requirements only after --");
        List<String> install = pips.stream().filter(c -> c.contains("--target") && !c.contains("--dry-run"))
                .findFirst().orElseThrow();
        int from = install.indexOf("--no-deps");
        List<String> expected = new ArrayList<>(List.of("--no-deps"));
        expected.addAll(targetOptions);
        expected.addAll(List.of("--target", env.root().resolve(".isoenv").resolve("target-install").toString(), "--"));
        assertEquals(expected, install.subList(from, install.indexOf("--") + 1));
        assertEquals(List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1", NATIVE + "==1.0"),
                install.subList(install.indexOf("--") + 1, install.size()).stream().sorted()
                        .collect(Collectors.toList()), "exactly what the resolution chose, without dependencies");

        ProcessStartException refused = assertThrows(ProcessStartException.class,
                () -> env.run("python", "-c", "print(1)"));
        assertTrue(refused.getMessage().contains("was built for " + target) && refused.getMessage().contains(
                "nothing of it can run here"), refused.getMessage());
        assertThrows(ProcessStartException.class, () -> env.processBuilder(NATIVE_SCRIPT));

        launches.clear();
        isoenv.ensure(spec);
        assertEquals(List.of(), launches, "built for the target, the same specification is ready without a process");

        EnvironmentArchive packed = env.pack(workDir.resolve("arm.tar.gz"));
        assertEquals(target, packed.platform());
        assertEquals(target, packed.choices().get("target.platform"));
        JsonNode manifest = new ObjectMapper().readTree(manifest(packed.file()));
        assertEquals(target, manifest.path("platform").path("name").asText());
        assertEquals(otherArchitecture(), manifest.path("platform").path("arch").asText());
        assertEquals(otherArchitecture(), manifest.path("platform").path("platform_machine").asText());

        // Bundling would ship this machine's interpreter under a manifest that names the target: refused.
        Path bundled = workDir.resolve("arm-bundled.tar.gz");
        InvalidSpecException cannotBundle = assertThrows(InvalidSpecException.class, () -> env.pack(bundled,
                dev.isoenv.PackOptions.builder().bundleInterpreter(true).build()));
        assertTrue(cannotBundle.getMessage().contains("built for " + target + ", but its base interpreter is this"
                + " machine's, built for linux-" + here()),
                cannotBundle.getMessage());
        assertTrue(cannotBundle.getMessage().contains("on a " + target + " machine, or pack it without bundling"),
                cannotBundle.getMessage());
        assertFalse(Files.exists(bundled));

        Path location = workDir.resolve("unpacked");
        InvalidArchiveException notHere = assertThrows(InvalidArchiveException.class,
                () -> isoenv.unpack(packed.file(), location));
        assertEquals(InvalidArchiveException.Reason.OTHER_PLATFORM, notHere.reason());
        assertTrue(notHere.getMessage().contains("built for " + target), notHere.getMessage());
        assertFalse(Files.exists(location));
    }

    @Test
    void aPipOf233OrNewerResolvesWithWhatIsInstalledCounting() {
        String target = "linux-" + otherArchitecture();
        IsoenvClient isoenv = client();
        EnvironmentSpec.Builder spec = forTarget("newer pip", target).python("3.13");
        try {
            isoenv.ensure(spec.requirements(NATIVE + "==1.0").build());
        } catch (dev.isoenv.PythonNotFoundException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Python 3.13, whose bundled pip is 24.2: " + e);
        }
        launches.clear();
        Environment env = isoenv.ensure(spec.requirements(NATIVE + "==1.0", TestPackages.GREETER).build());
        List<String> resolve = launches.stream().filter(c -> c.contains("--dry-run")).findFirst().orElseThrow();
        assertFalse(resolve.contains("--target"), "pip 24.2 takes the platform options with --dry-run: " + resolve);
        List<String> install = launches.stream().filter(c -> c.contains("--target")).findFirst().orElseThrow();
        assertEquals(List.of("--", TestPackages.GREETER + "==1.0"), install.subList(install.indexOf("--"),
                install.size()), "hello 1.1, installed with the native wheel, satisfies the greeter");
        assertEquals("1.0", env.installedDistribution(TestPackages.GREETER).orElseThrow().version());
    }

    @Test
    void aRequirementWithNoWheelForTheTargetIsRefusedNamingItAndLeavesTheEnvironmentAsItWas() {
        String target = "linux-" + otherArchitecture();
        IsoenvClient isoenv = client();
        Environment env = isoenv.ensure(forTarget("arm", target).requirements(TestPackages.GREETER).build());
        List<String> before = names(env.installedDistributions());

        InstallationException e = assertThrows(InstallationException.class, () -> isoenv.ensure(
                forTarget("arm", target).requirements(TestPackages.GREETER, TestPackages.BUILT).build()));
        assertEquals(InstallationException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains(TestPackages.BUILT + " has no binary wheel for " + target)
                && e.getMessage().contains("Only binary wheels can be installed for another platform"),
                e.getMessage());
        assertEquals(before, names(env.installedDistributions()), "nothing was installed or removed");
    }

    @Test
    void distributionsThatShareANamespaceFolderKeepEachOthersFilesAndAClashingFileIsRefusedChangingNothing()
            throws IOException {
        String target = "linux-" + otherArchitecture();
        IsoenvClient isoenv = client();
        Environment env = isoenv.ensure(forTarget("ns", target).requirements(NS_A + "==1.0").build());
        Path site = sitePackages(env.root());
        Path a = site.resolve(NAMESPACE).resolve("a.py");
        Path b = site.resolve(NAMESPACE).resolve("b.py");

        isoenv.ensure(forTarget("ns", target).requirements(NS_A + "==1.0", NS_B).build());
        assertEquals("WHO = '" + NS_A + " 1.0'", Files.readAllLines(a).get(0),
                "the second install kept the first one's file in the folder they share");
        assertEquals("WHO = '" + NS_B + " 1.0'", Files.readAllLines(b).get(0));

        isoenv.ensure(forTarget("ns", target).requirements(NS_A + "==2.0", NS_B).build());
        assertEquals("WHO = '" + NS_A + " 2.0'", Files.readAllLines(a).get(0), "the upgrade replaced its own file");
        assertTrue(Files.isRegularFile(b), "and kept the other distribution's");
        assertEquals(List.of(NS_A + " 2.0", NS_B + " 1.0"), names(env.installedDistributions()).stream()
                .filter(n -> n.startsWith("isoenv-demo-ns")).collect(Collectors.toList()));
        assertFalse(Files.exists(site.resolve("isoenv_demo_ns_a-1.0.dist-info")), "the old version's metadata went");
        assertFalse(Files.exists(env.root().resolve(".isoenv").resolve("target-install")));

        List<String> before = tree(site);
        InstallationException clash = assertThrows(InstallationException.class, () -> isoenv.ensure(
                forTarget("ns", target).requirements(NS_A + "==2.0", NS_B, NS_CLASH).build()));
        assertTrue(clash.getMessage().contains(a.toString()) && clash.getMessage().contains("nothing was changed"),
                clash.getMessage());
        assertEquals(before, tree(site), "nothing of the environment changed");
        assertFalse(Files.exists(env.root().resolve(".isoenv").resolve("target-install")));
    }

    @Test
    void aStepInstalledAtOnceWhoseNewVersionHasNoWheelForTheTargetKeepsTheOldVersion() throws IOException {
        String target = "linux-" + otherArchitecture();
        InstallPlanner atOnce = new InstallPlanner() {
            @Override
            public String name() {
                return "exact pins";
            }

            @Override
            public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
                InstallStep step = InstallStep.builder("exact pins, installed at once")
                        .requirements(spec.requirements()).indexes(spec.indexes()).withoutDependencies().build();
                return Optional.of(new InstallPlan(List.of(step), List.of(), "exact pins", "exact pins at once"));
            }
        };
        IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .planners(List.of(atOnce)).option("store.dir", workDir.resolve("store").toString()).build();
        Environment env = isoenv.ensure(forTarget("at once", target).requirements(NATIVE + "==1.0").build());
        Path site = sitePackages(env.root());
        List<String> before = tree(site);
        assertTrue(before.contains("isoenv_demo_native-1.0.dist-info/"), before.toString());

        InstallationException e = assertThrows(InstallationException.class, () -> isoenv.ensure(
                forTarget("at once", target).requirements(NATIVE + "==2.0").build()));
        assertEquals(InstallationException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains(NATIVE + "==2.0 has no binary wheel for " + target)
                && e.getMessage().contains("Nothing was installed"), e.getMessage());
        assertEquals(before, tree(site), "the old version's files and metadata are all there");
        assertEquals("ARCH = '" + otherArchitecture() + "'", Files.readAllLines(site.resolve(NATIVE_MODULE + ".py"))
                .get(0));
        assertEquals("1.0", env.installedDistribution(NATIVE).orElseThrow().version());
        assertTrue(Files.isRegularFile(env.scriptsDirectory().resolve(NATIVE_SCRIPT)));
        assertEquals(EnvironmentStatus.State.INCOMPLETE, isoenv.status(env.root()).state(),
                "as after any failed install: the next ensure() finishes it");
    }

    @Test
    void anInstallThatFailsAfterTheResolutionLeavesTheEnvironmentAsItWas() throws IOException {
        String target = "linux-" + otherArchitecture();
        String helloPage = server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.HELLO);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString())
                .launchListener(command -> {
                    if (armed.get() && command.contains("--target") && !command.contains("--dry-run")) {
                        server.failWith(helloPage, 404); // resolved, then gone: the install fails
                    }
                }).build();
        Environment env = isoenv.ensure(forTarget("after", target).requirements(TestPackages.HELLO + "==1.0")
                .build());
        Path site = sitePackages(env.root());
        List<String> before = tree(site);
        assertTrue(before.contains("isoenv_demo_hello-1.0.dist-info/"), before.toString());
        armed.set(true);
        try {
            InstallationException e = assertThrows(InstallationException.class, () -> isoenv.ensure(
                    forTarget("after", target).requirements(TestPackages.HELLO + "==1.1").build()));
            assertTrue(e.getMessage().contains("Nothing was installed"), e.getMessage());
            assertTrue(e.getMessage().contains("--no-deps"), "the install failed, after the resolution: "
                    + e.getMessage());
        } finally {
            server.clearFaults();
        }
        assertEquals(before, tree(site), "hello 1.0 was not removed before its replacement was there");
        assertEquals("1.0", env.installedDistribution(TestPackages.HELLO).orElseThrow().version());
    }

    @Test
    void anotherOperatingSystemOrAnUnknownPlatformIsRefusedBeforeAnythingIsMade() {
        Path location = workDir.resolve("windows");
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> client().ensure(
                forTarget("windows", "windows-x86_64").requirements(TestPackages.HELLO).build()));
        assertTrue(e.getMessage().contains("venv") && e.getMessage().contains("another CPU architecture of this"
                + " operating system only") && e.getMessage().contains("build it on a windows machine"),
                e.getMessage());
        assertFalse(Files.exists(location));

        InvalidSpecException invalid = assertThrows(InvalidSpecException.class, () -> client().ensure(
                forTarget("bad", "arm64").requirements(TestPackages.HELLO).build()));
        assertTrue(invalid.getMessage().contains("target.platform") && invalid.getMessage().contains(
                "linux-aarch64"), invalid.getMessage());
        assertFalse(Files.exists(workDir.resolve("bad")));
    }

    private static List<String> names(List<InstalledDistribution> installed) {
        return installed.stream().map(d -> d.name() + " " + d.version()).sorted().collect(Collectors.toList());
    }

    /**
     * Every file and folder of the test's distributions (named isoenv...) below site-packages {@code root}, with each
     * file's content hash: what a change would show.
     */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> found = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            for (Path p : found.sorted().collect(Collectors.toList())) {
                if (p.equals(root) || !root.relativize(p).toString().startsWith("isoenv")) {
                    continue;
                }
                out.add(root.relativize(p) + (Files.isRegularFile(p) ? " " + java.util.Arrays.hashCode(
                        Files.readAllBytes(p)) : "/"));
            }
            return out;
        }
    }

    private static Path sitePackages(Path root) throws IOException {
        try (Stream<Path> found = Files.walk(root, 4)) {
            return found.filter(p -> p.getFileName().toString().equals("site-packages")).findFirst().orElseThrow();
        }
    }

    /** The environment's Python version, X.Y, from its lib/pythonX.Y folder. */
    private static String abi(Path root) throws IOException {
        Path site = sitePackages(root);
        return site.getParent().getFileName().toString().substring("python".length());
    }
}
