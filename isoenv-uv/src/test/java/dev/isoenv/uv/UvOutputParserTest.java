package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.OutputListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * uv's status lines, from the fixtures of its real output, become package progress events; what a dry run would
 * install is read from its lines.
 */
class UvOutputParserTest {
    private static final Path ENV = Path.of("/work/envs/tool");
    private static final long GIB = 1024L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;

    private static List<PackageProgress> parse(String fixture) {
        List<PackageProgress> events = new ArrayList<>();
        UvOutputParser parser = new UvOutputParser(ENV, events::add);
        for (String line : Fixtures.read(fixture).split("\\R")) {
            parser.onLine(OutputListener.Stream.STDERR, line);
        }
        return events;
    }

    private static PackageProgress event(String name, String version, Phase phase, long done, long total) {
        return new PackageProgress(ENV, name, version, phase, done, total);
    }

    @Test
    void downloadsBuildsAndInstallsBecomeEvents() {
        assertEquals(List.of(
                event("torch", "", Phase.DOWNLOADING, 0, Math.round(2.4 * GIB)),
                event("numpy", "", Phase.DOWNLOADING, 0, Math.round(15.6 * MIB)),
                event("tqdm", "", Phase.DOWNLOADING, 0, -1),
                event("example", "", Phase.DOWNLOADING, -1, -1),
                event("numpy", "", Phase.DOWNLOADING, Math.round(15.6 * MIB), Math.round(15.6 * MIB)),
                event("torch", "", Phase.DOWNLOADING, Math.round(2.4 * GIB), Math.round(2.4 * GIB)),
                event("example", "0.1.0", Phase.INSTALLED, -1, -1),
                event("numpy", "2.1.3", Phase.INSTALLED, -1, -1),
                event("torch", "2.5.1+cu124", Phase.INSTALLED, -1, -1),
                event("tqdm", "4.67.1", Phase.INSTALLED, -1, -1)), parse("pip-install-progress.txt"));
    }

    @Test
    void anUpgradeReportsTheNewVersionOnly() {
        assertEquals(List.of(event("anyio", "4.0.0", Phase.INSTALLED, -1, -1)), parse("pip-install-upgrade.txt"));
    }

    @Test
    void aPackageFromAUrlKeepsItsVersion() {
        assertEquals(List.of(event("black", "0.1.0", Phase.INSTALLED, -1, -1)), parse("pip-install-editable.txt"));
    }

    @Test
    void errorsAndUninstallsGiveNoEventAndNothingThrows() {
        assertEquals(List.of(), parse("pip-install-missing-dependency.txt"));
        assertEquals(List.of(), parse("pip-install-build-failure.txt"));
        assertEquals(List.of(), parse("pip-uninstall.txt"));
        new UvOutputParser(ENV, e -> {
            throw new IllegalStateException("a listener that fails");
        }).onLine(OutputListener.Stream.STDERR, " + a==1");
    }

