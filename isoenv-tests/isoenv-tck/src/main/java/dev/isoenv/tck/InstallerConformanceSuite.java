package dev.isoenv.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Availability;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.Requirement;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.testing.dist.DistributionFile;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.dist.WheelBuilder;
import dev.isoenv.testing.index.PackageIndexServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Installer} contract, checked against a real Python and a real PEP 503 index that the kit serves on
 * 127.0.0.1 with wheels it builds. A backend's test class extends this class and returns its installer from
 * {@link #installer()}; the kit calls the installer the way isoenv does, through a {@link BackendContext} it makes
 * itself, and checks what a backend author must get right: {@link Create create()}, {@link Install install()},
 * {@link Uninstall uninstall()}, {@link ListDistributions list()}, the layout's {@link Variables activation
 * variables}, and {@link Run running} the environment's python. isoenv's engine ({@code ensure()}, its state record,
 * locking and repair) is not the subject; nothing here goes through it.
 *
 * <pre>{@code
 * class MyInstallerConformanceTest extends InstallerConformanceSuite {
 *     @Override
 *     protected Installer installer() {
 *         return new MyInstaller();
 *     }
 * }
 * }</pre>
 *
 * <p>When {@link Installer#availability()} says the backend cannot work on this machine (its tool is missing), every
 * test is skipped with the backend's reason. The hooks {@link #python()}, {@link #supportsEnvironmentsWithoutPip()},
 * {@link #resolvesWithoutInstalling()}, {@link #processEnvironment()} and {@link #spec(String)} adapt the kit to a
 * backend; a subclass may add its own
 * tests and use the kit's helpers ({@link #create}, {@link #install}, {@link #uninstall}, {@link #runPython}).
 *
 * <p>The kit's package index is shared by the suite's classes: under JUnit's parallel execution, two backends'
 * suites take turns (a {@code ResourceLock}) rather than close each other's server.
 */
@org.junit.jupiter.api.parallel.ResourceLock("dev.isoenv.tck.InstallerConformanceSuite.index")
public abstract class InstallerConformanceSuite {
    /** The index on the kit's server that requires credentials; it holds {@value TestPackages#HELLO} 1.0 only. */
    protected static final String PRIVATE_INDEX = "/private/";
    /** The user of {@link #PRIVATE_INDEX}. */
    protected static final String PRIVATE_USER = "alice";
    /** The token of {@link #PRIVATE_INDEX}; it must never appear in a command line or an output line. */
    protected static final String PRIVATE_TOKEN = "tok-7f3a9c-secret";
    /** A distribution whose metadata writes its name in mixed case, with {@code _} and {@code .}. */
    protected static final String MIXED_CASE = "IsoEnv_Demo.Mixed_Case";
    /** The normalized name of {@link #MIXED_CASE}. */
    protected static final String MIXED_CASE_NORMALIZED = "isoenv-demo-mixed-case";
    /** The only version of {@link #MIXED_CASE}: a trailing zero and a local label, which must be kept as they are. */
    protected static final String MIXED_CASE_VERSION = "1.0.0+kit.2";
    /** The index of the installer-argument tests: {@value TestPackages#HELLO} 1.0, 2.0 and a pre-release, and a
     * project that exists only as a source distribution. */
    protected static final String ARGUMENTS_INDEX = "/arguments/";
    /** Like {@link #ARGUMENTS_INDEX}, for config settings alone, so that no wheel built earlier can be reused. */
    protected static final String SETTINGS_INDEX = "/settings/";
    /** A project that no index has. */
    protected static final String UNKNOWN = "isoenv-demo-no-such-package";

    private static final String MIXED_CASE_MODULE = "isoenv_demo_mixed_case";
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern LINES = Pattern.compile("\\R");
    /** Prints "normalized-name version" for each distribution the environment's python sees, as pip would. */
    private static final String LIST_SCRIPT = "import importlib.metadata as m, re\n"
            + "for d in m.distributions():\n"
            + "    name = d.metadata['Name']\n"
            + "    if name:\n"
            + "        print(re.sub(r'[-_.]+', '-', name).lower() + ' ' + d.version)\n";

    private static PackageIndexServer server;

    /** A fresh directory for each test's environments and files. */
    @TempDir
    protected Path workDir;

    private final List<List<String>> launches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final List<EnsureEvent> events = Collections.synchronizedList(new ArrayList<>());
    private Installer installer;

    /**
     * Returns the backend under test. The kit calls it once per test.
     *
     * @return the installer, new or shared (installers are thread-safe)
     */
    protected abstract Installer installer();

    /**
     * Returns the Python the kit's environments use; the default is the machine's default Python.
     *
     * @return the Python request
     */
    protected PythonRequest python() {
        return PythonRequest.defaultPython();
    }

    /**
     * Tells whether the backend builds environments without pip when {@link EnvironmentSpec#includesPip()} is false.
     * True by default; a backend that always provides pip returns false, and the test of that option is skipped.
     *
     * @return true if {@code pip(false)} gives an environment without pip
     */
    protected boolean supportsEnvironmentsWithoutPip() {
        return true;
    }

    /**
     * Tells whether the backend resolves a step without installing it ({@link Installer#resolve}). False by default:
     * the {@code resolve()} tests are then skipped when the backend answers empty, as the default method does. A
     * backend that implements it returns true, and an empty answer to a step that resolves is then a failure.
     *
     * @return true if {@code resolve()} must answer
     */
    protected boolean resolvesWithoutInstalling() {
        return false;
    }

    /**
     * Returns the variables of the current process that the kit's {@link BackendContext} hands to the backend; the
     * default is {@link System#getenv()}.
     *
     * @return the variables child environments start from
     */
    protected Map<String, String> processEnvironment() {
        return System.getenv();
    }

    @BeforeAll
    static void startIndex() throws IOException {
        server = PackageIndexServer.start();
        server.publish(PackageIndexServer.DEFAULT_INDEX, TestPackages.helloVersions());
        server.publish(TestPackages.greeter("1.0"));
        server.publish(TestPackages.orphan());
        server.publish(mixedCase());
        server.addIndex(PRIVATE_INDEX);
        server.publish(PRIVATE_INDEX, TestPackages.hello("1.0"));
        server.requireBasicAuth(PRIVATE_INDEX, PRIVATE_USER, PRIVATE_TOKEN);
        for (String index : List.of(ARGUMENTS_INDEX, SETTINGS_INDEX)) {
            server.addIndex(index);
            server.publish(index, List.of(TestPackages.hello("1.0"), TestPackages.hello("2.0"),
                    TestPackages.hello(TestPackages.HELLO_PRERELEASE), TestPackages.builtFromSource()));
        }
    }

    @AfterAll
    static void stopIndex() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @BeforeEach
    void requireAvailableBackend() {
        Availability availability = backend().availability();
        assumeTrue(availability.isAvailable(),
                () -> backend().name() + " is not available here: " + availability.detail());
        server.clearRequestLog();
    }

    private static DistributionFile mixedCase() {
        return WheelBuilder.wheel(MIXED_CASE, MIXED_CASE_VERSION)
                .file(MIXED_CASE_MODULE + "/__init__.py", "__version__ = \"" + MIXED_CASE_VERSION + "\"\n")
                .build();
    }

    /**
     * Returns the installer of this test, asking {@link #installer()} once.
     *
     * @return the installer
     */
    protected final Installer backend() {
        if (installer == null) {
            installer = installer();
            assertNotNull(installer, "installer() returned null");
        }
        return installer;
    }

    /**
     * Returns the kit's package index server, for subclasses that add their own tests.
     *
     * @return the server
     */
    protected static PackageIndexServer index() {
        return server;
    }

    /**
     * Starts a specification for an environment named {@code name} in {@link #workDir}: this backend, the
     * {@link #python()} requested, the kit's index only, and no machine configuration (no pip.conf, no
     * {@code PIP_*} variables). A subclass may override it to add, say, timeouts.
     *
     * @param name the environment's directory name
     * @return a builder
     */
    protected EnvironmentSpec.Builder spec(String name) {
        return EnvironmentSpec.builder(workDir.resolve(name))
                .python(python())
                .backend(backend().name())
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(server.indexUrl()).build());
    }

    /**
     * Makes the context isoenv would give the backend for {@code spec}: the standard runner, which tells the kit about
     * every launch, and listeners that record output lines and events.
     *
     * @param spec the specification
     * @return the context
     */
    protected BackendContext context(EnvironmentSpec spec) {
        return new BackendContext(spec, CommandRunner.standard(launches::add), (stream, line) -> output.add(line),
                events::add, processEnvironment());
    }

    /**
     * Calls {@link Installer#prepare} and then {@link Installer#create}, as isoenv does for a new environment.
     *
     * @param spec the specification; its location does not exist
     * @return what the backend created
     */
    protected CreatedEnvironment create(EnvironmentSpec spec) {
        BackendContext context = context(spec);
        backend().prepare(spec, context);
        CreatedEnvironment created = backend().create(spec, context);
        assertNotNull(created, "create() returned null");
        return created;
    }

    /**
     * Creates an environment for {@code spec(name)}, with pip.
     *
     * @param name the environment's directory name
     * @return its layout
     */
    protected EnvironmentLayout createEnvironment(String name) {
        return create(spec(name).build()).layout();
    }

    /**
     * Calls {@link Installer#install} with one step, from the specification's indexes, as isoenv does.
     *
     * @param layout the environment
     * @param spec the specification the environment was created for
     * @param requirements the requirements, resolved together
     * @param constraints the constraints
     */
    protected void install(EnvironmentLayout layout, EnvironmentSpec spec, List<String> requirements,
                           List<String> constraints) {
        InstallStep step = InstallStep.builder("conformance kit step")
                .requirements(parse(requirements))
                .constraints(parse(constraints))
                .indexes(spec.indexes())
                .build();
        backend().install(layout, step, context(spec).withSecretsOf(step.indexes()));
    }

    /**
     * Installs requirements without constraints.
     *
     * @param layout the environment
     * @param spec the specification the environment was created for
     * @param requirements the requirements
     */
    protected void install(EnvironmentLayout layout, EnvironmentSpec spec, String... requirements) {
        install(layout, spec, List.of(requirements), List.of());
    }

    /**
     * Calls {@link Installer#uninstall}.
     *
     * @param layout the environment
     * @param spec the specification the environment was created for
     * @param normalizedNames the distributions to remove, by normalized name, as isoenv passes them
     */
    protected void uninstall(EnvironmentLayout layout, EnvironmentSpec spec, String... normalizedNames) {
        backend().uninstall(layout, List.of(normalizedNames), context(spec));
    }

    /**
     * Returns what {@link Installer#list} reports, by normalized name, failing on a name reported twice.
     *
     * @param layout the environment
     * @return normalized name to version, sorted
     */
    protected Map<String, String> listed(EnvironmentLayout layout) {
        List<InstalledDistribution> all = backend().list(layout);
        assertNotNull(all, "list() returned null");
        Map<String, String> byName = new TreeMap<>();
        for (InstalledDistribution d : all) {
            String before = byName.put(d.normalizedName(), d.version());
            assertNull(before, () -> "list() reports " + d.normalizedName() + " twice: " + all);
        }
        return byName;
    }

    /**
     * Returns the distributions that the environment's python itself sees, by normalized name, read with
     * {@code importlib.metadata} in isolated mode.
     *
     * @param layout the environment
     * @return normalized name to version, sorted
     */
    protected Map<String, String> seenByPython(EnvironmentLayout layout) {
        ProcessResult result = requireSuccess(run(layout.activate(processEnvironment()),
                layout.python().toString(), "-I", "-c", LIST_SCRIPT));
        Map<String, String> byName = new TreeMap<>();
        for (String line : lines(result)) {
            int space = line.indexOf(' ');
            byName.putIfAbsent(line.substring(0, space), line.substring(space + 1));
        }
        return byName;
    }

    /**
     * Runs {@code python -c code} with the environment's interpreter and its activated variables, built from
     * {@link #processEnvironment()}.
     *
     * @param layout the environment
     * @param code the Python code
     * @return how it ended
     */
    protected ProcessResult runPython(EnvironmentLayout layout, String code) {
        return runPython(layout, processEnvironment(), code);
    }

    /**
     * Runs {@code python -c code} with the environment's interpreter and {@code base} activated.
     *
     * @param layout the environment
     * @param base the variables to activate
     * @param code the Python code
     * @return how it ended
     */
    protected ProcessResult runPython(EnvironmentLayout layout, Map<String, String> base, String code) {
        return run(layout.activate(base), layout.python().toString(), "-c", code);
    }

    /**
     * Runs a command for a check, with the given variables, in {@link #workDir}; the kit's checks are not recorded
     * as the backend's launches.
     *
     * @param environment every variable the process sees
     * @param command the executable and its arguments
     * @return how it ended
     */
    protected ProcessResult run(Map<String, String> environment, String... command) {
        return CommandRunner.standard().run(ProcessRequest.command(command).environment(environment)
                .directory(workDir).timeout(CHECK_TIMEOUT).build());
    }

    /**
     * Returns the commands the backend started since the last call, with secrets masked, and forgets them.
     *
     * @return the launched commands
     */
    protected List<List<String>> takeLaunches() {
        synchronized (launches) {
            List<List<String>> copy = new ArrayList<>(launches);
            launches.clear();
            return copy;
        }
    }

    /**
     * Returns every output line the backend's processes wrote so far.
     *
     * @return the lines
     */
    protected List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    private static List<Requirement> parse(Collection<String> texts) {
        return texts.stream().map(Requirement::parse).collect(Collectors.toList());
    }

    private static ProcessResult requireSuccess(ProcessResult result) {
        assertTrue(result.isSuccess(), () -> result.command() + " failed with exit code " + result.exitCode()
                + ":\n" + String.join("\n", result.tail()));
        return result;
    }

    private static List<String> lines(ProcessResult result) {
        String out = result.stdout().strip();
        return out.isEmpty() ? List.of() : List.of(LINES.split(out));
    }

    private static String stdout(ProcessResult result) {
        return requireSuccess(result).stdout().strip();
    }

    /** The path with links resolved, or, when it does not exist, as given, so that an assertion shows it. */
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    private static Path real(String path) {
        return real(Path.of(path));
    }

    private String version(EnvironmentLayout layout, String name) {
        return listed(layout).getOrDefault(Requirement.normalize(name), "(not installed)");
    }

    private static boolean isWindows() {
        return File.separatorChar == '\\';
    }

    /** Variables that point at another environment, another interpreter's libraries and a decoy module. */
    private Map<String, String> hostileBase() {
        try {
            Path decoy = Files.createDirectories(workDir.resolve("decoy"));
            Files.writeString(decoy.resolve(TestPackages.HELLO_MODULE + ".py"), "__version__ = 'decoy'\n");
            Map<String, String> base = new LinkedHashMap<>(processEnvironment());
            if (!isWindows()) {
                Path hostBin = Files.createDirectories(workDir.resolve("host-bin"));
                Path fake = Files.writeString(hostBin.resolve("python"), "#!/bin/sh\necho host-python\n");
                assertTrue(fake.toFile().setExecutable(true));
                base.put("PATH", hostBin + File.pathSeparator + base.getOrDefault("PATH", ""));
            }
            base.put("VIRTUAL_ENV", workDir.resolve("some-other-venv").toString());
            base.put("CONDA_PREFIX", workDir.resolve("some-conda").toString());
            base.put("PYTHONPATH", decoy.toString());
            base.put("PYTHONHOME", workDir.resolve("no-such-home").toString());
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link Installer#prepare} and {@link Installer#create}: an empty environment with the requested Python. */
    @Nested
    @DisplayName("create()")
    public class Create {
        @Test
        @DisplayName("builds the environment at the specification's location; its python runs with sys.prefix there")
        void pythonRunsWithItsPrefixAtTheRoot() {
            EnvironmentSpec spec = spec("created").build();
            EnvironmentLayout layout = create(spec).layout();
            assertEquals(spec.location().toAbsolutePath().normalize(), layout.root());
            assertTrue(Files.isRegularFile(layout.python()), () -> layout.python() + " is not a file");
            String prefix = stdout(runPython(layout, "import sys; print(sys.prefix)"));
            assertEquals(real(layout.root()), real(prefix));
        }

        @Test
        @DisplayName("reports the Python version that the environment's python has, and where it came from")
        void reportsTheRealPythonVersion() {
            CreatedEnvironment created = create(spec("version").build());
            String actual = stdout(runPython(created.layout(), "import platform; print(platform.python_version())"));
            assertEquals(actual, created.pythonVersion());
            assertTrue(python().acceptsVersion(actual), () -> actual + " does not satisfy " + python());
            assertFalse(created.baseInterpreter().isBlank(), "the base interpreter is described");
            if (!created.markers().isEmpty()) {
                assertEquals(actual, created.markers().get("python_full_version"), created.markers().toString());
            }
        }

        @Test
        @DisplayName("the layout's site-packages is where the environment's python installs packages")
        void sitePackagesIsThePythonsPurelib() {
            EnvironmentLayout layout = createEnvironment("site");
            String purelib = stdout(runPython(layout, "import sysconfig; print(sysconfig.get_paths()['purelib'])"));
            assertEquals(real(purelib), real(layout.sitePackages()));
        }

        @Test
        @DisplayName("with pip asked for, python -m pip works and runs from inside the environment")
        void withPipTheEnvironmentHasAWorkingPip() {
            EnvironmentSpec spec = spec("with-pip").pip(true).build();
            assertTrue(spec.includesPip());
            EnvironmentLayout layout = create(spec).layout();
            Map<String, String> env = layout.activate(processEnvironment());
            requireSuccess(run(env, layout.python().toString(), "-m", "pip", "--version"));
            String pip = stdout(runPython(layout, "import os, pip; print(os.path.realpath(pip.__file__))"));
            assertTrue(real(pip).startsWith(real(layout.root())), () -> "pip comes from " + pip);
            assertTrue(listed(layout).containsKey("pip"), () -> "list() shows pip: " + listed(layout));
        }

        @Test
        @DisplayName("without pip (where the backend supports it), the environment has none")
        void withoutPipTheEnvironmentHasNone() {
            assumeTrue(supportsEnvironmentsWithoutPip(), () -> backend().name() + " always provides pip");
            EnvironmentLayout layout = create(spec("without-pip").pip(false).build()).layout();
            ProcessResult pip = run(layout.activate(processEnvironment()), layout.python().toString(), "-m", "pip",
                    "--version");
            assertFalse(pip.isSuccess(), () -> "python -m pip works: " + pip.stdout());
            assertFalse(listed(layout).containsKey("pip"), () -> "list() shows pip: " + listed(layout));
            assertEquals(real(layout.root()), real(stdout(runPython(layout, "import sys; print(sys.prefix)"))));
        }

        @Test
        @DisplayName("a Python that exists nowhere fails with a typed IsoenvException that names the request")
        void aMissingPythonIsATypedError() {
            EnvironmentSpec spec = spec("no-such-python").python(PythonRequest.version("3.1")).build();
            IsoenvException e = assertThrows(IsoenvException.class, () -> create(spec));
            assertNotEquals(IsoenvException.class, e.getClass(), "a subclass says what went wrong");
            assertTrue(e.getMessage() != null && e.getMessage().contains("3.1"), e::getMessage);
        }
    }

    /** {@link Installer#install}: one step's requirements, resolved together, with its constraints and indexes. */
    @Nested
    @DisplayName("install()")
    public class Install {
        @Test
        @DisplayName("installs a requirement together with its dependency, at the versions the resolver picks")
        void installsARequirementAndItsDependency() {
            EnvironmentSpec spec = spec("dependency").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.GREETER);
            List<String> versions = lines(requireSuccess(runPython(layout, "import importlib.metadata as m;"
                    + " print(m.version('" + TestPackages.GREETER + "')); print(m.version('" + TestPackages.HELLO + "'))")));
            assertEquals(List.of("1.0", "1.1"), versions, "the newest hello below 2.0, as the greeter asks");
        }

        @Test
        @DisplayName("puts console scripts in the layout's scripts directory, where they run with the environment")
        void consoleScriptsLandInTheScriptsDirectory() {
            EnvironmentSpec spec = spec("scripts").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.GREETER);
            Map<String, String> env = layout.activate(processEnvironment());
            Path greet = layout.findExecutable(TestPackages.GREETER_SCRIPT, env).orElseThrow(
                    () -> new AssertionError(TestPackages.GREETER_SCRIPT + " is not on the activated PATH"));
            assertEquals(layout.scriptsDirectory(), greet.getParent());
            assertEquals(TestPackages.greeterLine("1.0", "1.1"), stdout(run(env, greet.toString())));
        }

        @Test
        @DisplayName("honours constraints on dependencies, and installs nothing for a constraint alone")
        void honoursConstraints() {
            EnvironmentSpec spec = spec("constraints").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, List.of(TestPackages.GREETER),
                    List.of(TestPackages.HELLO + "==1.0", TestPackages.ORPHAN + "==1.0"));
            assertEquals("1.0", version(layout, TestPackages.GREETER));
            assertEquals("1.0", version(layout, TestPackages.HELLO), "the constraint, not the newest 1.1");
            assertFalse(listed(layout).containsKey(TestPackages.ORPHAN), "a constraint is not a requirement");
        }

        @Test
        @DisplayName("changes an installed version in place when a step pins another one")
        void changesAVersionInPlace() {
            EnvironmentSpec spec = spec("pins").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.HELLO + "==1.0");
            assertEquals("1.0", version(layout, TestPackages.HELLO));
            install(layout, spec, TestPackages.HELLO + "==2.0");
            assertEquals("2.0", version(layout, TestPackages.HELLO));
            Map<String, String> env = layout.activate(processEnvironment());
            Path hello = layout.findExecutable(TestPackages.HELLO_SCRIPT, env).orElseThrow();
            assertEquals(TestPackages.helloGreeting("2.0"), stdout(run(env, hello.toString())));
            install(layout, spec, TestPackages.HELLO + "==1.1");
            assertEquals("1.1", version(layout, TestPackages.HELLO));
        }

        @Test
        @DisplayName("a package that cannot be installed is a typed IsoenvException with a message, never a silent"
                + " success")
        void failuresAreTypedExceptions() {
            EnvironmentSpec spec = spec("failures").build();
            EnvironmentLayout layout = create(spec).layout();
            Map<String, String> before = listed(layout);

            IsoenvException unknown = assertThrows(IsoenvException.class, () -> install(layout, spec, UNKNOWN));
            assertNotEquals(IsoenvException.class, unknown.getClass(), "a subclass says what went wrong");
            assertTrue(unknown.getMessage() != null && unknown.getMessage().contains(UNKNOWN), unknown::getMessage);
            assertEquals(before, listed(layout), "nothing was installed");

            IsoenvException orphan = assertThrows(IsoenvException.class,
                    () -> install(layout, spec, TestPackages.ORPHAN));
            assertNotEquals(IsoenvException.class, orphan.getClass(), "a subclass says what went wrong");
            assertTrue(orphan.getMessage() != null && orphan.getMessage().contains(TestPackages.MISSING_DEPENDENCY),
                    orphan::getMessage);
            assertFalse(listed(layout).containsKey(TestPackages.ORPHAN), "nothing of it was installed");

            install(layout, spec, TestPackages.HELLO + "==1.0");
            assertEquals("1.0", version(layout, TestPackages.HELLO), "the environment still works");
        }

        @Test
        @DisplayName("uses credentials in index URLs but never shows them in a launched command or an output line")
        void neverShowsIndexCredentials() {
            EnvironmentSpec right = spec("private").indexes(PackageIndexes.builder()
                    .indexUrl(server.indexUrl(PRIVATE_INDEX, PRIVATE_USER, PRIVATE_TOKEN)).build()).build();
            EnvironmentLayout layout = create(right).layout();
            install(layout, right, TestPackages.HELLO);
            assertEquals("1.0", version(layout, TestPackages.HELLO), "from the private index, which has only 1.0");
            assertTrue(server.requestLog().stream().anyMatch(r -> r.user().filter(PRIVATE_USER::equals).isPresent()
                    && r.status() == 200), "the credentials reached the index");

            EnvironmentSpec wrong = right.toBuilder().indexes(PackageIndexes.builder()
                    .indexUrl(server.indexUrl(PRIVATE_INDEX, PRIVATE_USER, "wrong-" + PRIVATE_TOKEN)).build()).build();
            IsoenvException e = assertThrows(IsoenvException.class,
                    () -> install(layout, wrong, TestPackages.HELLO + "==2.0"));

            List<List<String>> launched = takeLaunches();
            assertFalse(launched.isEmpty(), "the backend's processes go through the context's runner");
            StringBuilder shown = new StringBuilder(launched.toString()).append('\n')
                    .append(String.join("\n", output())).append('\n').append(events);
            for (Throwable t = e; t != null; t = t.getCause()) {
                shown.append('\n').append(t);
            }
            assertFalse(shown.toString().contains(PRIVATE_TOKEN), shown::toString);
        }
    }

    /**
     * {@link Installer#resolve}: what a step would install, without installing it. isoenv routes a distribution that
     * arrives only as a dependency (a torchvision that timm needs) through it. It is optional: for a backend that
     * cannot resolve (its answer to a step that surely resolves is empty), these tests are skipped, unless
     * {@link #resolvesWithoutInstalling()} says it does.
     */
    @Nested
    @DisplayName("resolve()")
    public class Resolve {
        private Optional<List<InstalledDistribution>> resolve(EnvironmentLayout layout, EnvironmentSpec spec,
                                                              String... requirements) {
            InstallStep step = InstallStep.builder("conformance kit resolution")
                    .requirements(parse(List.of(requirements)))
                    .indexes(spec.indexes())
                    .build();
            Optional<List<InstalledDistribution>> resolved = backend().resolve(layout, step,
                    context(spec).withSecretsOf(step.indexes()));
            assertNotNull(resolved, "resolve() returned null");
            return resolved;
        }

        /** Fails on an empty answer where the backend says it resolves; skips the test where it does not. */
        private void requireResolution(Optional<List<InstalledDistribution>> resolved) {
            if (resolvesWithoutInstalling()) {
                assertTrue(resolved.isPresent(), () -> backend().name() + " did not resolve a step that resolves");
            }
            assumeTrue(resolved.isPresent(), () -> backend().name() + " does not resolve without installing");
        }

        private Map<String, String> byName(List<InstalledDistribution> distributions) {
            Map<String, String> byName = new TreeMap<>();
            for (InstalledDistribution d : distributions) {
                byName.put(d.normalizedName(), d.version());
            }
            return byName;
        }

        @Test
        @DisplayName("names what a step would install, dependencies included, at the versions the install picks,"
                + " and installs nothing")
        void namesWhatAStepWouldInstallAndInstallsNothing() {
            EnvironmentSpec spec = spec("resolve").build();
            EnvironmentLayout layout = create(spec).layout();
            Map<String, String> before = listed(layout);
            Optional<List<InstalledDistribution>> resolved = resolve(layout, spec, TestPackages.GREETER);
            requireResolution(resolved);

            Map<String, String> expected = new TreeMap<>(Map.of(TestPackages.GREETER, "1.0", TestPackages.HELLO,
                    "1.1"));
            assertEquals(expected, byName(resolved.get()), "the greeter and the newest hello below 2.0 it needs");
            assertEquals(before, listed(layout), "a resolution installs nothing");
            assertEquals(List.of(), lines(requireSuccess(runPython(layout, "import importlib.util as u;"
                    + " print(u.find_spec('" + TestPackages.HELLO_MODULE + "') or '')"))), "hello is not importable");
        }

        @Test
        @DisplayName("leaves out what is installed already, names a version that would change, and is empty, not an"
                + " exception, for a step that cannot be resolved")
        void namesOnlyChangesAndAFailureIsEmpty() {
            EnvironmentSpec spec = spec("resolve-changes").build();
            EnvironmentLayout layout = create(spec).layout();
            requireResolution(resolve(layout, spec, TestPackages.GREETER));
            install(layout, spec, TestPackages.GREETER);

            assertEquals(Map.of(), byName(resolve(layout, spec, TestPackages.GREETER).orElseThrow(
                    () -> new AssertionError("a step that is installed already resolved to nothing"))));
            assertEquals(Map.of(TestPackages.HELLO, "1.0"), byName(resolve(layout, spec, TestPackages.GREETER,
                    TestPackages.HELLO + "==1.0").orElseThrow(() -> new AssertionError("a downgrade did not resolve"))),
                    "only the version that would change");
            assertEquals("1.1", version(layout, TestPackages.HELLO), "still the installed version");

            assertEquals(Optional.empty(), resolve(layout, spec, UNKNOWN), "a project no index has");
            assertEquals("1.1", version(layout, TestPackages.HELLO), "the environment is unchanged");
        }
    }

    /**
     * Extra installer arguments ({@link dev.isoenv.InstallerArgument}): each vetted argument is either applied with its
     * meaning or refused with a reason by {@link Installer#cannotApply}, and a refused one makes {@code install()}
     * fail with a typed error rather than be ignored.
     */
    @Nested
    @DisplayName("installer arguments")
    public class InstallerArguments {
        private EnvironmentSpec.Builder argumentSpec(String name, String index, String... arguments) {
            return spec(name).indexes(PackageIndexes.builder().indexUrl(server.indexUrl(index)).build())
                    .installerArguments(arguments);
        }

        private boolean applies(String argument) {
            Optional<String> refused = backend().cannotApply(dev.isoenv.InstallerArgument.parse(argument));
            assertNotNull(refused, "cannotApply() returned null");
            return refused.isEmpty();
        }

        @Test
        @DisplayName("each vetted argument is applied, or refused with a reason, and then install() fails typed")
        void eachArgumentIsAppliedOrRefused() {
            EnvironmentLayout layout = create(argumentSpec("each", ARGUMENTS_INDEX).build()).layout();
            for (String argument : List.of("--pre", "--use-pep517", "--no-build-isolation", "--prefer-binary",
                    "--only-binary=" + TestPackages.HELLO, "--no-binary=" + TestPackages.BUILT,
                    "--config-settings=isoenv-key=isoenv-value")) {
                EnvironmentSpec spec = argumentSpec("each", ARGUMENTS_INDEX, argument).build();
                Optional<String> refused = backend().cannotApply(spec.installerArguments().get(0));
                if (refused.isPresent()) {
                    assertFalse(refused.get().isBlank(), () -> argument + " is refused without a reason");
                    Map<String, String> before = listed(layout);
                    IsoenvException e = assertThrows(IsoenvException.class,
                            () -> install(layout, spec, TestPackages.HELLO + "==1.0"), argument);
                    assertNotEquals(IsoenvException.class, e.getClass(), "a subclass says what went wrong");
                    assertEquals(before, listed(layout), "a refused argument changes nothing");
                } else {
                    install(layout, spec, TestPackages.HELLO + "==1.0");
                    assertEquals("1.0", version(layout, TestPackages.HELLO), argument);
                }
            }
        }

        @Test
        @DisplayName("--pre lets a pre-release be chosen; without it the newest release is")
        void preAllowsAPreRelease() {
            assumeTrue(applies("--pre"), () -> backend().name() + " refuses --pre");
            EnvironmentSpec plain = argumentSpec("releases", ARGUMENTS_INDEX).build();
            EnvironmentLayout layout = create(plain).layout();
            install(layout, plain, TestPackages.HELLO);
            assertEquals("2.0", version(layout, TestPackages.HELLO));

            EnvironmentSpec pre = argumentSpec("pre-releases", ARGUMENTS_INDEX, "--pre").build();
            EnvironmentLayout preLayout = create(pre).layout();
            install(preLayout, pre, TestPackages.HELLO);
            assertEquals(TestPackages.HELLO_PRERELEASE, version(preLayout, TestPackages.HELLO));
        }

        @Test
        @DisplayName("--only-binary=:all: refuses a project that has only a source distribution, typed")
        void onlyBinaryRefusesSourceDistributions() {
            assumeTrue(applies("--only-binary=:all:"), () -> backend().name() + " refuses --only-binary");
            EnvironmentSpec wheels = argumentSpec("wheels-only", ARGUMENTS_INDEX, "--only-binary=:all:").build();
            EnvironmentLayout layout = create(wheels).layout();
            IsoenvException e = assertThrows(IsoenvException.class, () -> install(layout, wheels, TestPackages.BUILT));
            assertNotEquals(IsoenvException.class, e.getClass(), "a subclass says what went wrong");
            assertFalse(listed(layout).containsKey(TestPackages.BUILT));
            install(layout, wheels, TestPackages.HELLO + "==1.0");
            assertEquals("1.0", version(layout, TestPackages.HELLO), "wheels still install");
        }

        @Test
        @DisplayName("--config-settings reach the PEP 517 build backend of a source distribution")
        void configSettingsReachTheBuildBackend() {
            assumeTrue(applies("--config-settings=k=v"), () -> backend().name() + " refuses --config-settings");
            EnvironmentSpec spec = argumentSpec("settings", SETTINGS_INDEX,
                    "--config-settings=isoenv-key=isoenv-value").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.BUILT);
            assertEquals("{'isoenv-key': 'isoenv-value'}", stdout(runPython(layout, "import "
                    + TestPackages.BUILT_MODULE + "; print(" + TestPackages.BUILT_MODULE + ".CONFIG_SETTINGS)")));
        }
    }

    /** {@link Installer#uninstall}: removes distributions by normalized name. */
    @Nested
    @DisplayName("uninstall()")
    public class Uninstall {
        @Test
        @DisplayName("removes exactly the named distribution, with its scripts, and leaves the others working")
        void removesExactlyTheNamedDistribution() {
            EnvironmentSpec spec = spec("remove-one").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.GREETER, MIXED_CASE);
            Map<String, String> before = listed(layout);

            uninstall(layout, spec, TestPackages.GREETER);
            Map<String, String> expected = new TreeMap<>(before);
            expected.remove(TestPackages.GREETER);
            assertEquals(expected, listed(layout));
            Map<String, String> env = layout.activate(processEnvironment());
            assertEquals(Optional.empty(), layout.findExecutable(TestPackages.GREETER_SCRIPT, env)
                    .filter(p -> p.startsWith(layout.root())), "its console script went with it");
            assertFalse(runPython(layout, "import isoenv_demo_greeter").isSuccess(), "it no longer imports");
            Path hello = layout.findExecutable(TestPackages.HELLO_SCRIPT, env).orElseThrow();
            assertEquals(TestPackages.helloGreeting("1.1"), stdout(run(env, hello.toString())), "its dependency stays");
        }

        @Test
        @DisplayName("removes several distributions in one call, by normalized name, and leaves pip")
        void removesSeveralByNormalizedName() {
            EnvironmentSpec spec = spec("remove-several").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.HELLO, MIXED_CASE);
            assertTrue(listed(layout).containsKey(MIXED_CASE_NORMALIZED), () -> listed(layout).toString());

            uninstall(layout, spec, MIXED_CASE_NORMALIZED, TestPackages.HELLO);
            Map<String, String> after = listed(layout);
            assertFalse(after.containsKey(MIXED_CASE_NORMALIZED), after::toString);
            assertFalse(after.containsKey(TestPackages.HELLO), after::toString);
            assertTrue(after.containsKey("pip"), after::toString);
            assertFalse(runPython(layout, "import " + MIXED_CASE_MODULE).isSuccess(), "it no longer imports");
        }
    }

    /** {@link Installer#list}: what is installed, as isoenv compares it with the specification. */
    @Nested
    @DisplayName("list()")
    public class ListDistributions {
        @Test
        @DisplayName("on a new environment, agrees with what the environment's python sees")
        void agreesOnANewEnvironment() {
            EnvironmentLayout layout = createEnvironment("fresh");
            assertEquals(seenByPython(layout), listed(layout));
        }

        @Test
        @DisplayName("agrees with what is on disk after an install and after an uninstall")
        void agreesAfterInstallAndUninstall() {
            EnvironmentSpec spec = spec("changes").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.GREETER);
            Map<String, String> installed = listed(layout);
            assertEquals("1.0", installed.get(TestPackages.GREETER), installed::toString);
            assertEquals("1.1", installed.get(TestPackages.HELLO), installed::toString);
            assertEquals(seenByPython(layout), installed);

            uninstall(layout, spec, TestPackages.GREETER);
            Map<String, String> after = listed(layout);
            assertFalse(after.containsKey(TestPackages.GREETER), after::toString);
            assertEquals(seenByPython(layout), after);
        }

        @Test
        @DisplayName("normalizes names and reports versions exactly as installed, local labels included")
        void normalizesNamesAndKeepsVersionsExact() {
            EnvironmentSpec spec = spec("names").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, MIXED_CASE);
            InstalledDistribution mixed = backend().list(layout).stream()
                    .filter(d -> d.normalizedName().equals(MIXED_CASE_NORMALIZED)).findFirst()
                    .orElseThrow(() -> new AssertionError(MIXED_CASE_NORMALIZED + " is not listed: "
                            + backend().list(layout)));
            assertEquals(MIXED_CASE_NORMALIZED, Requirement.normalize(mixed.name()));
            assertEquals(MIXED_CASE_VERSION, mixed.version(), "not 1.0, not 1.0.0");
            assertEquals(seenByPython(layout), listed(layout));
        }
    }

    /** {@link EnvironmentLayout#activate}: the variables a process in the environment gets. */
    @Nested
    @DisplayName("activation variables")
    public class Variables {
        @Test
        @DisplayName("put the scripts directory first on PATH, where the environment's python is found")
        void scriptsDirectoryComesFirstOnPath() {
            EnvironmentLayout layout = createEnvironment("path");
            Map<String, String> base = hostileBase();
            Map<String, String> env = layout.activate(base);
            String separator = File.pathSeparator;
            List<String> entries = List.of(env.get(pathKey(env)).split(Pattern.quote(separator)));
            List<String> expected = layout.pathEntries().stream().map(Path::toString).collect(Collectors.toList());
            assertEquals(expected, entries.subList(0, expected.size()), "the environment's directories come first");
            assertTrue(layout.pathEntries().contains(layout.scriptsDirectory()), layout::toString);
            if (!isWindows()) {
                assertEquals(layout.scriptsDirectory().toString(), entries.get(0));
            }
            assertTrue(layout.pathEntries().contains(layout.python().getParent()),
                    () -> layout.python() + " is not in a directory on PATH");
            assertEquals(layout.python(), layout.findExecutable("python", env).orElseThrow());
        }

        @Test
        @DisplayName("set VIRTUAL_ENV or CONDA_PREFIX as the layout's kind says, and the kind matches the disk")
        void setTheActivationVariableOfTheRightKind() {
            EnvironmentLayout layout = createEnvironment("kind");
            Map<String, String> env = layout.activate(hostileBase());
            if (layout.kind() == EnvironmentLayout.Kind.VIRTUAL_ENVIRONMENT) {
                assertEquals(layout.root().toString(), env.get("VIRTUAL_ENV"));
                assertFalse(env.containsKey("CONDA_PREFIX"), "another environment's prefix is removed");
                assertTrue(Files.isRegularFile(layout.root().resolve("pyvenv.cfg")),
                        "a virtual environment has pyvenv.cfg at its root");
            } else {
                assertEquals(layout.root().toString(), env.get("CONDA_PREFIX"));
                assertFalse(env.containsKey("VIRTUAL_ENV"), "another environment's variable is removed");
                assertTrue(Files.isDirectory(layout.root().resolve("conda-meta")),
                        "a conda prefix has conda-meta at its root");
            }
        }

        @Test
        @DisplayName("remove PYTHONHOME and PYTHONPATH, and keep unrelated variables")
        void removePythonHomeAndPythonPath() {
            EnvironmentLayout layout = createEnvironment("removed");
            Map<String, String> base = hostileBase();
            base.put("ISOENV_KIT_UNRELATED", "kept");
            Map<String, String> env = layout.activate(base);
            assertFalse(env.containsKey("PYTHONHOME"), env::toString);
            assertFalse(env.containsKey("PYTHONPATH"), env::toString);
            assertEquals("kept", env.get("ISOENV_KIT_UNRELATED"));
            String seen = stdout(run(env, layout.python().toString(), "-c", "import os;"
                    + " print(os.environ.get('PYTHONHOME', '-') + ' ' + os.environ.get('PYTHONPATH', '-'))"));
            assertEquals("- -", seen, "the environment's python starts without them");
        }
    }

    /** Running the environment's python with the activated variables, as {@code Environment.run} does. */
    @Nested
    @DisplayName("run")
    public class Run {
        @Test
        @DisplayName("python -c sees only the environment: its prefix, its variables and its site-packages")
        void pythonSeesOnlyTheEnvironment() {
            EnvironmentLayout layout = createEnvironment("isolated");
            String script = "import os, site, sys\n"
                    + "print(sys.prefix)\n"
                    + "print(os.environ.get('VIRTUAL_ENV') or os.environ.get('CONDA_PREFIX'))\n"
                    + "user = site.getusersitepackages() if site.ENABLE_USER_SITE else None\n"
                    + "for p in sys.path:\n"
                    + "    if p and p != user and os.path.basename(p) in ('site-packages', 'dist-packages'):\n"
                    + "        print(os.path.realpath(p))\n";
            List<String> lines = lines(requireSuccess(runPython(layout, hostileBase(), script)));
            assertEquals(real(layout.root()), real(lines.get(0)), "the environment's python ran, with its prefix");
            assertEquals(layout.root().toString(), lines.get(1));
            for (String dir : lines.subList(2, lines.size())) {
                assertTrue(Path.of(dir).startsWith(real(layout.root())), () -> "the host's " + dir + " is on sys.path");
            }
            assertTrue(lines.subList(2, lines.size()).contains(real(layout.sitePackages()).toString()),
                    () -> "site-packages is on sys.path: " + lines);
        }

        @Test
        @DisplayName("an installed package imports from the environment's site-packages, not from PYTHONPATH")
        void anInstalledPackageImports() {
            EnvironmentSpec spec = spec("imports").build();
            EnvironmentLayout layout = create(spec).layout();
            install(layout, spec, TestPackages.HELLO + "==1.0");
            List<String> lines = lines(requireSuccess(runPython(layout, hostileBase(), "import os, "
                    + TestPackages.HELLO_MODULE + " as m; print(m.__version__); print(os.path.realpath(m.__file__))")));
            assertEquals("1.0", lines.get(0), "not the decoy on PYTHONPATH");
            assertTrue(Path.of(lines.get(1)).startsWith(real(layout.sitePackages())), lines::toString);
        }

        @Test
        @DisplayName("a python started by name from inside the environment is the environment's")
        void pythonByNameIsTheEnvironments() {
            EnvironmentLayout layout = createEnvironment("by-name");
            String prefix = stdout(runPython(layout, hostileBase(), "import subprocess, sys;"
                    + " r = subprocess.run(['python', '-c', 'import sys; print(sys.prefix)'],"
                    + " stdout=subprocess.PIPE, universal_newlines=True); print(r.stdout.strip()); sys.exit(r.returncode)"));
            assertNotEquals("host-python", prefix, "python on the activated PATH is the host's");
            assertEquals(real(layout.root()), real(prefix));
        }
    }

    private static String pathKey(Map<String, String> env) {
        for (String key : env.keySet()) {
            if (key.equalsIgnoreCase("PATH")) {
                return key;
            }
        }
        return "PATH";
    }
}
