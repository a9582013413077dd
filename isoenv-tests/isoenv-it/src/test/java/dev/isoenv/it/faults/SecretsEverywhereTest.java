package dev.isoenv.it.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real installs from an index that demands credentials, with passwords drawn from the URL-reserved and unreserved
 * alphabets: the password never appears anywhere a user can see, whether the install works or fails. Searched: every
 * launched command, every output line, every event, every log record (message, parameters and exception), the
 * exception's message, {@code toString()} and causes with their stack traces, the environment's explanation and
 * {@code toString()}, the specification's {@code toString()}, and every file isoenv writes beside and inside the
 * environment (state record, lock, process record).
 */
class SecretsEverywhereTest {
    private static final String INDEX = "/private/";
    private static final String USER = "builder";
    private static final int PASSWORDS = 6;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
            + ":/?#[]@!$&'()*+,;=% ";

    @TempDir
    Path dir;

    private PackageIndexServer server;
    private final List<String> seen = new ArrayList<>();
    private final Logger logger = Logger.getLogger("dev.isoenv");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    text.append(' ').append(p);
                }
            }
            if (record.getThrown() != null) {
                text.append(' ').append(stackTrace(record.getThrown()));
            }
            synchronized (seen) {
                seen.add(text.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = PackageIndexServer.start();
        server.addIndex(INDEX);
        server.publish(INDEX, TestPackages.hello("1.0"));
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(capture);
        server.close();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** Passwords of 12 to 24 characters with at least one of {@code @}, {@code /}, {@code :}, {@code %} and space. */
    private static List<String> passwords() {
        Random random = new Random(20261201L);
        List<String> passwords = new ArrayList<>();
        String[] musts = {"@", "/", ":", "%", " ", "#?"};
        for (int i = 0; i < PASSWORDS; i++) {
            StringBuilder p = new StringBuilder("S3cr" + i);
            int length = 12 + random.nextInt(12);
            while (p.length() < length) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            p.insert(1 + random.nextInt(p.length() - 1), musts[i % musts.length]);
            passwords.add(p.toString());
        }
        return passwords;
    }

    private IsoenvClient client(Path location) {
        Path processRecord = location.resolveSibling("." + location.getFileName() + ".isoenv-processes");
        return IsoenvClient.builder()
                .launchListener(command -> {
                    record(String.join(" ", command));
                    // The process record exists only while a process runs: read it at each launch.
                    try {
                        if (Files.exists(processRecord)) {
                            record(Files.readString(processRecord));
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .outputListener((stream, line) -> record(line))
                .listener(event -> record(event.toString()))
                .build();
    }

    private void record(String text) {
        synchronized (seen) {
            seen.add(text);
        }
    }

    private void recordFiles(Path location) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(location.getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith("." + location.getFileName() + "."))
                    .forEach(files::add);
        }
        Path state = location.resolve(".isoenv");
        if (Files.isDirectory(state)) {
            try (Stream<Path> walk = Files.walk(state)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        for (Path file : files) {
            record(file + ": " + new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
    }

    private void assertNowhere(String password) {
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        String basic = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        synchronized (seen) {
            for (String text : seen) {
                for (String form : List.of(password, encoded, basic)) {
                    assertFalse(text.contains(form), "the secret (" + form.length() + " characters) appears in: "
                            + text.replace(form, "<SECRET>"));
                }
            }
        }
    }

    @Test
    void passwordsWithReservedCharactersNeverAppearWhetherTheInstallWorksOrFails() throws IOException {
        int tried = 0;
        for (String password : passwords()) {
            seen.clear();
            server.requireBasicAuth(INDEX, USER, password);
            Path location = dir.resolve("env-" + tried);
            EnvironmentSpec spec = EnvironmentSpec.builder(location)
                    .python(PythonRequest.defaultPython())
                    .backend("venv")
                    .inheritMachineConfiguration(false)
                    .indexes(PackageIndexes.builder().indexUrl(server.indexUrl(INDEX, USER, password)).build())
                    .requirement(TestPackages.HELLO)
                    .build();
            record(spec.toString());
            Environment env = client(location).ensure(spec);
            record(env.toString());
            record(env.explanation());
            assertTrue(env.installedDistribution(TestPackages.HELLO).isPresent(), "the credentials worked");

            EnvironmentSpec failing = EnvironmentSpec.builder(location).python(PythonRequest.defaultPython())
                    .backend("venv").inheritMachineConfiguration(false)
                    .indexes(PackageIndexes.builder().indexUrl(server.indexUrl(INDEX, USER, password)).build())
                    .requirement(TestPackages.HELLO).requirement("isoenv-demo-nowhere-to-be-found").build();
            IsoenvException e = assertThrows(IsoenvException.class, () -> client(location).ensure(failing));
            record(e.getMessage());
            record(e.toString());
            record(stackTrace(e));
            recordFiles(location);
            assertNowhere(password);
            tried++;
        }
        FaultFigures.record(tried + " passwords with URL-reserved characters, each through a working and a failing"
                + " install: never in commands, output, events, logs, exceptions, toString() or state files"
                + " (the masking unit test adds 400 generated passwords)");
    }
}
