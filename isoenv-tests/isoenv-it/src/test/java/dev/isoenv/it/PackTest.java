package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.RunResult;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pack and unpack with the venv backend, real pip, the shared store and the fixture index: an environment packed once
 * unpacks into a directory with spaces in its path and runs there ({@code python -c}, its console script, an import
 * of every top-level module), also for a user who owns none of its files, keeps no path of where it was built in any
 * text file, and holds ordinary files where the store had hard links; the same environment packs to the same bytes; a
 * changed archive, one for another platform, one whose interpreter is missing and one with an entry outside the
 * target are refused, leaving nothing.
 */
class PackTest extends VenvFixtureTest {
    private static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");

    private IsoenvClient client() {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString()).build();
    }

    private Environment built(IsoenvClient isoenv) {
        return isoenv.ensure(spec("build/env").requirements(PINNED).build());
    }

    @Test
    void aPackedEnvironmentRunsWhereItIsUnpackedAndKeepsNoPathOfItsBuild() throws Exception {
        IsoenvClient isoenv = client();
        Environment env = built(isoenv);
        Path build = env.root();
        Path linked = sitePackages(env).resolve(TestPackages.HELLO_MODULE).resolve("__init__.py");
        assertTrue((int) Files.getAttribute(linked, "unix:nlink") >= 2, "the store linked the file in");

        EnvironmentArchive packed = env.pack(workDir.resolve("out").resolve("env.tar.gz"));
        assertEquals(workDir.resolve("out").resolve("env.tar.gz"), packed.file());
        assertTrue(packed.platform().startsWith("linux-"), packed.platform());
        assertEquals(PINNED, packed.requirements());
        assertEquals(64, packed.payloadSha256().length());
        assertEquals(env.run("python", "-c", "import platform; print(platform.python_version())").requireSuccess()
                .stdout().strip(), packed.pythonVersion());
        assertTrue(Files.isRegularFile(Path.of(packed.baseInterpreter().orElseThrow())), packed.toString());
        String listing = python(env, "import sys, tarfile\n"
                + "t = tarfile.open(sys.argv[1])\n"
                + "ms = t.getmembers()\n"
                + "import json\n"
                + "j = json.load(t.extractfile(ms[0]))\n"
                + "print(ms[0].name, ms[1].name, sum(m.islnk() for m in ms), len({m.mtime for m in ms}),"
                + " len({(m.uid, m.gid, m.uname, m.gname) for m in ms}), j['prefix']['binary_files_not_rewritten'],"
                + " j['python']['bundled'], j['platform']['sys_platform'], j['lock'],"
                + " j['platform'].get('libc'))\n", packed.file().toString());
        assertEquals("isoenv-pack.json pylock.toml 0 1 1 [] False linux pylock.toml None", listing, "manifest and"
                + " lock first, no hard links, one timestamp, one owner, no binary naming the build path, no C library"
                + " needed by pure wheels");

        Path target = workDir.resolve("unpacked here").resolve("my env");
        Environment unpacked = isoenv.unpack(packed.file(), target);

        assertEquals(target, unpacked.root());
        assertEquals(target.toRealPath().toString(), Path.of(unpacked.run("python", "-c",
                "import sys; print(sys.prefix)").requireSuccess().stdout().strip()).toRealPath().toString());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                unpacked.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        List<String> compiled = compiledFiles(target);
        assertTrue(compiled.stream().anyMatch(c -> c.contains("isoenv_demo_greeter/__pycache__/__init__.")),
                compiled.toString());
        for (String module : UnpackChecks.topLevelModules(sitePackages(unpacked), TestPackages.HELLO_MODULE,
                "isoenv_demo_greeter", "pip")) {
            RunResult imported = unpacked.run("python", "-c", "import " + module);
            assertEquals(0, imported.exitCode(), module + ": " + imported.stderr());
        }
        assertEquals(compiled, compiledFiles(target), "the compiled files were valid: Python wrote none again");
        assertEquals(EnvironmentStatus.State.READY, isoenv.status(target).state());
        // It is an isoenv environment: ensure() of the same specification there finds it ready, starting nothing.
        List<dev.isoenv.EnsureEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.clearRequestLog();
        isoenv.withListener(events::add).ensure(dev.isoenv.EnvironmentSpec.builder(target).backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(dev.isoenv.PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirements(PINNED).build());
        assertEquals(List.of(), server.requestedPaths());
        assertTrue(events.stream().anyMatch(e -> e instanceof dev.isoenv.EnsureEvent.Ready r
                && r.processesStarted() == 0 && !r.changed()), events.toString());
        assertTrue(Files.isExecutable(unpacked.scriptsDirectory().resolve(TestPackages.GREETER_SCRIPT)));
        assertTrue(Files.isRegularFile(target.resolve("pylock.toml")));

        // No text file names where the environment was built; every file is an ordinary one, not a store link.
        List<String> leaks = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if ((int) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) != 1) {
                    shared.add(target.relativize(p).toString());
                }
                String text = UnpackChecks.utf8(Files.readAllBytes(p));
                if (text != null && (text.contains(build.toString())
                        || text.contains(build.toRealPath().toString()))) {
                    leaks.add(target.relativize(p).toString());
                }
            }
        }
        assertEquals(List.of(), leaks, "text files that name the build location");
        assertEquals(List.of(), shared, "files with more than one link");
        String activate = Files.readString(unpacked.scriptsDirectory().resolve("activate"));
        assertTrue(activate.contains(target.toString()), "activation names the new location");

        // As Spark or Ray unpack it, without isoenv: Python's own tarfile, then the console script run directly.
        Path plain = workDir.resolve("spark worker").resolve("env");
        Files.createDirectories(plain);
        python(env, "import sys, tarfile\ntarfile.open(sys.argv[1]).extractall(sys.argv[2])\n",
                packed.file().toString(), plain.toString());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), UnpackChecks.runDirectly(plain.resolve("bin")
                .resolve(TestPackages.GREETER_SCRIPT)));
        // And with tar(1), which Hadoop's unTar (Spark's --archives on YARN) runs on Linux.
        Path tar = Path.of("/bin/tar");
        if (Files.isExecutable(tar)) {
            Path untarred = Files.createDirectories(workDir.resolve("yarn container").resolve("env"));
            Process p = new ProcessBuilder(tar.toString(), "-xzf", packed.file().toString(), "-C", untarred.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals(TestPackages.greeterLine("1.0", "1.1"), UnpackChecks.runDirectly(untarred.resolve("bin")
                    .resolve(TestPackages.GREETER_SCRIPT)));
        }
    }
    @Test
    void anUnpackedEnvironmentRunsForAnotherUser() throws Exception {
        Path system = Path.of("/usr/bin/python3");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(isRoot() && Files.isExecutable(setpriv) && Files.isExecutable(system),
                "needs root, setpriv and a Python at /usr/bin/python3 that another user can run");
        Environment env = client().ensure(spec("build/env").python(dev.isoenv.PythonRequest.interpreter(system))
                .requirements(PINNED).build());
        Path archive = env.pack(workDir.resolve("env.tar.gz")).file();
        Path target = workDir.resolve("shared folder").resolve("env");
        Environment unpacked = isoenv.unpack(archive, target);
        // The folders above it are the test's own (0700): only they are opened to others; the environment is as
        // unpack left it.
        for (Path p = target.getParent(); p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
        for (List<String> command : List.of(
                List.of(unpacked.scriptsDirectory().resolve(TestPackages.GREETER_SCRIPT).toString()),
                List.of(unpacked.python().toString(), "-c", "import isoenv_demo_greeter, pip; print('imported')"))) {
            List<String> asNobody = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534",
                    "--clear-groups"));
            asNobody.addAll(command);
            Process p = new ProcessBuilder(asNobody).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.equals(TestPackages.greeterLine("1.0", "1.1")) || out.equals("imported"), out);
        }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        return uid.equals("0");
    }

    @Test
    void anEnvironmentWithNothingInstalledLocksAsEmptyAndPacks() throws Exception {
        Environment env = isoenv.ensure(spec("build/empty").build());
        dev.isoenv.PackageLock lock = env.exportLockFile(workDir.resolve("pylock.empty.toml"));
        assertTrue(lock.packages().isEmpty(), lock.packages().toString());
        assertTrue(dev.isoenv.PackageLock.read(workDir.resolve("pylock.empty.toml")).packages().isEmpty());
        EnvironmentArchive packed = env.pack(workDir.resolve("empty.tar.gz"));
        assertEquals(List.of(), packed.requirements());
        Environment unpacked = isoenv.unpack(packed.file(), workDir.resolve("empty unpacked"));
        assertEquals(workDir.resolve("empty unpacked").toRealPath().toString(), Path.of(unpacked.run("python", "-c",
                "import sys; print(sys.prefix)").requireSuccess().stdout().strip()).toRealPath().toString());
    }

    @Test
    void theSameEnvironmentPacksToTheSameBytes() throws Exception {
        Environment env = built(client());
        // A run in between writes nothing the archive holds differently.
        env.run(TestPackages.GREETER_SCRIPT).requireSuccess();
        EnvironmentArchive first = env.pack(workDir.resolve("first.tar.gz"));
        env.run(TestPackages.GREETER_SCRIPT).requireSuccess();
        EnvironmentArchive second = env.pack(workDir.resolve("second.tgz"));
        assertEquals(first.payloadSha256(), second.payloadSha256());
        assertArrayEquals(sha256(first.file()), sha256(second.file()));
        byte[] gzip = Files.readAllBytes(first.file());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(gzip, 4, 8), "no gzip timestamp");
    }

    @Test
    void aChangedArchiveIsRefusedAndLeavesNothing() throws Exception {
        Environment env = built(isoenv);
        Path archive = env.pack(workDir.resolve("env.tar.gz")).file();
        IsoenvClient client = isoenv;

        Path tampered = rewrite(env, archive, "tamper");
        Path target = workDir.resolve("t");
        InvalidArchiveException changed = assertThrows(InvalidArchiveException.class,
                () -> client.unpack(tampered, target));
        assertEquals(InvalidArchiveException.Reason.HASH_MISMATCH, changed.reason());
        assertTrue(changed.getMessage().contains("changed after it was packed"), changed.getMessage());
        assertFalse(Files.exists(target));

        InvalidArchiveException platform = assertThrows(InvalidArchiveException.class,
                () -> client.unpack(rewrite(env, archive, "platform"), target));
        assertEquals(InvalidArchiveException.Reason.OTHER_PLATFORM, platform.reason());
        assertTrue(platform.getMessage().contains("built for windows-sparc"), platform.getMessage());
        assertFalse(Files.exists(target));

        PythonNotFoundException python = assertThrows(PythonNotFoundException.class,
                () -> client.unpack(rewrite(env, archive, "python"), target));
        assertTrue(python.getMessage().contains("/nonexistent/python3.99"), python.getMessage());
        assertFalse(Files.exists(target));

        // The base interpreter is there, but of another version than the manifest's.
        EnvironmentArchive packed = env.pack(workDir.resolve("again.tar.gz"));
        String built = packed.pythonVersion().replaceAll("^(\\d+\\.\\d+).*", "$1");
        PythonNotFoundException version = assertThrows(PythonNotFoundException.class,
                () -> client.unpack(rewrite(env, archive, "version"), target));
        assertTrue(version.getMessage().contains("found " + built + " at " + packed.baseInterpreter().orElseThrow()
                + ", the environment needs 3.99; install Python 3.99 at that path or rebuild the archive"),
                version.getMessage());
        assertFalse(Files.exists(target));

        // Compiled wheels that need a newer C library than this machine's (read from the manifest, which pack
        // writes from the wheels' tags): refused, naming what needs it.
        InvalidArchiveException libc = assertThrows(InvalidArchiveException.class,
                () -> client.unpack(rewrite(env, archive, "libc"), target));
        assertEquals(InvalidArchiveException.Reason.OTHER_PLATFORM, libc.reason());
        assertTrue(libc.getMessage().contains("need glibc 99.0 or newer (torch 9.0 (manylinux_99_0_x86_64)), and"
                + " this machine has glibc "), libc.getMessage());
        assertFalse(Files.exists(target));

        // A file grown after packing: more bytes than the manifest declares, refused before they are all written.
        InvalidArchiveException grown = assertThrows(InvalidArchiveException.class,
                () -> client.unpack(rewrite(env, archive, "grown"), target));
        assertEquals(InvalidArchiveException.Reason.DAMAGED, grown.reason(), grown.getMessage());
        assertTrue(grown.getMessage().contains("bytes of file content in all"), grown.getMessage());
        assertFalse(Files.exists(target));

        for (String unsafe : List.of("traversal", "absolute", "through-link", "hardlink")) {
            InvalidArchiveException refused = assertThrows(InvalidArchiveException.class,
                    () -> client.unpack(rewrite(env, archive, unsafe), target), unsafe);
            assertEquals(InvalidArchiveException.Reason.UNSAFE_ENTRY, refused.reason(), unsafe);
            assertFalse(Files.exists(target), unsafe);
            assertFalse(Files.exists(workDir.resolve("escaped.txt")), unsafe);
        }

        Path notOurs = workDir.resolve("not-ours.tar.gz");
        Files.write(notOurs, new byte[] {1, 2, 3});
        assertEquals(InvalidArchiveException.Reason.NOT_AN_ENVIRONMENT_ARCHIVE, assertThrows(
                InvalidArchiveException.class, () -> client.unpack(notOurs, target)).reason());

        // The untouched archive still unpacks, into an empty directory too; a directory that holds something is
        // refused.
        Files.createDirectories(target);
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                client.unpack(archive, target).run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertThrows(dev.isoenv.EnvironmentConflictException.class, () -> client.unpack(archive, target));
    }

    /** Rewrites the archive with Python's tarfile, changing one thing. */
    private Path rewrite(Environment env, Path archive, String how) throws IOException {
        Path out = workDir.resolve(how + ".tar.gz");
        python(env, String.join("\n",
                "import io, json, sys, tarfile",
                "src, dst, how = sys.argv[1:4]",
                "with tarfile.open(src) as t, tarfile.open(dst, 'w:gz') as o:",
                "    changed = False",
                "    for m in t.getmembers():",
                "        data = t.extractfile(m).read() if m.isfile() else None",
                "        if m.name == 'isoenv-pack.json':",
                "            j = json.loads(data)",
                "            if how == 'platform': j['platform']['name'] = 'windows-sparc'",
                "            if how == 'python': j['python']['base'] = '/nonexistent/python3.99'",
                "            if how == 'version': j['python']['version'] = '3.99.0'",
                "            if how == 'libc': j['platform']['libc'] = {'kind': 'glibc', 'version': '99.0',"
                        + " 'needed_by': 'torch 9.0 (manylinux_99_0_x86_64)'}",
                "            data = json.dumps(j).encode()",
                "        elif how == 'tamper' and not changed and m.name.endswith('.py') and data:",
                "            data = data[:-1] + bytes([data[-1] ^ 1])",
                "            changed = True",
                "        elif how == 'grown' and not changed and m.name.endswith('.py'):",
                "            data = data + b'\\nprint(\"changed\")\\n'",
                "            changed = True",
                "        if data is not None: m.size = len(data)",
                "        o.addfile(m, io.BytesIO(data) if data is not None else None)",
                "        if m.name == 'isoenv-pack.json' and how in ('traversal', 'absolute'):",
                "            e = tarfile.TarInfo('../escaped.txt' if how == 'traversal'",
                "                                else sys.argv[4] + '/escaped.txt')",
                "            e.size = 1",
                "            o.addfile(e, io.BytesIO(b'x'))",
                "        if m.name == 'isoenv-pack.json' and how == 'through-link':",
                "            l = tarfile.TarInfo('bin'); l.type = tarfile.SYMTYPE; l.linkname = sys.argv[4]",
                "            o.addfile(l)",
                "            e = tarfile.TarInfo('bin/escaped.txt'); e.size = 1",
                "            o.addfile(e, io.BytesIO(b'x'))",
                "        if m.name == 'pyvenv.cfg' and how == 'hardlink':",
                "            l = tarfile.TarInfo('hard'); l.type = tarfile.LNKTYPE; l.linkname = 'pyvenv.cfg'",
                "            o.addfile(l)",
                ""), archive.toString(), out.toString(), how, workDir.toString());
        return out;
    }

    private static String python(Environment env, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("python", "-c", script));
        command.addAll(List.of(args));
        return env.run(command, dev.isoenv.RunOptions.defaults()).requireSuccess().stdout().strip();
    }

    private static Path sitePackages(Environment env) {
        return Path.of(env.run("python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .requireSuccess().stdout().strip());
    }
    /** Each compiled file with its size and modification time. */
    private static List<String> compiledFiles(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted()::iterator) {
                if (p.toString().endsWith(".pyc")) {
                    out.add(root.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p));
                }
            }
        }
        return out;
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
