package dev.isoenv.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentCreationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The extension's failures, without a Python: sample test classes (nested, so Surefire does not run them on their
 * own) declare environments of {@link UnbuildableInstaller}, which refuses to build; the JUnit launcher runs them
 * here, and the results say how often the extension tried and how its errors read. Only the launcher API is used,
 * which JUnit 5.10 and 6 both have, so that this test runs on either.
 */
class IsoenvExtensionTest {
    private static final Map<String, Throwable> FAILURES = new ConcurrentHashMap<>();
    private static final List<String> RAN = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path dir;

    @BeforeAll
    static void keepEnvironmentsHere() {
        System.setProperty(IsoenvExtension.DIRECTORY_PROPERTY, dir.toString());
    }

    @AfterAll
    static void clear() {
        System.clearProperty(IsoenvExtension.DIRECTORY_PROPERTY);
    }

    @BeforeEach
    void reset() {
        UnbuildableInstaller.ATTEMPTS.set(0);
        FAILURES.clear();
        RAN.clear();
    }

    /** Runs the sample classes in one launcher run; returns each failed test or container by display name. */
    private static Map<String, Throwable> run(Class<?>... samples) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (Class<?> sample : samples) {
            selectors.add(selectClass(sample));
        }
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        result.getThrowable().ifPresent(t -> FAILURES.put(test.getDisplayName(), t));
                    }
                });
        return Map.copyOf(FAILURES);
    }

    /** An instance field and a parameter with one declaration that cannot be built, in three tests. */
    static class UnbuildableSample {
        @PythonEnvironment(requirements = "tool==1.0", backend = UnbuildableInstaller.NAME)
        Environment field;

        @Test
        void first() {
            RAN.add("first");
        }

        @Test
        void second() {
            RAN.add("second");
        }

        @Test
        void third(@PythonEnvironment(requirements = "tool==1.0", backend = UnbuildableInstaller.NAME)
                   Environment parameter) {
            RAN.add("third");
        }
    }

    /** The same declaration as {@link UnbuildableSample}'s, shared by the run, in two classes. */
    static class RunScopeSample {
        @PythonEnvironment(requirements = "tool==2.0", backend = UnbuildableInstaller.NAME,
                scope = PythonEnvironment.Scope.RUN)
        static Environment python;

        @Test
        void needsIt() {
            RAN.add("run scope");
        }
    }

    /** A second class with {@link RunScopeSample}'s declaration. */
    static class OtherRunScopeSample {
        @PythonEnvironment(requirements = "tool==2.0", backend = UnbuildableInstaller.NAME,
                scope = PythonEnvironment.Scope.RUN)
        static Environment python;

        @Test
        void needsItToo() {
            RAN.add("other run scope");
        }
    }

    @Test
    void aDeclarationThatCannotBeBuiltIsAttemptedOnceAndEveryTestGetsTheSameFailure() {
        Map<String, Throwable> failures = run(UnbuildableSample.class);
        assertEquals(List.of(), RAN, "no test ran without its environment");
        assertEquals(1, UnbuildableInstaller.ATTEMPTS.get(), "one attempt for the class's three injections");
        assertEquals(List.of("first()", "second()", "third(Environment)"),
                failures.keySet().stream().sorted().collect(Collectors.toList()));
        Throwable cause = failures.get("first()").getCause();
        assertTrue(cause instanceof EnvironmentCreationException, String.valueOf(cause));
        assertSame(cause, failures.get("second()").getCause(), "the same failure, not a second attempt");
        for (Throwable failure : failures.values()) {
            assertTrue(failure.getMessage().contains(UnbuildableInstaller.REFUSAL), failure.getMessage());
        }
    }

    @Test
    void aClassScopedDeclarationIsAttemptedOncePerClassAndARunScopedOneOncePerRun() {
        run(UnbuildableSample.class, UnbuildableSample.class);
        assertEquals(1, UnbuildableInstaller.ATTEMPTS.get(), "one class, selected twice, is one scope");

        UnbuildableInstaller.ATTEMPTS.set(0);
        Map<String, Throwable> failures = run(RunScopeSample.class, OtherRunScopeSample.class);
        assertEquals(1, UnbuildableInstaller.ATTEMPTS.get(), "one attempt for the whole run");
        assertEquals(List.of(), RAN);
        assertSame(failures.get("IsoenvExtensionTest$RunScopeSample").getCause(), failures.get("IsoenvExtensionTest$OtherRunScopeSample").getCause());

        UnbuildableInstaller.ATTEMPTS.set(0);
        run(RunScopeSample.class);
        run(OtherRunScopeSample.class);
        assertEquals(2, UnbuildableInstaller.ATTEMPTS.get(), "each run tries again");
    }

    /** One name, declared with two different requirements. */
    static class OneNameTwoSpecsSample {
        @Test
        void withOne(@PythonEnvironment(name = "shared", requirements = "tool==1.0",
                backend = UnbuildableInstaller.NAME) Environment python) {
            RAN.add("one");
        }

        @Test
        void withTheOther(@PythonEnvironment(name = "shared", requirements = "tool==2.0",
                backend = UnbuildableInstaller.NAME) Environment python) {
            RAN.add("other");
        }
    }

    @Test
    void oneDirectoryDeclaredWithTwoDifferentSpecificationsIsAConfigurationError() {
        Map<String, Throwable> failures = run(OneNameTwoSpecsSample.class);
        assertEquals(1, UnbuildableInstaller.ATTEMPTS.get(), "only the first declaration was attempted");
        List<String> conflicts = failures.values().stream().map(IsoenvExtensionTest::allMessages)
                .filter(m -> m.contains("is used by two different @PythonEnvironment declarations"))
                .collect(Collectors.toList());
        assertEquals(1, conflicts.size(), failures.toString());
        String message = conflicts.get(0);
        assertTrue(message.contains("name 'shared'"), message);
        assertTrue(message.contains("of withOne") && message.contains("of withTheOther"), message);
        assertTrue(message.contains("tool==1.0") && message.contains("tool==2.0"), message);
    }

    /** A parameter of the wrong type. */
    static class WrongParameterTypeSample {
        @Test
        void takesAString(TestInfo info, @PythonEnvironment(requirements = "tool") String python) {
            RAN.add("ran");
        }
    }

    @Test
    void aParameterOfTheWrongTypeNamesTheTypeNeededAndTheParameter() {
        String message = allMessages(run(WrongParameterTypeSample.class).get("takesAString(TestInfo, String)"));
        assertTrue(message.contains("@PythonEnvironment on parameter 1 ("), message);
        assertTrue(message.contains(") of takesAString needs a parameter of type dev.isoenv.Environment, not"
                + " java.lang.String"), message);
        assertEquals(0, UnbuildableInstaller.ATTEMPTS.get());
    }

    /** A requirement whose URL carries credentials. */
    static class CredentialsSample {
        @PythonEnvironment(requirements = "tool @ https://user:s3cr3t-t0ken@example.invalid/tool-1.0.tar.gz",
                backend = UnbuildableInstaller.NAME)
        static Environment python;

        @Test
        void neverRuns() {
            RAN.add("ran");
        }
    }

    @Test
    void aFailureMasksTheCredentialsOfTheRequirementsItNames() {
        String message = allMessages(run(CredentialsSample.class).get("IsoenvExtensionTest$CredentialsSample"));
        assertTrue(message.startsWith("isoenv could not build the Python environment declared on field"
                + " CredentialsSample.python"), message);
        assertTrue(message.contains("example.invalid/tool-1.0.tar.gz"), message);
        assertFalse(message.contains("s3cr3t-t0ken"), message);
    }

    private static String allMessages(Throwable failure) {
        assertTrue(failure != null, "no such failure: " + FAILURES.keySet());
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
