package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pack to {@code .zip} with the venv backend, real pip, the shared store and the fixture index: the zip unpacks with
 * isoenv into a path with spaces and runs there; the same environment gives the same zip bytes and the same payload
 * as its {@code .tar.gz}; what Python's own {@code zipfile} sees in it and writes out of it, and what Info-ZIP's
 * {@code unzip} writes; and the file's SHA-256, which {@code pack} returns and the expected-hash {@code unpack}
 * checks before extracting.
 */
class PackZipTest extends VenvFixtureTest {
    private static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");

    private IsoenvClient client() {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString()).build();
    }

    @Test
    void aZipUnpacksWithIsoenvAndRunsAndPacksToTheSameBytes() throws Exception {
        IsoenvClient isoenv = client();
        Environment env = isoenv.ensure(spec("build/env").requirements(PINNED).build());
        EnvironmentArchive zip = env.pack(workDir.resolve("out").resolve("env.zip"));
        assertEquals(sha256(zip.file()), zip.sha256(), "sha256() is the file's hash, computed while writing");
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(zip.file()), 4);
        assertArrayEquals(new byte[] {'P', 'K', 3, 4}, head, "a zip");

        // The same environment, packed again after a run, and as a .tar.gz: the same zip bytes, the same payload.
        env.run(TestPackages.GREETER_SCRIPT).requireSuccess();
        EnvironmentArchive again = env.pack(workDir.resolve("again.zip"));
        assertArrayEquals(Files.readAllBytes(zip.file()), Files.readAllBytes(again.file()));
        assertEquals(zip.sha256(), again.sha256());
        EnvironmentArchive tar = env.pack(workDir.resolve("env.tar.gz"));
        assertEquals(tar.payloadSha256(), zip.payloadSha256(), "the same entries in either format");
        assertFalse(tar.sha256().equals(zip.sha256()));

        // Unpacked by isoenv, with the published hash: links and modes restored, it runs.
        Path target = workDir.resolve("unpacked here").resolve("my env");
        Environment unpacked = isoenv.unpack(zip.file(), target, zip.sha256());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                unpacked.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertEquals(target.toRealPath().toString(), Path.of(unpacked.run("python", "-c",
                "import sys; print(sys.prefix)").requireSuccess().stdout().strip()).toRealPath().toString());
        for (String module : List.of(TestPackages.HELLO_MODULE, "isoenv_demo_greeter", "pip")) {
            RunResult imported = unpacked.run("python", "-c", "import " + module);
            assertEquals(0, imported.exitCode(), module + ": " + imported.stderr());
        }
        assertTrue(Files.isSymbolicLink(unpacked.scriptsDirectory().resolve("python")));
        assertTrue(Files.isExecutable(unpacked.scriptsDirectory().resolve(TestPackages.GREETER_SCRIPT)));
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains(env.root().toString())) {
                    leaks.add(target.relativize(p).toString());
                }
            }
        }
        assertTrue(leaks.stream().allMatch(l -> l.endsWith(".pyc")), "only compiled files name the build path: "
                + leaks);
    }

    /**
     * What another tool gets: CPython's zipfile (run as the interpreter, no shell) reads every field and CRC, and its
     * extractall() restores neither the exec bit nor links: bin/python becomes a small file that holds its target.
     */
    @Test
    void pythonsZipfileReadsItButRestoresNoModesOrLinks() throws Exception {
        Environment env = client().ensure(spec("build/env").requirements(PINNED).build());
        EnvironmentArchive zip = env.pack(workDir.resolve("env.zip"));
        String script = "bin/" + TestPackages.GREETER_SCRIPT;
        // The venv's interpreter link, to the base Python outside the environment: packed as it is.
        String target = Files.readSymbolicLink(env.root().resolve("bin").resolve("python")).toString();
        String listing = python(env, String.join("\n",
                "import sys, zipfile",
                "z = zipfile.ZipFile(sys.argv[1])",
                "infos = z.infolist()",
                "mode = lambda n: oct(z.getinfo(n).external_attr >> 16)",
                "print(infos[0].filename, infos[1].filename, z.testzip(),",
                "      sorted({i.date_time for i in infos}), sorted({i.create_system for i in infos}),",
                "      sorted({len(i.extra) for i in infos}), mode(sys.argv[2]), mode('bin/python'), mode('bin/'),",
                "      z.read('bin/python').decode() == sys.argv[3])",
                "z.extractall(sys.argv[4])",
                ""), zip.file().toString(), script, target.toString(), workDir.resolve("zipfile out").toString());
        assertEquals("isoenv-pack.json pylock.toml None [(1980, 1, 1, 0, 0, 0)] [3] [0] 0o100755 0o120777 0o40755"
                + " True", listing, "manifest and lock first, every CRC right, one fixed time, made by Unix, no extra"
                + " field, the script's exec bit, the link's type, the directory's mode, the link's target as content");
        Path out = workDir.resolve("zipfile out");
        Path python = out.resolve("bin").resolve("python");
        assertFalse(Files.isSymbolicLink(python), "zipfile writes a link as a file");
        assertEquals(target.toString(), Files.readString(python), "holding the link's target");
        assertTrue(Files.isRegularFile(out.resolve(script)));
        assertFalse(Files.isExecutable(out.resolve(script)), "zipfile drops the exec bit");
    }

    /**
     * Info-ZIP's unzip, where it is on the PATH, honours the Unix type and mode: links and exec bits come back, and the
     * console script runs directly (its trampoline finds the python beside it).
     */
    @Test
    void infoZipsUnzipRestoresLinksAndModes() throws Exception {
        Optional<Path> unzip = UnpackChecks.onPath("unzip");
        assumeTrue(unzip.isPresent(), "no unzip on the PATH");
        Environment env = client().ensure(spec("build/env").requirements(PINNED).build());
        EnvironmentArchive zip = env.pack(workDir.resolve("env.zip"));
        Path out = Files.createDirectories(workDir.resolve("unzipped here").resolve("env"));
        Process p = new ProcessBuilder(unzip.get().toString(), "-q", zip.file().toString(), "-d", out.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        assertTrue(Files.isSymbolicLink(out.resolve("bin").resolve("python")));
        Path script = out.resolve("bin").resolve(TestPackages.GREETER_SCRIPT);
        assertTrue(Files.isExecutable(script));
        Process run = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
        String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), printed);
    }

    @Test
    void aWrongExpectedHashIsRefusedBeforeExtractingAndLeavesNothing() throws Exception {
        IsoenvClient isoenv = client();
        Environment env = isoenv.ensure(spec("build/env").requirements(PINNED).build());
        for (String name : List.of("env.zip", "env.tar.gz")) {
            EnvironmentArchive packed = env.pack(workDir.resolve(name));
            Path target = workDir.resolve("t " + name);
            // A published hash of another build: refused, naming both, before anything is extracted.
            String other = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1}));
            InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
                    () -> isoenv.unpack(packed.file(), target, other));
            assertEquals(InvalidArchiveException.Reason.NOT_THE_PUBLISHED_FILE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(packed.sha256()) && e.getMessage().contains(other)
                    && e.getMessage().contains("Fetch the archive again"), e.getMessage());
            assertNothingLeft(target);
            // A file changed after it was published, by one byte near its end (the zip's central directory, the
            // gzip's trailer): the file's hash catches it first.
            byte[] bytes = Files.readAllBytes(packed.file());
            bytes[bytes.length - 30] ^= 1;
            Path changed = Files.write(workDir.resolve("changed " + name), bytes);
            assertEquals(InvalidArchiveException.Reason.NOT_THE_PUBLISHED_FILE, assertThrows(
                    InvalidArchiveException.class, () -> isoenv.unpack(changed, target, packed.sha256())).reason());
            assertNothingLeft(target);
            // The right hash, in upper case as some tools print it, unpacks.
            assertEquals(TestPackages.greeterLine("1.0", "1.1"), isoenv.unpack(packed.file(), target,
                    packed.sha256().toUpperCase(java.util.Locale.ROOT)).run(TestPackages.GREETER_SCRIPT)
                    .requireSuccess().stdout().strip());
        }
    }

    private void assertNothingLeft(Path target) throws Exception {
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains("isoenv-unpack"))
                    .toList());
        }
    }

    private static String python(Environment env, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("python", "-c", script));
        command.addAll(List.of(args));
        return env.run(command, RunOptions.defaults()).requireSuccess().stdout().strip();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
