package dev.isoenv.testing.index;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.sun.net.httpserver.HttpServer;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.ProjectNames;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A real HTTP package index for tests, on 127.0.0.1 at a free port, serving PEP 503 simple indexes that pip and uv
 * can install from. It starts with one index at {@value #DEFAULT_INDEX}; {@link #addIndex(String)} adds more at
 * other base paths, such as PyTorch's {@code /whl/cu126/}. For each index:
 *
 * <ul>
 *   <li>{@code BASE} lists the projects, {@code BASE/NAME/} lists a project's files as
 *       {@code <a href="files/FILE#sha256=HEX" data-requires-python="&gt;=3.8">FILE</a>};</li>
 *   <li>{@code BASE/NAME/files/FILE} serves a file, with its Content-Length;</li>
 *   <li>a project name that is not normalized, or lacks its trailing slash, is redirected (301) to the normalized
 *       form, as PyPI does; unknown paths give 404.</li>
 * </ul>
 *
 * <p>Every request is recorded in {@link #requestLog()}, so a test can prove what was fetched, and from which index.
 * Faults can be injected: {@link #requireBasicAuth(String, String, String)}, {@link #stall(String)},
 * {@link #failWith(String, int)}. The server is thread-safe; all its threads are daemons, so one left open does not
 * keep a JVM alive; {@link #close()} stops it.
 *
 * <pre>{@code
 * try (PackageIndexServer server = PackageIndexServer.start()) {
 *     server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.hello("1.0"));
 *     server.addIndex("/whl/cu126/");
 *     server.publish("/whl/cu126/", FakeTorch.torch("cu126"));
 *     String url = server.indexUrl("/whl/cu126/");   // http://127.0.0.1:PORT/whl/cu126/
 *     // pip install --index-url URL torch
 * }
 * }</pre>
 */
public final class PackageIndexServer implements AutoCloseable {
    /** The base path of the index every server has from the start. */
    public static final String DEFAULT_INDEX = "/simple/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final IndexRegistry registry = new IndexRegistry();
    private final FaultRules faults = new FaultRules();
    private final RequestLog log = new RequestLog();
    private final StallGate stalls = new StallGate();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PackageIndexServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts a server on 127.0.0.1 at a free port, with an empty index at {@value #DEFAULT_INDEX}.
     *
     * @return the running server
     * @throws IOException if no socket can be bound
     */
    public static PackageIndexServer start() throws IOException {
        InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        HttpServer http = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        ThreadFactory daemons = new ThreadFactoryBuilder().setDaemon(true).setNameFormat("isoenv-test-index-%d")
                .build();
        ExecutorService executor = Executors.newCachedThreadPool(daemons);
        PackageIndexServer index = new PackageIndexServer(http, executor);
        index.registry.add(DEFAULT_INDEX);
        http.createContext("/", new IndexRequestHandler(index.registry, index.faults, index.log, index.stalls));
        http.setExecutor(executor);
        startFromDaemonThread(http, daemons);
        return index;
    }

    /**
     * Starts the server from a daemon thread: the JDK's server makes its dispatcher thread a daemon only when the
     * thread that starts it is one, and a server left open must not keep a JVM alive.
     */
    private static void startFromDaemonThread(HttpServer http, ThreadFactory daemons) throws IOException {
        Thread starter = daemons.newThread(http::start);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            http.stop(0);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the index server");
        }
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns the server's root URL.
     *
     * @return {@code http://127.0.0.1:PORT/}
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /**
     * Adds an empty index at a base path; adding one that exists does nothing.
     *
     * @param basePath e.g. {@code /whl/cu126/}; leading and trailing slashes may be left out
     * @return the canonical base path, with both slashes, which names the index in the other methods
     * @throws IllegalArgumentException if the base path is the root or malformed
     */
    public String addIndex(String basePath) {
        return registry.add(basePath).basePath();
    }

    /**
     * Returns the base paths of the indexes, sorted.
     *
     * @return the base paths
     */
    public List<String> indexes() {
        return registry.basePaths();
    }

    /**
     * Publishes a distribution file to an index; publishing the same bytes again does nothing.
     *
     * @param index the index's base path
     * @param file the file
     * @return this server
     * @throws IllegalArgumentException if there is no such index
     * @throws IllegalStateException if the index has a different file of that name
     */
    public PackageIndexServer publish(String index, DistributionFile file) {
        registry.get(index).publish(Objects.requireNonNull(file, "file"));
        return this;
    }

    /**
     * Publishes distribution files to an index.
     *
     * @param index the index's base path
     * @param files the files
     * @return this server
     */
    public PackageIndexServer publish(String index, List<DistributionFile> files) {
        files.forEach(file -> publish(index, file));
        return this;
    }

    /**
     * Publishes a wheel or sdist from disk to an index, reading its {@code Requires-Python} from the metadata
     * inside it.
     *
     * @param index the index's base path
     * @param wheelOrSdist a {@code .whl}, {@code .tar.gz} or {@code .zip} file
     * @return this server
     * @throws IOException if the file cannot be read
     */
    public PackageIndexServer publish(String index, Path wheelOrSdist) throws IOException {
        return publish(index, DistributionFile.read(wheelOrSdist));
    }

    /**
     * Publishes a distribution file to the default index, {@value #DEFAULT_INDEX}.
     *
     * @param file the file
     * @return this server
     */
    public PackageIndexServer publish(DistributionFile file) {
        return publish(DEFAULT_INDEX, file);
    }

    /**
     * Returns the URL of an index, for {@code pip install --index-url}.
     *
     * @param index the index's base path
     * @return e.g. {@code http://127.0.0.1:PORT/simple/}
     * @throws IllegalArgumentException if there is no such index
     */
    public String indexUrl(String index) {
        return "http://127.0.0.1:" + port() + registry.get(index).basePath();
    }

    /**
     * Returns the URL of the default index.
     *
     * @return {@code http://127.0.0.1:PORT/simple/}
     */
    public String indexUrl() {
        return indexUrl(DEFAULT_INDEX);
    }

    /**
     * Returns the URL of an index with Basic credentials in it, as pip accepts them:
     * {@code http://USER:TOKEN@127.0.0.1:PORT/BASE/}, each part percent-encoded.
     *
     * @param index the index's base path
     * @param user the user name
     * @param token the token
     * @return the URL with credentials
     */
    public String indexUrl(String index, String user, String token) {
        return "http://" + UrlPaths.encode(user) + ":" + UrlPaths.encode(token) + "@127.0.0.1:" + port()
                + registry.get(index).basePath();
    }

    /**
     * Returns the request path of a project's page in an index, as the request log records it.
     *
     * @param index the index's base path
     * @param project a project name, normalized or not
     * @return e.g. {@code /whl/cu126/torch/}
     */
    public String projectPath(String index, String project) {
        return registry.get(index).basePath() + ProjectNames.normalize(project) + "/";
    }

    /**
     * Returns the request path of a file in an index, decoded, as the request log records it.
     *
     * @param index the index's base path
     * @param file the file
     * @return e.g. {@code /whl/cu126/torch/files/torch-2.5.1+cu126-py3-none-any.whl}
     */
    public String filePath(String index, DistributionFile file) {
        return projectPath(index, file.project()) + IndexPages.FILES + "/" + file.fileName();
    }

    /**
     * Returns the requests received so far, oldest first.
     *
     * @return a snapshot of the log
     */
    public List<RecordedRequest> requestLog() {
        return log.snapshot();
    }

    /**
     * Returns the decoded paths of the requests received so far, oldest first.
     *
     * @return the paths
     */
    public List<String> requestedPaths() {
        return log.snapshot().stream().map(RecordedRequest::path).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Tells whether any request so far had a path starting with a prefix, e.g. an index's base path.
     *
     * @param pathPrefix a decoded path prefix
     * @return true if one did
     */
    public boolean wasRequested(String pathPrefix) {
        return log.snapshot().stream().anyMatch(request -> request.path().startsWith(pathPrefix));
    }

    /** Empties the request log. */
    public void clearRequestLog() {
        log.clear();
    }

    /**
     * Waits until a request whose path starts with a prefix has been received (one received already counts), e.g.
     * to know that a client has reached a stalled path.
     *
     * @param pathPrefix a decoded path prefix
     * @param timeout how long to wait at most
     * @return the first such request, or empty if none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<RecordedRequest> awaitRequest(String pathPrefix, Duration timeout) throws InterruptedException {
        return log.await(request -> request.path().startsWith(pathPrefix), timeout);
    }

    /**
     * Demands HTTP Basic credentials for every path of an index; requests without them, or with others, get 401
     * with {@code WWW-Authenticate: Basic}.
     *
     * @param index the index's base path
     * @param user the user name, without {@code :}
     * @param token the password or token
     */
    public void requireBasicAuth(String index, String user, String token) {
        registry.get(index).requireCredentials(new BasicCredentials(user, token));
    }

    /**
     * Lets anyone into an index again.
     *
     * @param index the index's base path
     */
    public void allowAnonymous(String index) {
        registry.get(index).requireCredentials(null);
    }

    /**
     * Stalls every request whose decoded path starts with a prefix: the server accepts it and sends nothing until
     * {@link #releaseStalledRequests()} or {@link #close()}, which close the connection without an answer. The log
     * records such a request with status {@link RecordedRequest#STALLED}. Faults apply before authentication.
     *
     * @param pathPrefix e.g. {@code /simple/isoenv-demo-hello/} or {@code /whl/cu126/}
     */
    public void stall(String pathPrefix) {
        faults.add(pathPrefix, FaultRules.Action.STALL, 0, -1);
    }

    /**
     * Answers every request whose decoded path starts with a prefix with a status, e.g. 500 or 404.
     *
     * @param pathPrefix the path prefix
     * @param status the HTTP status
     */
    public void failWith(String pathPrefix, int status) {
        failWith(pathPrefix, status, -1);
    }

    /**
     * Answers the next {@code times} requests whose decoded path starts with a prefix with a status; later ones are
     * served normally, e.g. to test retries.
     *
     * @param pathPrefix the path prefix
     * @param status the HTTP status, 100 to 599
     * @param times how many requests fail; negative for all
     */
    public void failWith(String pathPrefix, int status, int times) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        faults.add(pathPrefix, FaultRules.Action.STATUS, status, times);
    }

    /** Removes every stall and status fault; requests stalled already stay stalled until released. */
    public void clearFaults() {
        faults.clear();
    }

    /** Closes the connections of the requests stalled now, without an answer. */
    public void releaseStalledRequests() {
        stalls.releaseAll();
    }

    /** Releases stalled requests and stops the server. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stalls.close();
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "PackageIndexServer[" + baseUrl() + ", indexes=" + indexes() + "]";
    }
}
