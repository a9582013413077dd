package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.Availability;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.version.Version;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend's readers against what a real uv 0.11.15 printed on x86_64 Linux (the captures in
 * {@code src/test/resources/real-uv-0.11.15}, whose README says how each was made). Each capture is given to the code
 * that reads it in production: the version check, {@code uv venv}'s interpreter line, the progress events of
 * {@code uv pip install}, and the typed exceptions and advice of a failure. uv writes all of this to standard error,
 * except {@code uv --version} and the JSON of {@code uv pip list}, which go to standard output; the machine's
 * {@code UV_NATIVE_TLS} made it print two {@code warning:} lines before everything else, and they are kept.
 */
class RealUvOutputTest {
    private static final String PASSWORD = "s3cr3t-pw";

    @TempDir
    Path dir;

    private final ScriptedRunner uv = new ScriptedRunner();
    private final List<EnsureEvent> events = new ArrayList<>();
    private final List<String> output = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private Path uvExe;
    private Path root;

    @BeforeEach
    void machine() throws IOException {
        root = dir.resolve("envs").resolve("tool");
        machine.put("PATH", "/usr/bin:/bin");
        machine.put("HOME", dir.resolve("home").toString());
        machine.put("UV_NATIVE_TLS", "1");
        Path bin = Files.createDirectories(dir.resolve("uv-bin"));
        uvExe = Files.writeString(bin.resolve("uv"), "");
        assertTrue(uvExe.toFile().setExecutable(true));
        uv.reply("version", 0, Fixtures.real("version.txt").output(), "");
    }

