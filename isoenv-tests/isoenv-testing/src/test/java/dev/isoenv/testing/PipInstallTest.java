package dev.isoenv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.FakeTorch;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import dev.isoenv.testing.index.RecordedRequest;
import dev.isoenv.testing.python.CommandResult;
import dev.isoenv.testing.python.ScratchVenv;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installs the fixture's packages with a real pip, in a real venv, from the fixture's index, with the machine's
 * pip configuration switched off. One venv and one server serve the whole class; each test but the first installs
 * into its own {@code --target} directory, so the tests do not see each other's packages.
 */
class PipInstallTest {
    private static final String PRIVATE_INDEX = "/private/";
    private static final String USER = "isoenv-user";
    private static final String TOKEN = "s3cret/token+1";
    /** A tag no Python 3 interpreter accepts: CPython 2.7 on 32-bit Windows. */
    private static final String FOREIGN_TAG = "cp27-cp27m-win32";
    private static final String FOREIGN = "isoenv-demo-foreign";

    @TempDir
    static Path work;

    private static PackageIndexServer server;
    private static ScratchVenv venv;
    private static DistributionFile foreignWheel;

    @BeforeAll
    static void startIndexAndCreateVenv() throws Exception {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions())
                .publish(TestPackages.greeter("1.0"))
                .publish(TestPackages.shout("1.0"))
                .publish(TestPackages.brokenSdist())
                .publish(TestPackages.orphan());
        foreignWheel = WheelBuilder.wheel(FOREIGN, "1.0").file("isoenv_demo_foreign.py", "").tag(FOREIGN_TAG).build();
        server.publish(foreignWheel);
        for (String label : FakeTorch.LABELS) {
            String index = server.addIndex(FakeTorch.indexPath(label));
            server.publish(index, FakeTorch.torch(label)).publish(index, FakeTorch.torchaudio(label));
        }
        server.addIndex(PRIVATE_INDEX);
        server.publish(PRIVATE_INDEX, TestPackages.hello("1.0"));
        server.requireBasicAuth(PRIVATE_INDEX, USER, TOKEN);
        venv = ScratchVenv.create(work.resolve("venv"));
    }

    @AfterAll
    static void stopIndex() {
        server.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        server.clearRequestLog();
    }

    @Test
    void installsTheNewestHelloIntoTheVenvAndItsConsoleScriptRuns() {
        CommandResult pip = install(Optional.empty(), server.indexUrl(), TestPackages.HELLO);

        assertSucceeded(pip);
        CommandResult script = venv.runProgram(venv.script(TestPackages.HELLO_SCRIPT), Map.of());
        assertSucceeded(script);
        assertEquals(TestPackages.helloGreeting("2.0"), script.stdout().strip());
        assertEquals(List.of(server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("2.0"))),
                downloads(), "exactly one file fetched, the newest");
        assertTrue(server.requestLog().contains(new RecordedRequest("GET",
                server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.HELLO), 200, Optional.empty())),
                server.requestLog()::toString);
    }

    @Test
    void anExactPinPicksThatVersionAmongSeveral() {
        Path target = work.resolve("pinned");

        assertSucceeded(install(Optional.of(target), server.indexUrl(), TestPackages.HELLO + "==1.1"));

        assertEquals("1.1", importVersion(target, TestPackages.HELLO_MODULE));
        assertTrue(Files.isDirectory(target.resolve("isoenv_demo_hello-1.1.dist-info")));
        assertEquals(List.of(server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("1.1"))),
                downloads());
    }

    @Test
    void dependenciesResolveAcrossPackages() {
        Path target = work.resolve("greeter");

        assertSucceeded(install(Optional.of(target), server.indexUrl(), TestPackages.GREETER));

        assertEquals("1.1", importVersion(target, TestPackages.HELLO_MODULE),
                "the newest hello that " + TestPackages.GREETER_REQUIREMENT + " allows");
        CommandResult script = venv.runProgram(target.resolve("bin").resolve(TestPackages.GREETER_SCRIPT),
                Map.of("PYTHONPATH", target.toString()));
        assertSucceeded(script);
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), script.stdout().strip());
        assertTrue(downloads().containsAll(List.of(
                server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.greeter("1.0")),
                server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("1.1")))), downloads()::toString);
    }

    @Test
    void theShoutScriptWritesOneTransformedLineForEachLineItReads() throws Exception {
        Path target = work.resolve("shout");

        assertSucceeded(install(Optional.of(target), server.indexUrl(), TestPackages.SHOUT));

        ProcessBuilder builder = new ProcessBuilder(target.resolve("bin").resolve(TestPackages.SHOUT_SCRIPT).toString())
                .redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", target.toString());
        Process shout = builder.start();
        try (java.io.Writer in = new java.io.OutputStreamWriter(shout.getOutputStream(),
                java.nio.charset.StandardCharsets.UTF_8)) {
            in.write("hello spark\nsecond line\r\n\nlast without a break");
        }
        String out = new String(shout.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, shout.waitFor(), out);
        assertEquals(List.of("HELLO SPARK (isoenv-demo-hello 1.1)", TestPackages.shoutLine("second line", "1.1"),
                TestPackages.shoutLine("", "1.1"), TestPackages.shoutLine("last without a break", "1.1")),
                out.lines().collect(Collectors.toList()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cu126", "cu128"})
    void torchWithALocalLabelInstallsFromItsOwnIndexOnly(String label) {
        Path target = work.resolve("torch-" + label);
        String index = FakeTorch.indexPath(label);

        assertSucceeded(install(Optional.of(target), server.indexUrl(index), "torch", "torchaudio"));

        CommandResult facts = venv.runPython(Map.of("PYTHONPATH", target.toString()), "-c",
                "import torch, torchaudio\n"
                        + "print(torch.__version__)\n"
                        + "print(torch.version.cuda)\n"
                        + "print(torch.version.hip)\n"
                        + "print(torch.cuda.is_available())\n"
                        + "print(torchaudio.__version__)\n");
        assertSucceeded(facts);
        String cuda = FakeTorch.cudaVersion(label).orElse("None");
        assertEquals(List.of("2.5.1+" + label, cuda, "None", "False", "2.5.1+" + label), facts.stdout().lines()
                .collect(Collectors.toList()));
        assertTrue(server.requestLog().stream().allMatch(request -> request.path().startsWith(index)),
                () -> "only " + index + " was asked: " + server.requestLog());
        assertEquals(2, downloads().size(), downloads()::toString);
    }

    @Test
    void basicAuthLetsPipInWithCredentialsInTheUrl() {
        Path target = work.resolve("private");

        assertSucceeded(install(Optional.of(target), server.indexUrl(PRIVATE_INDEX, USER, TOKEN),
                TestPackages.HELLO));

        assertEquals("1.0", importVersion(target, TestPackages.HELLO_MODULE));
        assertTrue(server.requestLog().stream().allMatch(request -> request.user().equals(Optional.of(USER))
                && request.status() == 200), server.requestLog()::toString);
        assertEquals(1, downloads().size());
    }

    @Test
    void basicAuthTurnsAwayPipWithoutCredentials() {
        CommandResult pip = install(Optional.of(work.resolve("anonymous")), server.indexUrl(PRIVATE_INDEX),
                TestPackages.HELLO);

        assertNotEquals(0, pip.exitCode(), pip::describe);
        assertTrue(pip.output().contains("No matching distribution found for " + TestPackages.HELLO), pip::describe);
        assertFalse(server.requestLog().isEmpty());
        assertTrue(server.requestLog().stream().allMatch(request -> request.status() == 401),
                server.requestLog()::toString);
        assertTrue(downloads().isEmpty());
    }

    @Test
    void anSdistWhoseSetupPyFailsMakesPipFail() {
        Path target = work.resolve("broken");

        CommandResult pip = install(Optional.of(target), server.indexUrl(), TestPackages.BROKEN);

        assertNotEquals(0, pip.exitCode(), pip::describe);
        assertTrue(pip.output().contains(TestPackages.BROKEN_MARKER), pip::describe);
        assertEquals(List.of(server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.brokenSdist())),
                downloads());
        assertFalse(Files.exists(target.resolve("isoenv_demo_broken-1.0.dist-info")));
    }

    @Test
    void aDependencyMissingFromTheIndexMakesPipFail() {
        CommandResult pip = install(Optional.of(work.resolve("orphan")), server.indexUrl(), TestPackages.ORPHAN);

        assertNotEquals(0, pip.exitCode(), pip::describe);
        assertTrue(pip.output().contains(TestPackages.MISSING_DEPENDENCY), pip::describe);
        assertTrue(server.requestLog().contains(new RecordedRequest("GET",
                server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.MISSING_DEPENDENCY), 404,
                Optional.empty())), server.requestLog()::toString);
    }

    @Test
    void aWheelTaggedForAnotherPlatformIsListedButNeverFetched() {
        CommandResult pip = install(Optional.of(work.resolve("foreign")), server.indexUrl(), FOREIGN);

        assertNotEquals(0, pip.exitCode(), pip::describe);
        assertTrue(pip.output().contains("No matching distribution found for " + FOREIGN), pip::describe);
        assertTrue(server.requestedPaths().contains(server.projectPath(PackageIndexServer.DEFAULT_INDEX, FOREIGN)));
        assertFalse(server.wasRequested(server.filePath(PackageIndexServer.DEFAULT_INDEX, foreignWheel)));
    }

    @Test
    void pipRetriesAFileDownloadThatFailedWith503() {
        Path target = work.resolve("retried");
        String file = server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("1.0"));
        server.failWith(file, 503, 1);
        try {
            assertSucceeded(install(Optional.of(target), server.indexUrl(), TestPackages.HELLO + "==1.0"));
        } finally {
            server.clearFaults();
        }

        List<Integer> statuses = server.requestLog().stream().filter(request -> request.path().equals(file))
                .map(RecordedRequest::status).collect(Collectors.toList());
        assertEquals(List.of(503, 200), statuses);
        assertEquals("1.0", importVersion(target, TestPackages.HELLO_MODULE));
    }

    @Test
    void aStalledIndexMakesPipGiveUp() {
        String page = server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.HELLO);
        server.stall(page);
        CommandResult pip;
        try {
            pip = install(Optional.of(work.resolve("stalled")), server.indexUrl(), List.of("--no-cache-dir",
                    "--timeout", "1", "--retries", "0"), TestPackages.HELLO);
        } finally {
            server.clearFaults();
            server.releaseStalledRequests();
        }

        assertNotEquals(0, pip.exitCode(), pip::describe);
        assertTrue(server.requestLog().contains(new RecordedRequest("GET", page, RecordedRequest.STALLED,
                Optional.empty())), server.requestLog()::toString);
        assertTrue(downloads().isEmpty());
    }

    @Test
    void pipKeepsDownloadedFilesInItsCacheOnlyForATrustedPlainHttpHost() {
        String cache = work.resolve("pip-cache").toString();
        List<String> cached = List.of("--cache-dir", cache, "--trusted-host", "127.0.0.1");
        String file = server.filePath(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("1.0"));
        assertSucceeded(install(Optional.of(work.resolve("cached-1")), server.indexUrl(), cached,
                TestPackages.HELLO + "==1.0"));
        assertEquals(List.of(file), downloads());
        server.clearRequestLog();

        assertSucceeded(install(Optional.of(work.resolve("cached-2")), server.indexUrl(), cached,
                TestPackages.HELLO + "==1.0"));

        assertTrue(downloads().isEmpty(), "the file came from pip's HTTP cache: " + server.requestLog());
        assertTrue(server.wasRequested(server.projectPath(PackageIndexServer.DEFAULT_INDEX, TestPackages.HELLO)),
                "pages are sent with no-cache, so pip asks for them again");
    }

    private static CommandResult install(Optional<Path> target, String indexUrl, String... requirements) {
        return install(target, indexUrl, List.of("--no-cache-dir"), requirements);
    }

    private static CommandResult install(Optional<Path> target, String indexUrl, List<String> options,
                                         String... requirements) {
        List<String> args = new ArrayList<>(List.of("install", "--no-input",
                "--disable-pip-version-check", "--index-url", indexUrl));
        target.ifPresent(directory -> args.addAll(List.of("--target", directory.toString())));
        args.addAll(options);
        args.addAll(List.of(requirements));
        return venv.pip(args.toArray(String[]::new));
    }

    private static String importVersion(Path target, String module) {
        CommandResult result = venv.runPython(Map.of("PYTHONPATH", target.toString()), "-c",
                "import " + module + "; print(" + module + ".__version__)");
        assertSucceeded(result);
        return result.stdout().strip();
    }

    private static List<String> downloads() {
        return server.requestLog().stream().filter(RecordedRequest::isFileDownload).map(RecordedRequest::path)
                .collect(Collectors.toList());
    }

    private static void assertSucceeded(CommandResult result) {
        assertEquals(0, result.exitCode(), result::describe);
    }
}
