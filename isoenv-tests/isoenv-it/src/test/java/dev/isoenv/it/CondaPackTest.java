package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.RunResult;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.testing.dist.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pack and unpack with the conda backend, on a real conda-like prefix ({@link CondaLikePrefix}: a copied CPython made
 * relocatable, conda's package records, a binary and a text file that name the prefix; the conda backend's code builds
 * it, with only the micromamba process answered by the test) and real pip installing from the fixture index. The
 * archive bundles the interpreter; a location longer than the build's is refused before anything is written; the
 * environment unpacked into a directory with spaces in its path, after the build location is gone, runs
 * {@code python -c} with {@code sys.prefix} there and the prefix's own {@code libpython}, its console scripts (also
 * run directly, and from a plain extraction), an import of every top-level module, and reads the data file its
 * binary file names; the binary file is rewritten and NUL-padded byte for byte, and no file but compiled modules names
 * the build location.
 */
class CondaPackTest extends VenvFixtureTest {
    private static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCondaPrefixPacksWithItsInterpreterAndRunsWhereItIsUnpacked() throws Exception {
        assumeTrue(OperatingSystem.current() == OperatingSystem.LINUX, "ELF run paths and /proc/self/maps: Linux");
        Optional<CondaLikePrefix> found = CondaLikePrefix.find();
        assumeTrue(found.isPresent(), "no CPython installation with its standard library and pip to copy");
        CondaLikePrefix conda = found.get();
        Path tool = Files.createDirectories(workDir.resolve("tools")).resolve("micromamba");
        Files.writeString(tool, "not run: the test answers for micromamba\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        IsoenvClient client = IsoenvClient.builder().installers(List.of(new CondaLikePrefix.Backend(
                real -> conda.new Tool(tool, real, calls)))).build();

        Path build = workDir.resolve("build-machine-location").resolve("env");
        Environment env = client.ensure(spec("build-machine-location/env").backend("conda")
                .python(conda.base().minor()).condaPackages("isoenv-demo-paths")
                .backendOption("conda.path", tool.toString()).requirements(PINNED).build());
        assertEquals(build, env.root());
        assertTrue(calls.stream().anyMatch(c -> c.size() > 4
                && c.subList(1, 4).equals(List.of("install", "-p", build.toString()))
                && c.contains("isoenv-demo-paths") && c.contains("pip")), calls.toString());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                env.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());

        EnvironmentArchive packed = env.pack(workDir.resolve("out").resolve("conda-env.tar.gz"));
        assertEquals(java.util.Optional.empty(), packed.baseInterpreter(), "the interpreter is bundled");
        assertEquals(conda.base().version(), packed.pythonVersion());
        assertEquals(PINNED, packed.requirements());
        JsonNode manifest = JSON.readTree(python(env, "import sys, tarfile\nt = tarfile.open(sys.argv[1])\n"
                + "sys.stdout.write(t.extractfile(t.next()).read().decode())\n", packed.file().toString()));
        assertEquals("conda", manifest.path("backend").asText());
        assertTrue(manifest.path("python").path("bundled").asBoolean(), manifest.toString());
        assertEquals("", manifest.path("python").path("base").asText("?"));
        // No wheel here names a C library; the prefix's own ELF files (the copied interpreter) do.
        JsonNode libc = manifest.path("platform").path("libc");
        assertEquals("glibc", libc.path("kind").asText(), manifest.toString());
        assertTrue(libc.path("needed_by").asText().matches("(bin|lib)/.* \\(GLIBC_"
                + java.util.regex.Pattern.quote(libc.path("version").asText()) + "(\\.\\d+)?\\)"), libc.toString());
        JsonNode prefix = manifest.path("prefix");
        assertEquals(List.of(CondaLikePrefix.PICKLE), texts(prefix.path("binary_files_not_rewritten")),
                "a binary file that names the prefix but that conda's records do not list as binary is not rewritten:"
                + " a pickle's strings have their length before them");
        List<String> binaries = new ArrayList<>();
        prefix.path("binary_files").forEach(b -> binaries.add(b.path("path").asText()));
        assertEquals(List.of(CondaLikePrefix.BINARY, CondaLikePrefix.SMALL_BINARY), binaries,
                "the binary files that conda's records list as binary: the large one, the small one scanned");
        for (JsonNode b : prefix.path("binary_files")) {
            assertTrue(texts(b.path("prefixes")).contains(build.toString()), prefix.toString());
        }
        List<String> texts = texts(prefix.path("files"));
        for (String file : List.of(CondaLikePrefix.TEXT, "conda-meta/history")) {
            assertTrue(texts.contains(file), file + " is rewritten on unpack: " + texts);
        }
        // Console scripts, conda's bin/pip among them, get the trampoline instead: no path to rewrite.
        assertFalse(texts.contains("bin/pip"), texts.toString());
        assertFalse(texts.contains("bin/" + TestPackages.GREETER_SCRIPT), texts.toString());

        // The build location goes away: nothing unpacked may still need it.
        Files.move(build.getParent(), workDir.resolve("moved away"));

        // A location longer than the build's cannot be written into the binary file: refused, leaving nothing.
        Path longer = workDir.resolve("a location longer than the one it was built at").resolve("env");
        InvalidArchiveException refused = assertThrows(InvalidArchiveException.class,
                () -> client.unpack(packed.file(), longer));
        assertEquals(InvalidArchiveException.Reason.LOCATION_TOO_LONG, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("Unpack it at a shorter location (at most "
                + build.toString().getBytes(StandardCharsets.UTF_8).length + " bytes)"), refused.getMessage());
        assertFalse(Files.exists(longer, LinkOption.NOFOLLOW_LINKS));
        try (Stream<Path> left = Files.list(longer.getParent())) {
            assertEquals(List.of(".env.isoenv-lock"), left.map(p -> p.getFileName().toString()).toList(),
                    "only the location's lock file, which is never deleted");
        }

        Path target = workDir.resolve("un packed").resolve("my env");
        Environment unpacked = client.unpack(packed.file(), target);
        assertEquals(target, unpacked.root());
        assertEquals(target.toRealPath().toString(), Path.of(unpacked.run("python", "-c",
                "import sys; print(sys.prefix)").requireSuccess().stdout().strip()).toRealPath().toString());
        if (!conda.base().libraries().isEmpty()) {
            String maps = unpacked.run("python", "-c", "print(''.join(l for l in open('/proc/self/maps')"
                    + " if 'libpython' in l))").requireSuccess().stdout().strip();
            assertFalse(maps.isEmpty(), "libpython is mapped");
            for (String line : maps.split("\n")) {
                assertTrue(line.contains(target.toRealPath().resolve("lib").toString()), "the prefix's own libpython: "
                        + line);
            }
        }
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                unpacked.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), UnpackChecks.runDirectly(target.resolve("bin")
                .resolve(TestPackages.GREETER_SCRIPT)));
        assertTrue(Files.readString(target.resolve("bin/pip")).startsWith("#!/bin/sh\n'''true'\n"), "the trampoline");
        assertTrue(UnpackChecks.runDirectly(target.resolve("bin").resolve("pip"), "--version")
                .contains(target.toRealPath().toString()), "conda's pip entry point runs the prefix's pip");
        Path site = target.resolve("lib").resolve("python" + conda.base().minor()).resolve("site-packages");
        for (String module : UnpackChecks.topLevelModules(site, TestPackages.HELLO_MODULE, "isoenv_demo_greeter",
                "isoenv_demo_paths", "pip")) {
            RunResult imported = unpacked.run("python", "-c", "import " + module);
            assertEquals(0, imported.exitCode(), module + ": " + imported.stderr());
        }
        assertEquals(CondaLikePrefix.DATA_TEXT, unpacked.run("python", "-c",
                "import isoenv_demo_paths; print(isoenv_demo_paths.data())").requireSuccess().stdout().strip(),
                "the binary file names the new location");
        assertArrayEquals(CondaLikePrefix.binary(target.toString()),
                Files.readAllBytes(target.resolve(CondaLikePrefix.BINARY)), "rewritten in place, padded with NULs");
        assertArrayEquals(CondaLikePrefix.smallBinary(target.toString()),
                Files.readAllBytes(target.resolve(CondaLikePrefix.SMALL_BINARY)));
        assertArrayEquals(CondaLikePrefix.pickle(build.toString()),
                Files.readAllBytes(target.resolve(CondaLikePrefix.PICKLE)), "byte for byte as packed");
        assertEquals(build.toString(), unpacked.run("python", "-c", "import pickle, sys; print(pickle.load(open("
                + "sys.prefix + '/" + CondaLikePrefix.PICKLE + "', 'rb')))").requireSuccess().stdout().strip(),
                "the pickle still loads");
        assertEquals("# isoenv-demo-paths\nprefix=" + target + "\ndata=" + target + "/" + CondaLikePrefix.DATA + "\n",
                Files.readString(target.resolve(CondaLikePrefix.TEXT)));
        assertTrue(Files.readString(target.resolve("conda-meta/history")).contains("install -p " + target + " "));
        assertEquals(EnvironmentStatus.State.READY, client.status(target).state());

        // No file names the build location, binary files included (but the pickle, listed as not rewritten); compiled
        // modules name their source's path for
        // tracebacks only, and are left out.
        byte[] built = build.toString().getBytes(StandardCharsets.UTF_8);
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !p.toString().endsWith(".pyc")
                        && !p.equals(target.resolve(CondaLikePrefix.PICKLE))
                        && indexOf(Files.readAllBytes(p), built) >= 0) {
                    leaks.add(target.relativize(p).toString());
                }
            }
        }
        assertEquals(List.of(), leaks, "files that name the build location");

        // As Spark or Ray unpack it, without isoenv: the interpreter and the console scripts still run.
        Path plain = Files.createDirectories(workDir.resolve("spark worker").resolve("env"));
        python(unpacked, "import sys, tarfile\ntarfile.open(sys.argv[1]).extractall(sys.argv[2])\n",
                packed.file().toString(), plain.toString());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), UnpackChecks.runDirectly(plain.resolve("bin")
                .resolve(TestPackages.GREETER_SCRIPT)));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String python(Environment env, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("python", "-c", script));
        command.addAll(List.of(args));
        return env.run(command, dev.isoenv.RunOptions.defaults()).requireSuccess().stdout().strip();
    }
    /** The top-level modules of site-packages: packages and single-file modules. */
    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