    private EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(root).python("3.12").pip(false).backendOption("uv.path", uvExe.toString());
    }

    private BackendContext context(EnvironmentSpec spec) {
        return new BackendContext(spec, uv.runner(), (stream, line) -> output.add(line), events::add, machine)
                .withSecretsOf(spec.indexes());
    }

    private static UvInstaller installer() {
        return new UvInstaller(OperatingSystem.LINUX, CommandRunnerThatFails.INSTANCE, name -> null);
    }

    private EnvironmentLayout layout() {
        return EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.12/site-packages"),
                OperatingSystem.LINUX);
    }

    /** Runs {@code install()} of {@code requirements} while uv answers with the capture. */
    private void install(String capture, EnvironmentSpec spec, String... requirements) {
        Fixtures.Capture real = Fixtures.real(capture);
        uv.reply("pip install", real.exitCode(), "", real.output());
        List<Requirement> parsed = new ArrayList<>();
        for (String r : requirements) {
            parsed.add(Requirement.parse(r));
        }
        InstallStep step = InstallStep.builder("requirements").requirements(parsed).indexes(spec.indexes()).build();
        installer().install(layout(), step, context(spec));
    }

    private InstallationException failedInstall(String capture, String... requirements) {
        EnvironmentSpec spec = spec().build();
        return assertThrows(InstallationException.class, () -> install(capture, spec, requirements));
    }

    private List<PackageProgress> progress() {
        return events.stream().filter(PackageProgress.class::isInstance).map(PackageProgress.class::cast)
                .collect(Collectors.toList());
    }

    private PackageProgress installed(String name, String version) {
        return new PackageProgress(root, name, version, Phase.INSTALLED, -1, -1);
    }

    private static ProcessResult result(String capture) {
        Fixtures.Capture real = Fixtures.real(capture);
        return new ProcessResult(List.of("uv"), real.exitCode(), "", real.output(), List.of(), Duration.ZERO);
    }

    private static final class CommandRunnerThatFails {
        static final dev.isoenv.spi.CommandRunner INSTANCE = request -> {
            throw new AssertionError("only the context's runner may start uv: " + request.command());
        };
    }

    // uv --version, uv self version --output-format json

    @Test
    void theVersionLineOfThisBuildIsReadAndPassesTheMinimum() {
        Fixtures.Capture version = Fixtures.real("version.txt");
        assertEquals("uv 0.11.15 (x86_64-unknown-linux-gnu)", version.output().strip(), "no commit, no date");
        assertEquals(Optional.of(Version.parse("0.11.15")), UvLocator.parseVersion(version.output()));

        Availability availability = new UvInstaller(OperatingSystem.LINUX, uv.runner(),
                name -> name.equals(UvLocator.PROPERTY) ? uvExe.toString() : null).availability();
        assertTrue(availability.isAvailable(), availability::toString);
        assertEquals("uv 0.11.15 at " + uvExe + " (named by the system property isoenv.uv)", availability.detail());
    }

    @Test
    void theVersionReadIsTheOneUvReportsInJson() {
        String json = Fixtures.real("self-version-json.txt").output();
        assertTrue(json.startsWith("warning: The `UV_NATIVE_TLS` environment variable is deprecated"), json);
        Map<String, String> self = jsonStrings(json);
        assertEquals("x86_64-unknown-linux-gnu", self.get("target_triple"));
        assertEquals(UvLocator.parseVersion(Fixtures.real("version.txt").output()).map(Version::toString),
                Optional.of(self.get("version")));
    }

    // uv venv

    @Test
    void uvVenvsInterpreterLineGivesTheVersionAndTheBaseInterpreterDespiteTheWarnings() {
        Fixtures.Capture venv = Fixtures.real("venv.txt");
        assertEquals(0, venv.exitCode());
        assertEquals(Optional.of(new UvOutputParser.Interpreter("CPython", "3.12.3", Optional.of(Path.of(
                "/usr/bin/python3")))), UvOutputParser.interpreter(venv.output()));

        uv.reply("venv", 0, "", venv.output(), r -> {
            // pyvenv.cfg with the keys and values of the one this uv wrote in the capture, and the interpreter.
            write(root.resolve("pyvenv.cfg"), "home = /usr/bin\nimplementation = CPython\nuv = 0.11.15\n"
                    + "version_info = 3.12.3\ninclude-system-site-packages = false\n");
            write(root.resolve("bin/python"), "");
        });
        EnvironmentSpec spec = spec().build();
        CreatedEnvironment created = installer().create(spec, context(spec));

        assertEquals("3.12.3", created.pythonVersion());
        assertEquals("/usr/bin/python3", created.baseInterpreter());
        assertEquals(root.resolve("lib/python3.12/site-packages"), created.layout().sitePackages());
        assertTrue(events.contains(new EnsureEvent.InterpreterFound(root, "/usr/bin/python3", "3.12.3")),
                events::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"venv-no-interpreter.txt:3.99", "venv-no-interpreter-downloads-never.txt:3.7"})
    void aPythonThatIsNowhereIsAPythonNotFoundExceptionThatSaysHowToGetIt(String captureAndVersion) {
        String capture = captureAndVersion.substring(0, captureAndVersion.indexOf(':'));
        String python = captureAndVersion.substring(captureAndVersion.indexOf(':') + 1);
        Fixtures.Capture venv = Fixtures.real(capture);
        assertEquals(2, venv.exitCode());
        assertTrue(UvFailureAdvice.pythonMissing(result(capture)));
        uv.reply("venv", venv.exitCode(), "", venv.output());
        EnvironmentSpec spec = spec().python(python).build();

        PythonNotFoundException e = assertThrows(PythonNotFoundException.class,
                () -> installer().create(spec, context(spec)));

        assertTrue(e.getMessage().contains("uv found no Python " + python + " for " + root), e::getMessage);
        assertTrue(e.getMessage().contains("uv python install " + python), e::getMessage);
        assertTrue(e.getMessage().contains("pythonDownloads(true)"), e::getMessage);
        assertTrue(e.getMessage().contains("No interpreter found for Python " + python + " in search path"),
                e::getMessage);
    }

    // uv pip install that succeeds

    @Test
    void anInstallReportsEachInstalledDistributionOnceAndNothingForStatusOrWarningLines() {
        install("pip-install.txt", spec().build(), "alpha");
        assertEquals(List.of(installed("alpha", "1.0"), installed("beta", "2.0")), progress());
        assertTrue(output.contains("Resolved 2 packages in 3ms"), "uv's lines reach the output listener");
    }

    @Test
    void anInstallWithNothingToDoSucceedsWithoutProgress() {
        Fixtures.Capture checked = Fixtures.real("pip-install-checked.txt");
        assertTrue(checked.output().contains("Checked 1 package in"), checked::output);
        install("pip-install-checked.txt", spec().build(), "alpha");
        assertEquals(List.of(), progress());
    }

    @Test
    void aDirectUrlReinstallReportsTheNewInstallOnly() {
        install("pip-install-direct-url-reinstall.txt", spec().build(),
                "alpha @ file:///tmp/wh/alpha-1.0-py3-none-any.whl");
        assertEquals(List.of(installed("alpha", "1.0")), progress(), "' - alpha==1.0' is no install");
    }

    @Test
    void whatTheEventsSayWasInstalledIsWhatUvListsAfterwards() {
        // isoenv's list() reads site-packages and never runs `uv pip list`; uv's own list, captured after these two
        // installs, is the answer that the progress events must agree with.
        install("pip-install.txt", spec().build(), "alpha");
        install("pip-install-direct-url-reinstall.txt", spec().build(),
                "alpha @ file:///tmp/wh/alpha-1.0-py3-none-any.whl");
        Map<String, String> fromEvents = new LinkedHashMap<>();
        progress().forEach(p -> fromEvents.put(p.name(), p.version()));

        String list = Fixtures.real("pip-list-json.txt").output();
        Map<String, String> listed = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\{\"name\":\"([^\"]+)\",\"version\":\"([^\"]+)\"}").matcher(list);
        while (m.find()) {
            listed.put(m.group(1), m.group(2));
        }
        assertEquals(Map.of("alpha", "1.0", "beta", "2.0"), listed);
        assertEquals(listed, fromEvents);
    }

    // uv pip install that fails

    @ParameterizedTest
    @ValueSource(strings = {"pip-install-no-such-version.txt", "pip-install-no-such-package.txt",
            "pip-install-missing-dependency.txt", "pip-install-constraint-conflict.txt"})
    void everyNoSolutionReportIsAResolutionFailureNeverANetworkOrBuildOne(String capture) {
        assertEquals(UvFailureAdvice.Problem.RESOLUTION, UvFailureAdvice.classify(result(capture)));

        InstallationException e = failedInstall(capture, "alpha");

        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("uv's explanation is below"), e::getMessage);
        assertFalse(e.getMessage().contains("could not be reached"), e::getMessage);
        assertFalse(e.getMessage().contains("Building a package"), e::getMessage);
        assertTrue(String.join("\n", e.outputTail()).contains("No solution found when resolving dependencies"),
                e.outputTail()::toString);
    }

    @Test
    void aNameOrDependencyThatNoLocationHasIsSaidSo() {
        for (String capture : List.of("pip-install-no-such-package.txt", "pip-install-missing-dependency.txt")) {
            String advice = UvFailureAdvice.adviceFor(result(capture));
            assertTrue(advice.startsWith("No index offered a distribution that the requirements need"), advice);
        }
        InstallationException e = failedInstall("pip-install-missing-dependency.txt", "gamma");
        assertTrue(e.getMessage().contains("missing-dep was not found in the provided package locations"),
                e::getMessage);
    }

    @Test
    void aMissingVersionOrAConflictingConstraintIsExplainedAsUnsatisfiable() {
        for (String capture : List.of("pip-install-no-such-version.txt", "pip-install-constraint-conflict.txt")) {
            String advice = UvFailureAdvice.adviceFor(result(capture));
            assertTrue(advice.startsWith("No set of versions satisfies the requirements"), advice);
            assertTrue(advice.contains("a version may not exist") && advice.contains("constraints"), advice);
        }
        InstallationException e = failedInstall("pip-install-constraint-conflict.txt", "alpha", "beta>=2");
        assertTrue(e.getMessage().contains("Because you require beta>=2 and beta<1"), e::getMessage);
    }

    @Test
    void aPhraseThatUvsWrappingSplitsIsStillRead() {
        // Derived: the real report of pip-install-no-such-package.txt for a longer name, wrapped at 80 columns as
        // uv wraps it, which puts a line break inside "not found in the provided package locations".
        String wrapped = "  × No solution found when resolving dependencies:\n"
                + "  ╰─▶ Because opentelemetry-instrumentation-aiohttp was not found in the\n"
                + "      provided package locations and you require\n"
                + "      opentelemetry-instrumentation-aiohttp, we can conclude that your\n"
                + "      requirements are unsatisfiable.\n";
        ProcessResult result = new ProcessResult(List.of("uv"), 1, "", wrapped, List.of(), Duration.ZERO);
        assertEquals(UvFailureAdvice.Problem.RESOLUTION, UvFailureAdvice.classify(result));
        assertTrue(UvFailureAdvice.adviceFor(result).startsWith("No index offered"), UvFailureAdvice.adviceFor(result));
    }

    @Test
    void aSourceBuildWhoseBuildRequirementsAreMissingIsABuildFailure() {
        ProcessResult result = result("pip-install-build-failure.txt");
        assertEquals(UvFailureAdvice.Problem.BUILD, UvFailureAdvice.classify(result),
                "its report ends with a 'No solution found', but for the build's own requirements");

        InstallationException e = failedInstall("pip-install-build-failure.txt", "broken");

        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("Building a package from source failed"), e::getMessage);
        assertTrue(e.getMessage().contains("Its build requirements could not be found"), e::getMessage);
        assertTrue(e.getMessage().contains("pin a version that has a wheel"), e::getMessage);
        assertTrue(e.getMessage().contains("Failed to download and build `broken==1.0`"), e::getMessage);
    }

    @Test
    void aRefusedConnectionIsANetworkProblemThatNamesTheIndexWithoutItsPassword() {
        Fixtures.Capture refused = Fixtures.real("pip-install-connection-refused.txt");
        assertTrue(refused.command().contains("user:" + PASSWORD + "@127.0.0.1:9"), "the index had credentials");
        assertFalse(refused.output().contains(PASSWORD), "and uv did not echo them");
        assertFalse(refused.output().contains("user:"), "nor the user name");
        ProcessResult result = result("pip-install-connection-refused.txt");
        assertEquals(UvFailureAdvice.Problem.UNREACHABLE, UvFailureAdvice.classify(result));
        assertNotEquals(UvFailureAdvice.Problem.RESOLUTION, UvFailureAdvice.classify(result));

        EnvironmentSpec spec = spec().indexes(PackageIndexes.builder()
                .indexUrl("http://user:" + PASSWORD + "@127.0.0.1:9/simple").build()).build();
        InstallationException e = assertThrows(InstallationException.class,
                () -> install("pip-install-connection-refused.txt", spec, "zzz"));

        assertEquals(2, e.exitCode());
        assertEquals("http://user:" + PASSWORD + "@127.0.0.1:9/simple",
                uv.only("pip install").environment().orElseThrow().get("UV_DEFAULT_INDEX"));
        assertTrue(e.getMessage().contains("An index or download could not be reached"), e::getMessage);
        assertTrue(e.getMessage().contains("Check the index URLs"), e::getMessage);
        assertFalse(e.getMessage().contains("No set of versions") || e.getMessage().contains("No index offered"),
                e::getMessage);
        assertTrue(e.getMessage().contains("Failed to fetch: `http://127.0.0.1:9/simple/zzz/`"), e::getMessage);
        assertTrue(e.getMessage().contains("Connection refused (os error 111)"), e::getMessage);
        assertFalse(e.getMessage().contains(PASSWORD), e::getMessage);
        assertFalse(String.join("\n", output).contains(PASSWORD));
    }

    @Test
    void anEnvironmentThatVanishedIsNeitherAMissingPythonNorUnexplained() {
        ProcessResult result = result("pip-install-no-environment.txt");
        assertEquals(UvFailureAdvice.Problem.NO_ENVIRONMENT, UvFailureAdvice.classify(result));
        assertFalse(UvFailureAdvice.pythonMissing(result), "no Python request failed: the environment is gone");

        InstallationException e = failedInstall("pip-install-no-environment.txt", "alpha");

        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("uv found no environment at the path it was given"), e::getMessage);
        assertTrue(e.getMessage().contains("Run ensure() again"), e::getMessage);
        assertFalse(e.getMessage().contains("See uv's output below"), e::getMessage);
    }

    // uv pip uninstall

    @Test
    void anUninstallSucceedsAndReportsNoInstall() {
        Fixtures.Capture uninstall = Fixtures.real("pip-uninstall.txt");
        uv.reply("pip uninstall", uninstall.exitCode(), "", uninstall.output());
        EnvironmentSpec spec = spec().build();

        installer().uninstall(layout(), List.of("beta"), context(spec));

        assertEquals(List.of(uvExe.toString(), "pip", "uninstall", "--no-progress", "--color", "never", "--python",
                root.toString(), "--", "beta"), uv.only("pip uninstall").command());
        assertTrue(output.contains(" - beta==2.0"), output::toString);
    }

    @Test
    void uninstallingWhatIsNotInstalledIsTolerated() {
        Fixtures.Capture missing = Fixtures.real("pip-uninstall-not-installed.txt");
        assertEquals(0, missing.exitCode());
        assertTrue(missing.output().contains("warning: Skipping notinstalled as it is not installed"));
        uv.reply("pip uninstall", missing.exitCode(), "", missing.output());
        EnvironmentSpec spec = spec().build();

        installer().uninstall(layout(), List.of("notinstalled"), context(spec));

        assertTrue(output.contains("warning: No packages to uninstall"), output::toString);
    }

    /** The string members of the flat JSON objects in {@code text}, such as {@code "version": "0.11.15"}. */
    private static Map<String, String> jsonStrings(String text) {
        Map<String, String> members = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            members.put(m.group(1), m.group(2));
        }
        return members;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