    /** Each dry-run fixture and the distributions it says uv would install, as "name version", in uv's order. */
    static Stream<Arguments> dryRuns() {
        return Stream.of(
                Arguments.of("pip-install-dry-run.txt", List.of("anyio 4.3.0", "certifi 2024.2.2", "h11 0.14.0",
                        "httpcore 1.0.4", "httpx 0.25.1", "idna 3.6", "sniffio 1.3.1")),
                // What is installed already is not listed: only what the step adds.
                Arguments.of("pip-install-dry-run-transitive.txt", List.of("anyio 4.3.0", "httpx 0.25.1",
                        "idna 3.6", "sniffio 1.3.1")),
                // The version that goes is not listed, the one that comes is.
                Arguments.of("pip-install-dry-run-upgrade.txt", List.of("httpx 0.25.1")),
                Arguments.of("pip-install-dry-run-from-url.txt", List.of("anyio 4.3.0")),
                // A source archive's URL has no version before it is built: left out, still counted.
                Arguments.of("pip-install-dry-run-url.txt", List.of("idna 3.6", "sniffio 1.3.1")),
                Arguments.of("pip-sync-dry-run-yanked.txt", List.of("colorama 0.4.2")),
                // A cached URL distribution, a wheel's URL (its file name's version, %2B decoded), a reinstall.
                Arguments.of("pip-install-dry-run-derived.txt", List.of("pillow 11.0.0", "torch 2.8.0+cu126",
                        "torchvision 0.23.0+cu126")),
                Arguments.of("pip-install-dry-run-no-changes.txt", List.of()),
                Arguments.of("pip-install-dry-run-no-changes-0.5.29.txt", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dryRuns")
    void aDryRunTellsWhatWouldBeInstalledWithVersions(String fixture, List<String> expected) {
        List<InstalledDistribution> resolved = UvOutputParser.dryRun(Fixtures.read(fixture)).orElseThrow(
                () -> new AssertionError(fixture + " was not understood"));
        assertEquals(expected, resolved.stream().map(d -> d.name() + " " + d.version()).collect(Collectors.toList()));
    }

    @Test
    void aDryRunWhoseLinesDoNotAddUpOrThatIsNoDryRunIsNotUnderstood() {
        String full = Fixtures.read("pip-install-dry-run.txt");
        List<String> lines = new ArrayList<>(Arrays.asList(full.split("\\R")));
        lines.remove(lines.size() - 1);
        assertEquals(Optional.empty(), UvOutputParser.dryRun(String.join("\n", lines)),
                "a list cut short (output beyond the capture limit) is not taken as the whole resolution");
        assertEquals(Optional.empty(), UvOutputParser.dryRun(Fixtures.read("pip-install-progress.txt")),
                "an install's output says nothing of a dry run");
        assertEquals(Optional.empty(), UvOutputParser.dryRun(""));
        assertEquals(Optional.empty(), UvOutputParser.dryRun(full.replace(" + idna==3.6", " + idna = 3.6")),
                "a line in an unknown form");
    }

    @Test
    void aWheelsVersionComesFromItsFileName() {
        assertEquals(Optional.of("2.5.1+cu124"), UvOutputParser.wheelVersion(
                "https://download.pytorch.org/whl/cu124/torch-2.5.1%2Bcu124-cp312-cp312-linux_x86_64.whl"));
        assertEquals(Optional.of("2.5.1+cpu"), UvOutputParser.wheelVersion(
                "file:///wheels/torch-2.5.1+cpu-cp312-cp312-linux_x86_64.whl"));
        assertEquals(Optional.of("1.0"), UvOutputParser.wheelVersion(
                "https://h.example/p/alpha-1.0-1build-py3-none-any.whl?token=x#sha256=ab"), "with a build tag");
        assertEquals(Optional.empty(), UvOutputParser.wheelVersion("https://h.example/anyio-4.2.0.tar.gz"));
        assertEquals(Optional.empty(), UvOutputParser.wheelVersion("git+https://h.example/repo.git@v1"));
        assertEquals(Optional.empty(), UvOutputParser.wheelVersion("https://h.example/not-a-wheel.whl"));
        assertEquals(Optional.empty(), UvOutputParser.wheelVersion("https://h.example/bad%zz-1-py3-none-any.whl"));
    }

    @Test
    void sizesAreBinaryUnits() {
        assertEquals(1024, UvOutputParser.bytes("1", "Ki"));
        assertEquals(Math.round(1.5 * 1024), UvOutputParser.bytes("1.5", "Ki"));
        assertEquals(MIB, UvOutputParser.bytes("1.0", "Mi"));
        assertEquals(512, UvOutputParser.bytes("512", null));
    }

    @Test
    void readsTheInterpreterOfUvVenv() {
        UvOutputParser.Interpreter system = UvOutputParser.interpreter(Fixtures.read("venv-system-python.txt"))
                .orElseThrow();
        assertEquals("CPython", system.implementation());
        assertEquals("3.12.4", system.version());
        assertEquals(Optional.of(Path.of("/usr/bin/python3.12")), system.path());

        UvOutputParser.Interpreter managed = UvOutputParser.interpreter(Fixtures.read("venv-managed-python.txt"))
                .orElseThrow();
        assertEquals(Optional.empty(), managed.path());
        assertEquals("uv-managed CPython 3.12.4", managed.describe());

        UvOutputParser.Interpreter threaded = UvOutputParser.interpreter("Using CPython 3.13.1+freethreaded\n")
                .orElseThrow();
        assertEquals("3.13.1", threaded.version());
        assertTrue(UvOutputParser.interpreter(Fixtures.read("venv-no-interpreter.txt")).isEmpty());
    }
}
