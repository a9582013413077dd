package dev.isoenv.testing.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.FakeTorch;
import dev.isoenv.testing.dist.TestPackages;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index over plain HTTP, with the JDK's client: pages, files, redirects, the log and the faults. */
class PackageIndexServerTest {
    private static final String CU126 = "/whl/cu126/";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static DistributionFile hello10;
    private static DistributionFile hello20;
    private static DistributionFile torch;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY).build();
    private PackageIndexServer server;

    @BeforeAll
    static void buildPackages() {
        hello10 = TestPackages.hello("1.0");
        hello20 = TestPackages.hello("2.0");
        torch = FakeTorch.torch("cu126");
    }

    @BeforeEach
    void start() throws IOException {
        server = PackageIndexServer.start();
        server.publish(hello10).publish(hello20).publish(TestPackages.greeter("1.0"));
        server.addIndex(CU126);
        server.publish(CU126, torch);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listensOnTheLoopbackAddress() {
        assertTrue(server.port() > 0);
        assertEquals("http://127.0.0.1:" + server.port() + "/simple/", server.indexUrl());
        assertEquals("http://127.0.0.1:" + server.port() + CU126, server.indexUrl(CU126));
        assertEquals(List.of("/simple/", CU126), server.indexes());
    }

    @Test
    void aServerLeftOpenCannotKeepTheJvmAlive() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (PackageIndexServer another = PackageIndexServer.start()) {
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(another.baseUrl())).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);

            assertFalse(started.isEmpty());
            assertTrue(started.stream().allMatch(Thread::isDaemon), started::toString);
        }
    }

    @Test
    void theRootPageListsTheProjects() throws Exception {
        HttpResponse<String> root = get("/simple/");

        assertEquals(200, root.statusCode());
        assertEquals("text/html; charset=utf-8", root.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(root.body().contains("<a href=\"isoenv-demo-greeter/\">isoenv-demo-greeter</a>"), root.body());
        assertTrue(root.body().contains("<a href=\"isoenv-demo-hello/\">isoenv-demo-hello</a>"), root.body());
        assertFalse(root.body().contains("torch"), "torch is on another index");
        assertTrue(get(CU126).body().contains("<a href=\"torch/\">torch</a>"));
    }

    @Test
    void aProjectPageLinksEachFileWithItsDigestAndEscapedRequiresPython() throws Exception {
        HttpResponse<String> page = get("/simple/isoenv-demo-hello/");

        assertEquals(200, page.statusCode());
        for (DistributionFile file : List.of(hello10, hello20)) {
            String link = "<a href=\"files/" + file.fileName() + "#sha256=" + file.sha256Hex()
                    + "\" data-requires-python=\"&gt;=3.8\">" + file.fileName() + "</a>";
            assertTrue(page.body().contains(link), () -> link + " not in\n" + page.body());
        }
        assertTrue(page.body().contains("<meta name=\"pypi:repository-version\" content=\"1.0\">"));
    }

    @Test
    void filesWithLocalLabelsAreLinkedPercentEncodedAndServedWithTheirLength() throws Exception {
        HttpResponse<String> page = get(CU126 + "torch/");
        String href = "files/torch-2.5.1%2Bcu126-py3-none-any.whl#sha256=" + torch.sha256Hex();
        assertTrue(page.body().contains("href=\"" + href + "\""), page.body());

        HttpResponse<byte[]> file = http.send(request(CU126 + "torch/files/torch-2.5.1%2Bcu126-py3-none-any.whl"),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, file.statusCode());
        assertEquals(String.valueOf(torch.size()), file.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(torch.content(), file.body());
        assertEquals(server.filePath(CU126, torch), server.requestLog().get(1).path(), "the log holds decoded paths");
        assertTrue(server.requestLog().get(1).isFileDownload());
    }

    @Test
    void headGivesTheLengthOfAFileWithoutItsBytes() throws Exception {
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl())
                        .resolve(server.filePath(PackageIndexServer.DEFAULT_INDEX, hello10)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(hello10.size()), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);
    }

    @Test
    void namesThatAreNotNormalizedOrLackTheSlashAreRedirected() throws Exception {
        assertRedirect("/simple/Isoenv_Demo.Hello/", "/simple/isoenv-demo-hello/");
        assertRedirect("/simple/Isoenv_Demo.Hello", "/simple/isoenv-demo-hello/");
        assertRedirect("/simple/isoenv-demo-hello", "/simple/isoenv-demo-hello/");
        assertRedirect("/whl/cu126", CU126);
    }

    @Test
    void unknownPathsGive404() throws Exception {
        for (String path : List.of("/", "/nothing/", "/simple/nope/", "/simple/torch/", "/whl/cpu/torch/",
                "/simple/isoenv-demo-hello/files/missing.whl", "/simple/isoenv-demo-hello/a/b/c",
                CU126 + "torch/files/" + hello10.fileName())) {
            assertEquals(404, get(path).statusCode(), path);
        }
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.indexUrl()))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(405, post.statusCode());
    }

    @Test
    void aWheelPublishedFromDiskIsListedWithItsRequiresPython(@TempDir Path dir) throws Exception {
        Path wheel = TestPackages.orphan().writeTo(dir);
        server.publish(PackageIndexServer.DEFAULT_INDEX, wheel);

        assertTrue(get("/simple/isoenv-demo-orphan/").body().contains("isoenv_demo_orphan-1.0-py3-none-any.whl#"));
        assertTrue(get(CU126 + "torch/").body().contains("data-requires-python=\"&gt;=3.8.0\""));
    }

    @Test
    void aPublishedFileCannotChangeButMayBePublishedAgain() {
        server.publish(hello10);
        DistributionFile impostor = DistributionFile.of(hello10.fileName(), new byte[] {1}, Optional.empty());

        assertThrows(IllegalStateException.class, () -> server.publish(impostor));
        assertThrows(IllegalArgumentException.class, () -> server.publish("/nowhere/", hello10));
    }

    @Test
    void addIndexAcceptsAnyFormOfABasePath() {
        assertEquals("/a/b/", server.addIndex("a/b"));
        assertEquals("/a/b/", server.addIndex("/a/b/"));
        assertThrows(IllegalArgumentException.class, () -> server.addIndex("/"));
        assertThrows(IllegalArgumentException.class, () -> server.addIndex("/a/../b/"));
    }

    @Test
    void theRequestLogRecordsEveryRequestInOrder() throws Exception {
        get("/simple/");
        get("/simple/isoenv-demo-hello");
        server.clearRequestLog();
        get("/simple/isoenv-demo-hello/");
        get("/simple/nope/");

        assertEquals(List.of(
                new RecordedRequest("GET", "/simple/isoenv-demo-hello/", 200, Optional.empty()),
                new RecordedRequest("GET", "/simple/nope/", 404, Optional.empty())), server.requestLog());
        assertEquals(List.of("/simple/isoenv-demo-hello/", "/simple/nope/"), server.requestedPaths());
        assertTrue(server.wasRequested("/simple/isoenv-demo-hello/"));
        assertFalse(server.wasRequested(CU126));
    }

    @Test
    void basicAuthGuardsOneIndexOnly() throws Exception {
        server.requireBasicAuth(CU126, "user", "token");

        HttpResponse<String> anonymous = get(CU126 + "torch/");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic realm="));
        assertEquals(401, get(CU126 + "torch/", "user", "wrong").statusCode());
        assertEquals(401, get(CU126 + "torch/", "other", "token").statusCode());
        assertEquals(200, get(CU126 + "torch/", "user", "token").statusCode());
        assertEquals(200, get("/simple/isoenv-demo-hello/").statusCode(), "other indexes stay open");
        assertEquals(new RecordedRequest("GET", CU126 + "torch/", 200, Optional.of("user")),
                server.requestLog().get(3));

        server.allowAnonymous(CU126);
        assertEquals(200, get(CU126 + "torch/").statusCode());
    }

    @Test
    void aStatusFaultCanBeLimitedToTheFirstRequests() throws Exception {
        server.failWith("/simple/isoenv-demo-hello/", 503, 2);

        assertEquals(503, get("/simple/isoenv-demo-hello/").statusCode());
        assertEquals(503, get("/simple/isoenv-demo-hello/files/" + hello10.fileName()).statusCode());
        assertEquals(200, get("/simple/isoenv-demo-hello/").statusCode());
    }

    @Test
    void aStatusFaultAppliesUntilCleared() throws Exception {
        server.failWith("/nothing-here/", 500);
        server.failWith(CU126, 404);

        assertEquals(500, get("/nothing-here/x").statusCode());
        assertEquals(404, get(CU126 + "torch/").statusCode());
        assertEquals(404, get(CU126 + "torch/").statusCode());
        server.clearFaults();
        assertEquals(200, get(CU126 + "torch/").statusCode());
        assertThrows(IllegalArgumentException.class, () -> server.failWith("/x", 99));
    }

    @Test
    void aStalledPathAnswersNothingAndClosesTheConnectionWhenReleased() throws Exception {
        server.stall("/simple/isoenv-demo-hello/");
        try (Socket stalled = rawGet("/simple/isoenv-demo-hello/")) {
            RecordedRequest seen = server.awaitRequest("/simple/isoenv-demo-hello/", WAIT).orElseThrow();
            assertEquals(RecordedRequest.STALLED, seen.status());
            assertEquals(200, get("/simple/").statusCode(), "other paths are served meanwhile");

            server.releaseStalledRequests();

            assertEquals(-1, stalled.getInputStream().read(), "closed without a single byte of answer");
        }
        server.clearFaults();
        assertEquals(200, get("/simple/isoenv-demo-hello/").statusCode());
    }

    @Test
    void closingTheServerEndsStalledRequests() throws Exception {
        server.stall("/");
        try (Socket stalled = rawGet("/simple/")) {
            server.awaitRequest("/simple/", WAIT).orElseThrow();

            server.close();

            assertEquals(-1, stalled.getInputStream().read());
        }
    }

    @Test
    void servesConcurrentClientsWhilePublishing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String version = "3." + i;
                results.add(pool.submit(() -> {
                    server.publish(TestPackages.hello(version));
                    return get("/simple/isoenv-demo-hello/").body().contains("isoenv_demo_hello-" + version + "-")
                            ? 1 : 0;
                }));
            }
            int seen = 0;
            for (Future<Integer> result : results) {
                seen += result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals(40, seen);
            assertEquals(40, server.requestLog().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertRedirect(String path, String location) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(301, response.statusCode(), path);
        assertEquals(location, response.headers().firstValue("Location").orElseThrow(), path);
    }

    /** Sends a GET on a plain socket, which, unlike the JDK's client, never retries a request on its own. */
    private Socket rawGet(String path) throws IOException {
        Socket socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl()).resolve(path)).build();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String user, String token) throws IOException,
            InterruptedException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()).resolve(path))
                .header("Authorization", "Basic " + credentials).build(), HttpResponse.BodyHandlers.ofString());
    }
}
