package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentStatus;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackOptions;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.RunResult;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import dev.isoenv.venv.interpreter.InterpreterFinder;
import java.time.Duration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter of a packed environment. Without a bundled interpreter, where the archive is unpacked by another tool
 * than isoenv (Spark's or Ray's own tar), a worker that lacks the base Python gets one clear line from a console
 * script, naming that Python, and status 127. With {@code bundleInterpreter(true)} the archive is a whole Python
 * installation: unpacked by isoenv into a folder with spaces, or by tar(1), its {@code sys.prefix},
 * {@code sys.base_prefix} and {@code sys.executable} are there, {@code ssl}, {@code sqlite3} and {@code json} import,
 * its console script and every top-level package run, no ELF run path and no text file names the building machine's
 * environment or base installation, and the dynamic loader finds {@code libpython} inside it; on each CPython 3.8 to
 * 3.13 found here. A system Python is refused.
 */
class BundledInterpreterPackTest extends VenvFixtureTest {
    static final List<String> PINNED = List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.1");

    IsoenvClient client() {
        return IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString()).build();
    }
    /** Extracts the archive with tar(1), as Hadoop's unTar (Spark's --archives on YARN) does on Linux. */
    static void untar(Path archive, Path into) throws IOException, InterruptedException {
        Path tar = UnpackChecks.onPath("tar").orElse(null);
        assumeTrue(tar != null, "no tar on PATH");
        Files.createDirectories(into);
        Process p = new ProcessBuilder(tar.toString(), "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /** What a process run directly (no shell, no isoenv) gave: its status, stdout and stderr. */
    record Ran(int status, String stdout, String stderr) {
    }

    static Ran runDirectly(Map<String, String> variables, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().putAll(variables);
        Path err = Files.createTempFile("isoenv-it-stderr", ".txt");
        try {
            Process p = b.redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            return new Ran(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aWorkerWithoutTheBaseInterpreterGetsOneLineNamingItAndStatus127() throws Exception {
        Environment env = client().ensure(spec("build/env").requirements(PINNED).build());
        EnvironmentArchive packed = env.pack(workDir.resolve("env.tar.gz"));
        Path worker = workDir.resolve("spark worker").resolve("env");
        untar(packed.file(), worker);
        Path script = worker.resolve("bin").resolve(TestPackages.GREETER_SCRIPT);
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), runDirectly(Map.of(), script.toString()).stdout()
                .strip(), "with the base interpreter there, the script runs");

        // This worker lacks the base Python: the venv's interpreter link leads nowhere.
        Path python = worker.resolve("bin").resolve("python");
        assertTrue(Files.isSymbolicLink(python));
        Files.delete(python);
        Files.createSymbolicLink(python, workDir.resolve("not installed").resolve("bin").resolve("python3"));
        Path cwd = Files.createDirectories(workDir.resolve("cwd"));
        Files.writeString(cwd.resolve("python"), "#!/bin/sh\necho ran the python of the current directory\n");
        assertTrue(cwd.resolve("python").toFile().setExecutable(true));

        List<String> command = new ArrayList<>(List.of(script.toString(), "--flag"));
        ProcessBuilder b = new ProcessBuilder(command).directory(cwd.toFile());
        b.environment().put("PATH", cwd + java.io.File.pathSeparator + System.getenv("PATH"));
        Path err = workDir.resolve("stderr.txt");
        Process p = b.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String line = Files.readString(err);
        assertEquals(127, p.exitValue(), line);
        assertEquals("", out);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("isoenv: cannot run " + script + ": it runs on the Python interpreter "
                + packed.baseInterpreter().orElseThrow() + " (Python " + packed.pythonVersion() + "), which its"
                + " environment does not bundle and this machine does not have. Install Python " + packed.pythonVersion() + " at "
                + packed.baseInterpreter().orElseThrow()), line);
        assertTrue(line.contains("PackOptions.bundleInterpreter(true)"), line);
    }

    private static final PackOptions BUNDLED = PackOptions.builder().bundleInterpreter(true).build();

    private static String python(Environment env, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("python", "-c", script));
        command.addAll(List.of(args));
        return env.run(command, dev.isoenv.RunOptions.defaults()).requireSuccess().stdout().strip();
    }

    /** The check every unpacked copy must pass: where Python thinks it is, and three modules with C parts. */
    private static final String WHERE = "import sys, ssl, sqlite3, json\n"
            + "print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix, sys.executable]))";

    /** The four paths of {@link #WHERE}'s output, each resolved. */
    private static List<Path> where(String output) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String part : output.strip().replaceAll("^\\[|\\]$", "").split(",")) {
            out.add(Path.of(part.strip().replaceAll("^\"|\"$", "")).toRealPath());
        }
        assertEquals(4, out.size(), output);
        return out;
    }

    @Test
    void aBundledArchiveIsAWholePythonThatRunsWhereverItIsUnpacked() throws Exception {
        IsoenvClient isoenv = client();
        Environment env = isoenv.ensure(spec("build/env").requirements(PINNED).build());
        Path build = env.root();
        String version = python(env, "import platform; print(platform.python_version())");
        String mm = version.replaceAll("^(\\d+\\.\\d+).*", "$1");
        Path basePrefix = Path.of(python(env, "import sys; print(sys.base_prefix)"));
        List<String> buildPaths = List.of(build.toString(), build.toRealPath().toString(), basePrefix.toString(),
                basePrefix.toRealPath().toString());

        long start = System.nanoTime();
        EnvironmentArchive plain = env.pack(workDir.resolve("plain.tar.gz"));
        long plainNanos = System.nanoTime() - start;
        start = System.nanoTime();
        EnvironmentArchive bundled = env.pack(workDir.resolve("bundled.tar.gz"), BUNDLED);
        long bundledNanos = System.nanoTime() - start;
        System.out.printf("isoenv pack figures (Python %s, %s): plain %.1f MiB in %.1f s; bundled %.1f MiB in %.1f s%n",
                version, String.join(" ", PINNED), Files.size(plain.file()) / 1048576.0, plainNanos / 1e9,
                Files.size(bundled.file()) / 1048576.0, bundledNanos / 1e9);
        assertEquals(java.util.Optional.empty(), bundled.baseInterpreter(),
                "a bundled archive names no base interpreter");
        assertEquals(plain.pythonVersion(), bundled.pythonVersion());
        EnvironmentArchive again = env.pack(workDir.resolve("again.tar.gz"), BUNDLED);
        assertEquals(bundled.payloadSha256(), again.payloadSha256(), "the same environment, the same payload");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(bundled.file()), Files.readAllBytes(again.file())),
                "the same bytes");
        String listing = python(env, "import sys, tarfile, json\n"
                + "t = tarfile.open(sys.argv[1])\n"
                + "names = t.getnames()\n"
                + "j = json.load(t.extractfile(names[0]))\n"
                + "print(j['python']['bundled'], repr(j['python']['base']), 'pyvenv.cfg' in names,"
                + " 'lib/python" + mm + "/os.py' in names, any(n.startswith('lib/python" + mm + "/test/') for n in"
                + " names), sum(n.startswith('lib/python" + mm + "/site-packages/isoenv_demo_greeter') for n in names)"
                + " > 0)\n", bundled.file().toString());
        assertEquals("True '' False True False True", listing,
                "bundled, no pyvenv.cfg, the standard library in, its test suite out, the packages in site-packages");
        // The wheels here are pure: the C library the manifest names is what the interpreter's ELF files need.
        String[] libc = python(env, "import sys, tarfile, json\n"
                + "t = tarfile.open(sys.argv[1])\n"
                + "l = json.load(t.extractfile(t.next()))['platform'].get('libc') or {}\n"
                + "print(l.get('kind'), l.get('version'), l.get('needed_by'), sep='\\t')\n", bundled.file().toString())
                .split("\t");
        assertEquals("glibc", libc[0], String.join(" ", libc));
        assertTrue(libc[2].matches("(bin|lib)/.* \\(GLIBC_" + java.util.regex.Pattern.quote(libc[1])
                + "(\\.\\d+)?\\)"), "names the file that needs it: " + String.join(" ", libc));
        int manifestGlibc = Integer.parseInt(libc[1].substring(libc[1].indexOf('.') + 1));

        // Unpacked by isoenv, into a folder with spaces.
        Path target = workDir.resolve("unpacked here").resolve("my env");
        Environment unpacked = isoenv.unpack(bundled.file(), target);
        Path real = target.toRealPath();
        assertTrue(unpacked.python().startsWith(target), unpacked.python().toString());
        for (Path p : where(unpacked.run("python", "-c", WHERE).requireSuccess().stdout())) {
            assertTrue(p.startsWith(real), p + " is not in " + real);
        }
        assertEquals(TestPackages.greeterLine("1.0", "1.1"),
                unpacked.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        for (String module : UnpackChecks.topLevelModules(target.resolve("lib").resolve("python" + mm)
                .resolve("site-packages"), TestPackages.HELLO_MODULE, "isoenv_demo_greeter", "pip")) {
            RunResult imported = unpacked.run("python", "-c", "import " + module);
            assertEquals(0, imported.exitCode(), module + ": " + imported.stderr());
        }
        assertEquals(EnvironmentStatus.State.READY, isoenv.status(target).state());
        // It is an isoenv environment: ensure() of the same specification there finds it ready, starting nothing.
        List<dev.isoenv.EnsureEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        isoenv.withListener(events::add).ensure(dev.isoenv.EnvironmentSpec.builder(target).backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(dev.isoenv.PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirements(PINNED).build());
        assertTrue(events.stream().anyMatch(e -> e instanceof dev.isoenv.EnsureEvent.Ready r
                && r.processesStarted() == 0 && !r.changed()), events.toString());
        assertFalse(Files.exists(target.resolve("pyvenv.cfg")), "still the bundled installation, not a new venv");
        // A changed specification installs into it, with its own pip.
        Environment changed = isoenv.ensure(dev.isoenv.EnvironmentSpec.builder(target).backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(dev.isoenv.PackageIndexes.builder().indexUrl(server.indexUrl()).build())
                .requirements(List.of(TestPackages.GREETER + "==1.0", TestPackages.HELLO + "==1.0")).build());
        assertEquals(TestPackages.greeterLine("1.0", "1.0"),
                changed.run(TestPackages.GREETER_SCRIPT).requireSuccess().stdout().strip());
        assertFalse(Files.exists(target.resolve("pyvenv.cfg")), "still the bundled installation, not a new venv");

        // Nothing of the building machine's paths: in no text file, in no run path; the loader finds libpython here.
        List<String> leaks = new ArrayList<>();
        List<String> runPaths = new ArrayList<>();
        List<String> dangling = new ArrayList<>();
        Path readelf = UnpackChecks.onPath("readelf").orElse(null);
        int elfFiles = 0;
        int newestGlibc = 0;
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                    dangling.add(target.relativize(p) + " -> " + Files.readSymbolicLink(p));
                }
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(p);
                String text = UnpackChecks.utf8(bytes);
                if (text != null && buildPaths.stream().anyMatch(text::contains)) {
                    leaks.add(target.relativize(p).toString());
                }
                if (readelf != null && bytes.length > 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L'
                        && bytes[3] == 'F') {
                    elfFiles++;
                    Ran dynamic = runDirectly(Map.of("LC_ALL", "C"), readelf.toString(), "-d", "-V", p.toString());
                    assertEquals(0, dynamic.status(), dynamic.stderr());
                    java.util.regex.Matcher glibc = java.util.regex.Pattern.compile("GLIBC_2\\.(\\d+)")
                            .matcher(dynamic.stdout());
                    while (glibc.find()) {
                        newestGlibc = Math.max(newestGlibc, Integer.parseInt(glibc.group(1)));
                    }
                    dynamic.stdout().lines().filter(l -> l.contains("(RPATH)") || l.contains("(RUNPATH)")
                            || l.contains("(NEEDED)")).filter(l -> buildPaths.stream().anyMatch(l::contains))
                            .forEach(l -> runPaths.add(target.relativize(p) + ": " + l.strip()));
                }
            }
        }
        assertEquals(List.of(), leaks, "text files that name the building machine's paths");
        assertEquals(List.of(), dangling, "links to nothing (such as the base's bin/pip to a script left out)");
        assertEquals(List.of(), runPaths, "run paths that name the building machine's paths");
        assertTrue(readelf == null || elfFiles > 10, "the interpreter, libpython and lib-dynload: " + elfFiles);
        assertTrue(readelf == null || newestGlibc > 0 && manifestGlibc >= newestGlibc, "the manifest's glibc 2."
                + manifestGlibc + " is at least the newest GLIBC_2.x that readelf -V shows the ELF files need, 2."
                + newestGlibc);
        Path ldd = UnpackChecks.onPath("ldd").orElse(null);
        if (ldd != null) {
            Ran libraries = runDirectly(Map.of(), ldd.toString(), target.resolve("bin").resolve("python" + mm)
                    .toString());
            assertEquals(0, libraries.status(), libraries.stderr());
            assertFalse(buildPaths.stream().anyMatch(libraries.stdout()::contains), libraries.stdout());
            assertFalse(libraries.stdout().contains("not found"), libraries.stdout());
        }

        // As another user, who may read neither the building machine's base installation nor its environment (when
        // they are in a folder such as /root, 0700): nothing of them is needed.
        Path setpriv = UnpackChecks.onPath("setpriv").orElse(null);
        if (setpriv != null && "0".equals(runDirectly(Map.of(), "id", "-u").stdout().strip())) {
            // Only the test's own folders above the environment (0700) are opened to others.
            for (Path p = target.getParent(); p != null && p.startsWith(workDir); p = p.getParent()) {
                java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
            }
            String[] asNobody = {setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"};
            Ran canRead = runDirectly(Map.of(), concat(asNobody, "test", "-r", basePrefix.resolve("lib")
                    .resolve("python" + mm).resolve("os.py").toString()));
            Ran nobody = runDirectly(Map.of(), concat(asNobody, target.resolve("bin").resolve("python" + mm)
                    .toString(), "-c", WHERE));
            assertEquals(0, nobody.status(), nobody.stderr());
            for (Path p : where(nobody.stdout())) {
                assertTrue(p.startsWith(real), p + " is not in " + real);
            }
            Ran greet = runDirectly(Map.of(), concat(asNobody, target.resolve("bin")
                    .resolve(TestPackages.GREETER_SCRIPT).toString()));
            // hello 1.0 since the changed specification above.
            assertEquals(TestPackages.greeterLine("1.0", "1.0"), greet.stdout().strip(), greet.stderr());
            System.out.println("isoenv bundled run as nobody: the base installation " + (canRead.status() == 0
                    ? "was readable to that user too" : "was not readable to that user"));
        }

        // Unpacked by tar(1), as Spark's --archives on YARN does: python and the console script, run directly.
        Path worker = workDir.resolve("spark worker").resolve("env");
        untar(bundled.file(), worker);
        Ran ran = runDirectly(Map.of(), worker.resolve("bin").resolve("python" + mm).toString(), "-c", WHERE);
        assertEquals(0, ran.status(), ran.stderr());
        for (Path p : where(ran.stdout())) {
            assertTrue(p.startsWith(worker.toRealPath()), p + " is not in " + worker);
        }
        Ran script = runDirectly(Map.of(), worker.resolve("bin").resolve(TestPackages.GREETER_SCRIPT).toString());
        assertEquals(TestPackages.greeterLine("1.0", "1.1"), script.stdout().strip(), script.stderr());

        // Half unpacked, without its interpreter: the console script says so in one line, with status 127.
        Files.delete(worker.resolve("bin").resolve("python" + mm));
        Ran broken = runDirectly(Map.of(), worker.resolve("bin").resolve(TestPackages.GREETER_SCRIPT).toString());
        assertEquals(127, broken.status(), broken.stderr());
        assertEquals(1, broken.stderr().lines().count(), broken.stderr());
        assertTrue(broken.stderr().contains("the Python " + version + " interpreter that its environment bundles (bin/python"
                + mm + ") is missing or cannot be run here. Unpack the whole archive again"), broken.stderr());
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    static Stream<String> installedMinorVersions() {
        InterpreterFinder finder = new InterpreterFinder(CommandRunner.standard(), System.getenv(),
                OperatingSystem.current(), Duration.ofSeconds(30));
        List<String> found = new ArrayList<>();
        for (String minor : new String[] {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"}) {
            try {
                finder.find(PythonRequest.version(minor));
                found.add(minor);
            } catch (PythonNotFoundException e) {
                // Not installed here.
            }
        }
        return found.stream();
    }

    /** CPython's search for its prefix (getpath.c up to 3.10, getpath.py from 3.11) finds the unpacked folder. */
    @ParameterizedTest
    @MethodSource("installedMinorVersions")
    void eachPythonVersionFindsItsPrefixWhereTarUnpacksIt(String minor) throws Exception {
        Environment env = client().ensure(spec("build/env " + minor).python(PythonRequest.version(minor))
                .requirements(List.of(TestPackages.HELLO + "==1.1")).build());
        EnvironmentArchive bundled = env.pack(workDir.resolve("env-" + minor + ".tar.gz"), BUNDLED);
        assertEquals(java.util.Optional.empty(), bundled.baseInterpreter());
        Path worker = workDir.resolve("worker " + minor).resolve("env");
        untar(bundled.file(), worker);
        Ran ran = runDirectly(Map.of(), worker.resolve("bin").resolve("python" + minor).toString(), "-c", WHERE);
        assertEquals(0, ran.status(), ran.stderr());
        for (Path p : where(ran.stdout())) {
            assertTrue(p.startsWith(worker.toRealPath()), p + " is not in " + worker);
        }
        Ran pip = runDirectly(Map.of(), worker.resolve("bin").resolve("pip").toString(), "--version");
        assertEquals(0, pip.status(), pip.stderr());
        assertTrue(pip.stdout().contains(worker.toRealPath().resolve("lib").toString()), pip.stdout());
    }

    @Test
    void aSystemPythonIsRefusedAndNothingIsWritten() throws Exception {
        Path system = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "python3");
            if (candidate != null && Files.isExecutable(candidate)) {
                Path prefix = candidate.toRealPath().getParent().getParent();
                if (prefix.equals(Path.of("/usr")) || prefix.equals(Path.of("/usr/local"))) {
                    system = candidate;
                    break;
                }
            }
        }
        assumeTrue(system != null, "no python3 of a system prefix (/usr, /usr/local) on PATH");
        Environment env = client().ensure(spec("build/env").python(PythonRequest.interpreter(system)).build());
        Path archive = workDir.resolve("out").resolve("env.tar.gz");
        PythonNotFoundException refused = assertThrows(PythonNotFoundException.class,
                () -> env.pack(archive, BUNDLED));
        assertTrue(refused.getMessage().contains("Cannot bundle the Python interpreter of "
                + system.toRealPath().getParent().getParent() + ": it is a system's or a framework's prefix"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("standalone CPython"), refused.getMessage());
        assertFalse(Files.exists(archive));
        try (Stream<Path> left = Files.list(archive.getParent())) {
            assertEquals(List.of(), left.toList(), "nothing left beside the archive");
        } catch (java.nio.file.NoSuchFileException e) {
            // Not even the folder.
        }
    }
}
