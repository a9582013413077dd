package dev.isoenv.internal.pip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnsureEvent;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import dev.isoenv.OutputListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads real pip output (see {@code pip-output/README.md}) and a few made-up lines pip could print. */
class PipProgressParserTest {
    private static final Path LOCATION = Path.of("envs", "demo").toAbsolutePath();

    @Test
    void pip24RawProgressGivesExactBytesForTheCurrentDownload() throws IOException {
        assertEquals(List.of(
                "RESOLVING jedi",
                "DOWNLOADING jedi 0.20.0 0/4900000",
                "DOWNLOADING jedi 0.20.0 0/4884812",
                "DOWNLOADING jedi 0.20.0 262144/4884812",
                "DOWNLOADING jedi 0.20.0 1048576/4884812",
                "DOWNLOADING jedi 0.20.0 1835008/4884812",
                "DOWNLOADING jedi 0.20.0 2621440/4884812",
                "DOWNLOADING jedi 0.20.0 3407872/4884812",
                "DOWNLOADING jedi 0.20.0 4194304/4884812",
                "DOWNLOADING jedi 0.20.0 4884812/4884812",
                "RESOLVING six",
                "DOWNLOADING six 1.17.0 0/11000",
                "RESOLVING idna",
                "DOWNLOADING idna 3.20 0/69000",
                "RESOLVING parso",
                "DOWNLOADING parso 0.8.7 0/107000",
                "INSTALLING six 1.17.0",
                "INSTALLING parso 0.8.7",
                "INSTALLING idna 3.20",
                "INSTALLING jedi 0.20.0",
                "INSTALLED idna 3.20",
                "INSTALLED jedi 0.20.0",
                "INSTALLED parso 0.8.7",
                "INSTALLED six 1.17.0"), summary(parse("pip-24.2-raw-download.txt")));
    }

    @Test
    void pip26PrintsOnlyFileNamesAndGivesTheSameOutcome() throws IOException {
        List<PackageProgress> events = parse("pip-26.2.1-raw-download.txt");
        List<String> summary = summary(events);
        assertEquals("DOWNLOADING jedi 0.20.0 0/4900000", summary.get(1));
        assertEquals("DOWNLOADING jedi 0.20.0 4884812/4884812", summary.get(10));
        assertEquals(List.of("INSTALLED idna 3.20", "INSTALLED jedi 0.20.0", "INSTALLED parso 0.8.7",
                "INSTALLED six 1.17.0"), summary.subList(summary.size() - 4, summary.size()));
        assertTrue(events.stream().allMatch(e -> e.location().equals(LOCATION)));
    }

