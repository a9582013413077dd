package dev.isoenv.uv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import dev.isoenv.OutputListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** uv's status lines, from the fixtures of its real output, become package progress events. */
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
