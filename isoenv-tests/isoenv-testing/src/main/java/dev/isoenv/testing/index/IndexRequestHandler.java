package dev.isoenv.testing.index;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.ProjectNames;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Answers one HTTP request to a {@link PackageIndexServer}. In order: injected faults (a stall or a status), the
 * index the path belongs to (404 if none), its Basic-auth demand (401 with {@code WWW-Authenticate}), then the page
 * or file, redirecting (301) a project name that is not normalized or lacks its trailing slash. Every request is
 * logged once its answer is decided, before the answer is sent. Pages are sent with {@code Cache-Control: no-cache},
 * files with a year's {@code max-age}, as PyPI does, so pip's HTTP cache keeps files but asks for pages again.
 */
final class IndexRequestHandler implements HttpHandler {
    private static final String HTML = "text/html; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** Files never change once published, so clients may cache them, as PyPI lets them. */
    private static final String IMMUTABLE = "max-age=31536000, immutable, public";

    private final IndexRegistry registry;
    private final FaultRules faults;
    private final RequestLog log;
    private final StallGate stalls;

    /**
     * Creates the handler of a server.
     *
     * @param registry the server's indexes
     * @param faults the faults to inject
     * @param log where to record requests
     * @param stalls where stalled requests wait
     */
    IndexRequestHandler(IndexRegistry registry, FaultRules faults, RequestLog log, StallGate stalls) {
        this.registry = registry;
        this.faults = faults;
        this.log = log;
        this.stalls = stalls;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Optional<BasicCredentials> credentials =
                    BasicCredentials.parse(exchange.getRequestHeaders().getFirst("Authorization"));
            Optional<String> user = credentials.map(BasicCredentials::user);
            Optional<FaultRules.Rule> fault = faults.claim(path);
            if (fault.isPresent() && fault.get().action() == FaultRules.Action.STALL) {
                log.add(new RecordedRequest(method, path, RecordedRequest.STALLED, user));
                stall();
                return;
            }
            Response response = fault.map(rule -> Response.text(rule.status(), "injected fault: " + rule.status()))
                    .orElseGet(() -> answer(method, path, credentials));
            log.add(new RecordedRequest(method, path, response.status, user));
            response.send(exchange, method.equals("HEAD"));
        } catch (IOException e) {
            // The client went away; nothing more to do.
        }
    }

    private void stall() {
        try {
            stalls.hold();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Returning closes the exchange without a response, which closes the connection.
    }

    private Response answer(String method, String path, Optional<BasicCredentials> credentials) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.text(405, "only GET and HEAD").withHeader("Allow", "GET, HEAD");
        }
        Optional<SimpleIndex> routed = registry.route(path);
        if (routed.isEmpty()) {
            return Response.notFound();
        }
        SimpleIndex index = routed.get();
        if (!index.admits(credentials)) {
            return Response.text(401, "credentials required")
                    .withHeader("WWW-Authenticate", "Basic realm=\"isoenv test index " + index.basePath() + "\"");
        }
        String base = index.basePath();
        if (path.length() < base.length()) {
            return Response.redirect(base);
        }
        String[] segments = path.substring(base.length()).split("/", -1);
        if (segments.length == 1 && segments[0].isEmpty()) {
            return Response.html(IndexPages.root(index.projects()));
        }
        String project = ProjectNames.normalize(segments[0]);
        if (segments.length == 1 || segments.length == 2 && segments[1].isEmpty()) {
            if (segments.length == 1 || !project.equals(segments[0])) {
                return Response.redirect(base + UrlPaths.encode(project) + "/");
            }
            List<DistributionFile> files = index.files(project);
            return files.isEmpty() ? Response.notFound() : Response.html(IndexPages.project(project, files));
        }
        if (segments.length == 3 && segments[1].equals(IndexPages.FILES)) {
            return index.file(project, segments[2]).map(Response::file).orElseGet(Response::notFound);
        }
        return Response.notFound();
    }

    /** A response decided but not sent yet. */
    private static final class Response {
        private final int status;
        private final String contentType;
        private final byte[] body;
        private String cacheControl = "no-cache";
        private String extraName;
        private String extraValue;

        private Response(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        static Response text(int status, String text) {
            return new Response(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8));
        }

        static Response notFound() {
            return text(404, "not found");
        }

        static Response html(String html) {
            return new Response(200, HTML, html.getBytes(StandardCharsets.UTF_8));
        }

        static Response redirect(String location) {
            return text(301, "moved to " + location).withHeader("Location", location);
        }

        static Response file(DistributionFile file) {
            String type = file.fileName().endsWith(".tar.gz") ? "application/gzip"
                    : file.fileName().endsWith(".zip") || file.fileName().endsWith(".whl") ? "application/zip"
                    : "application/octet-stream";
            Response response = new Response(200, type, file.content());
            response.cacheControl = IMMUTABLE;
            return response;
        }

        Response withHeader(String name, String value) {
            this.extraName = name;
            this.extraValue = value;
            return this;
        }

        void send(HttpExchange exchange, boolean head) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", cacheControl);
            if (extraName != null) {
                exchange.getResponseHeaders().set(extraName, extraValue);
            }
            if (head) {
                // The JDK's server keeps a Content-Length set by hand on a HEAD answer, and sends no body.
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