    @Test
    void pip23WithoutProgressBarsGivesRoundedSizesOnly() throws IOException {
        List<PackageProgress> events = parse("pip-23.2.1-off-download.txt");
        assertTrue(events.stream().noneMatch(e -> e.bytesDone() > 0), "no byte counts without a progress bar");
        List<String> summary = summary(events);
        assertTrue(summary.contains("DOWNLOADING jedi 0.20.0 0/4900000"), summary.toString());
        assertTrue(summary.contains("DOWNLOADING charset_normalizer 3.5.2 0/269000"), summary.toString());
        assertTrue(summary.contains("DOWNLOADING certifi 2026.7.22 0/136000"), summary.toString());
        assertEquals(List.of(
                "INSTALLED certifi 2026.7.22",
                "INSTALLED charset_normalizer 3.5.2",
                "INSTALLED idna 3.20",
                "INSTALLED jedi 0.20.0",
                "INSTALLED parso 0.8.7",
                "INSTALLED requests 2.34.2",
                "INSTALLED urllib3 2.8.0"), phase(summary, Phase.INSTALLED));
        assertEquals(7, phase(summary, Phase.INSTALLING).size());
        assertTrue(phase(summary, Phase.RESOLVING).contains("RESOLVING parso"), "the requirement's specifiers go");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip-23.2.1-off-metadata-first.txt", "pip-24.2-raw-metadata-first.txt",
            "pip-26.2.1-raw-metadata-first.txt"})
    void metadataFilesAreResolvingAndTheWheelsDownloadedAfterwardsCarryTheProgress(String fixture) throws IOException {
        List<String> summary = summary(parse(fixture));
        assertTrue(summary.contains("RESOLVING jedi 0.20.0"), summary.toString());
        assertTrue(summary.contains("RESOLVING parso 0.8.7"), summary.toString());
        assertTrue(summary.stream().noneMatch(s -> s.startsWith("DOWNLOADING") && s.endsWith("/23000")),
                "jedi's 23 kB of metadata is not its download: " + summary);
        assertTrue(summary.contains("DOWNLOADING jedi 0.20.0 0/4900000"), summary.toString());
        assertTrue(summary.contains("DOWNLOADING six 1.17.0 0/11000"), summary.toString());
        for (String progress : summary) {
            if (progress.matches("DOWNLOADING .* [1-9][0-9]*/[0-9]+")) {
                assertTrue(progress.startsWith("DOWNLOADING jedi 0.20.0 "), progress);
            }
        }
        assertEquals(List.of("INSTALLED jedi 0.20.0", "INSTALLED parso 0.8.7", "INSTALLED six 1.17.0"),
                phase(summary, Phase.INSTALLED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip-24.2-raw-cached.txt", "pip-26.2.1-raw-cached.txt"})
    void aCachedFileIsACompleteDownload(String fixture) throws IOException {
        List<String> summary = summary(parse(fixture));
        assertTrue(summary.contains("DOWNLOADING jedi 0.20.0 4900000/4900000"), summary.toString());
        assertTrue(summary.contains("DOWNLOADING parso 0.8.7 107000/107000"), summary.toString());
        assertEquals(4, phase(summary, Phase.INSTALLED).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip-23.2.1-off-sdist.txt", "pip-26.2.1-raw-sdist.txt"})
    void anSdistKeepsTheNamePipFirstPrintedAndItsDashes(String fixture) throws IOException {
        List<String> summary = summary(parse(fixture));
        assertEquals("RESOLVING hello-dash-world", summary.get(0));
        assertEquals("DOWNLOADING hello-dash-world 1.0 0/485", summary.get(1), "from hello_dash_world-1.0.tar.gz");
        assertTrue(summary.contains("INSTALLING hello-dash-world 1.0"), summary.toString());
        assertTrue(summary.contains("INSTALLED hello-dash-world 1.0"), summary.toString());
        assertTrue(summary.stream().noneMatch(s -> s.contains("build")), "build steps are not packages: " + summary);
    }

    @Test
    void anAlreadySatisfiedRequirementIsInstalledWithTheVersionItHas() throws IOException {
        assertEquals(List.of(
                "INSTALLED jedi 0.20.0",
                "INSTALLED requests 2.34.2",
                "INSTALLED parso 0.8.7",
                "INSTALLED charset_normalizer 3.5.2",
                "INSTALLED idna 3.20",
                "INSTALLED urllib3 2.8.0",
                "INSTALLED certifi 2026.7.22"), summary(parse("pip-23.2.1-off-already-satisfied.txt")));
        assertEquals(4, summary(parse("pip-26.2.1-raw-already-satisfied.txt")).size());
        assertTrue(summary(parse("pip-23.2.1-off-sdist.txt")).contains("INSTALLED six 1.17.0"), "extras go too");
    }

    @Test
    void anUpgradeReportsOnlyTheNewVersionAsInstalled() throws IOException {
        assertEquals(List.of(
                "RESOLVING tomli",
                "DOWNLOADING tomli 2.4.1 0/243000",
                "INSTALLING tomli 2.4.1",
                "INSTALLED tomli 2.4.1"), summary(parse("pip-23.2.1-off-upgrade.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip-23.2.1-off-local-file.txt", "pip-26.2.1-raw-file-index.txt"})
    void aLocalFileIsResolvedFromItsName(String fixture) throws IOException {
        assertEquals(List.of("RESOLVING six 1.17.0", "INSTALLING six 1.17.0", "INSTALLED six 1.17.0"),
                summary(parse(fixture)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pip-26.2.1-raw-not-found.txt", "pip-23.2.1-raw-rejected.txt"})
    void errorsAreNoPackages(String fixture) throws IOException {
        assertEquals(List.of(), parse(fixture));
    }

    @Test
    void namesWithDashesSplitAtTheLastDash() {
        assertEquals(List.of("INSTALLED isoenv-demo-hello 1.1", "INSTALLED torch 2.5.1+cu126",
                "INSTALLED typing-extensions 4.12.2"), summary(parseLines(
                "Successfully installed isoenv-demo-hello-1.1 torch-2.5.1+cu126 typing-extensions-4.12.2")));
    }

    @Test
    void urlsOfOtherIndexesAreDecodedAndDirectReferencesNamed() {
        assertEquals(List.of(
                "RESOLVING torch",
                "DOWNLOADING torch 2.5.1+cu126 0/2400000000",
                "DOWNLOADING torch 2.5.1+cu126 1200000000/2400000000",
                "RESOLVING demo",
                "RESOLVING wheelie 1.0"), summary(parseLines(
                "Collecting torch==2.5.1+cu126",
                "  Downloading https://download.pytorch.org/whl/cu126/torch-2.5.1%2Bcu126-cp311-cp311-linux_x86_64.whl"
                        + " (2400.0 MB)",
                "Progress 1200000000 of 2400000000",
                "Collecting demo @ https://example.org/demo.tar.gz",
                "Collecting https://example.org/files/wheelie-1.0-py3-none-any.whl#sha256=00")));
    }

    @Test
    void sizesInEveryFormPipHasPrinted() {
        assertEquals(485, PipProgressParser.size("485 bytes"));
        assertEquals(1700, PipProgressParser.size("1.7 kB"));
        assertEquals(12000, PipProgressParser.size("12kB"));
        assertEquals(4900000, PipProgressParser.size("4.9 MB"));
        assertEquals(2400000000L, PipProgressParser.size("2.4 GB"));
        assertEquals(-1, PipProgressParser.size("lots"));
        assertEquals(-1, PipProgressParser.size(null));
    }

    @Test
    void aDownloadOfUnknownSizeAndProgressWithoutADownload() {
        assertEquals(List.of("DOWNLOADING six 1.17.0 0/-1", "DOWNLOADING six 1.17.0 2048/-1", "RESOLVING idna"),
                summary(parseLines(
                        "Progress 5 of 10",
                        "Downloading six-1.17.0-py2.py3-none-any.whl",
                        "Progress 2048 of 0",
                        "Collecting idna",
                        "Progress 4096 of 0")));
    }

    @Test
    void unknownAndMalformedLinesAreIgnoredAndNothingThrows() {
        List<EnsureEvent> events = new ArrayList<>();
        PipProgressParser parser = new PipProgressParser(LOCATION, events::add);
        for (String line : new String[] {null, "", "   ", "Collecting", "Collecting ===", "Downloading", "Downloading (",
                "Downloading x.whl (1 MB)", "Downloading -1.0.tar.gz", "Progress 99999999999999999999 of 1",
                "Successfully installed", "Successfully installed - a- -b", "Requirement already satisfied: ",
                "Installing collected packages: , ,", "Using cached", "Processing ./project",
                "WARNING: Retrying (Retry(total=4)) after connection broken", "\u001b[31mERROR\u001b[0m"}) {
            parser.onLine(OutputListener.Stream.STDOUT, line);
        }
        assertEquals(List.of(), events);
        PipProgressParser failing = new PipProgressParser(LOCATION, event -> {
            throw new IllegalStateException("a broken listener");
        });
        failing.onLine(OutputListener.Stream.STDOUT, "Collecting six");
    }

    private static List<PackageProgress> parse(String fixture) throws IOException {
        try (InputStream in = PipProgressParserTest.class.getResourceAsStream("pip-output/" + fixture)) {
            assertNotNull(in, fixture);
            return parseLines(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1));
        }
    }

    private static List<PackageProgress> parseLines(String... lines) {
        List<PackageProgress> events = new ArrayList<>();
        PipProgressParser parser = new PipProgressParser(LOCATION, event -> events.add((PackageProgress) event));
        for (String line : lines) {
            parser.onLine(line.startsWith("ERROR") || line.startsWith("WARNING") ? OutputListener.Stream.STDERR
                    : OutputListener.Stream.STDOUT, line);
        }
        return events;
    }

    private static List<String> summary(List<PackageProgress> events) {
        return events.stream().map(e -> e.phase() + " " + e.name() + (e.version().isEmpty() ? "" : " " + e.version())
                + (e.phase() == Phase.DOWNLOADING ? " " + e.bytesDone() + "/" + e.bytesTotal() : ""))
                .collect(Collectors.toList());
    }

    private static List<String> phase(List<String> summary, Phase phase) {
        return summary.stream().filter(s -> s.startsWith(phase + " ")).collect(Collectors.toList());
    }
}
