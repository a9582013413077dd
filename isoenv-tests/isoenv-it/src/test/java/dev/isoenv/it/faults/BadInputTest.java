package dev.isoenv.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentConflictException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidRequirementException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.UnknownBackendException;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, as a careless or hostile caller gives it: each is refused with a typed {@link IsoenvException} whose
 * message is bounded and free of control characters, nothing reaches pip as an option, and an environment that
 * worked before keeps its files and keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final int MESSAGE_LIMIT = 2000;

    @TempDir
    static Path dir;

    private PackageIndexServer server;
    private Path working;
    private Map<String, String> before;
    private final AtomicInteger tried = new AtomicInteger();
    private final List<String> launched = new ArrayList<>();

    @BeforeAll
    void workingEnvironment() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        working = dir.resolve("working");
        client().ensure(spec(working).requirement(TestPackages.HELLO + "==1.0").build());
        before = snapshot(working);
    }

    @AfterAll
    void stillWorks() throws IOException {
        try {
            assertEquals(before, snapshot(working), "no bad input changed a file of the working environment");
            Environment env = client().ensure(spec(working).requirement(TestPackages.HELLO + "==1.0").build());
            assertEquals(TestPackages.helloGreeting("1.0"),
                    env.run(TestPackages.HELLO_SCRIPT).requireSuccess().stdout().strip());
            FaultFigures.record(badRequirements().count() + " bad requirement strings, each refused as a requirement and"
                    + " as a constraint, and " + (tried.get() - 2 * badRequirements().count()) + " bad specifications"
                    + " (no such Python, no such backend, a user's directory, a file in the way, options among the"
                    + " requirements): typed errors, bounded messages without control characters; the working"
                    + " environment kept every file and still runs");
        } finally {
            server.close();
        }
    }

    private IsoenvClient client() {
        return IsoenvClient.builder().launchListener(command -> launched.add(String.join(" ", command))).build();
    }

    private EnvironmentSpec.Builder spec(Path location) {
        return EnvironmentSpec.builder(location)
                .python(PythonRequest.defaultPython())
                .backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }

    /** Every file of the environment, with its size and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.put(root.relativize(p).toString(), Files.size(p) + " "
                            + Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return files;
    }

    private void assertWellFormed(IsoenvException e) {
        tried.incrementAndGet();
        String message = e.getMessage();
        assertNotEquals(IsoenvException.class, e.getClass(), "a subclass says what went wrong: " + e);
        assertTrue(message != null && !message.isBlank(), "a message: " + e);
        assertTrue(message.length() <= MESSAGE_LIMIT, "a bounded message, not " + message.length() + " characters");
        assertTrue(message.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f),
                "no raw control characters: " + message.replaceAll("\\p{Cntrl}", "?"));
    }

    static Stream<String> badRequirements() {
        return Stream.of(
                "--index-url=http://evil.invalid/simple",
                "--extra-index-url", "-r", "-e .", "-c constraints.txt", "--target=/tmp/x",
                "", "   ", "foo\u0000bar", "foo\nbar", "foo\rbar", "\u001b[31mred\u001b[0m",
                "foo; rm -rf /", "foo==1.0 --hash=sha256:00", "foo[bar", "foo>>1.0", "foo==", "foo @ ",
                "../../etc/passwd", "foo==1.0;python_version>'3'andos_name", "foo ==1.0 bar",
                "x".repeat(9000), "a" + "(".repeat(5000), "foo" + "==1.0,".repeat(3000), "-");
    }

    @ParameterizedTest
    @MethodSource("badRequirements")
    void aBadRequirementIsATypedErrorBeforeAnythingRuns(String requirement) {
        int launches = launched.size();
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class,
                () -> client().ensure(spec(working).requirement(requirement).build()));
        assertWellFormed(e);
        assertEquals(launches, launched.size(), "no process was started for it");
    }

    @ParameterizedTest
    @MethodSource("badRequirements")
    void aBadConstraintIsATypedErrorToo(String constraint) {
        InvalidRequirementException e = assertThrows(InvalidRequirementException.class,
                () -> spec(working).constraint(constraint));
        assertWellFormed(e);
    }

    @Test
    void aPythonThatExistsNowhereIsATypedErrorAndCreatesNothing() {
        Path location = dir.resolve("no-python");
        PythonNotFoundException e = assertThrows(PythonNotFoundException.class,
                () -> client().ensure(spec(location).python(PythonRequest.version("3.99")).build()));
        assertWellFormed(e);
        assertFalse(Files.exists(location), "nothing was created");
    }

    @Test
    void anUnknownBackendIsATypedErrorThatListsTheKnownOnes() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> client().ensure(spec(dir.resolve("nosuch")).backend("nosuch").build()));
        assertWellFormed(e);
        assertTrue(e.getMessage().contains("venv"), e.getMessage());
    }

    @Test
    void aDirectoryIsoenvDidNotCreateIsNeverTouched() throws IOException {
        Path mine = dir.resolve("users-own");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.txt"), "four years of work");
        EnvironmentConflictException e = assertThrows(EnvironmentConflictException.class,
                () -> client().ensure(spec(mine).build()));
        assertWellFormed(e);
        assertEquals("four years of work", Files.readString(mine.resolve("thesis.txt")));
    }

    @Test
    void aFileWhereTheEnvironmentShouldBeIsATypedErrorAndKept() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "keep me");
        IsoenvException e = assertThrows(IsoenvException.class, () -> client().ensure(spec(file).build()));
        assertWellFormed(e);
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void aSpecificationWithAnOptionAsRequirementNeverReachesPip() {
        assertInstanceOf(InvalidRequirementException.class, assertThrows(IsoenvException.class,
                () -> spec(working).requirements(List.of(TestPackages.HELLO, "--index-url", "http://evil.invalid"))));
        tried.incrementAndGet();
        assertTrue(launched.stream().noneMatch(l -> l.contains("evil.invalid")), launched.toString());
    }
}
