package dev.isoenv.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isoenv.Availability;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallerArgument;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.conda.CondaInstaller;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.testing.python.PipEnvironment;
import dev.isoenv.testing.python.PythonLocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A conda prefix made without conda, which cannot be installed here: the conda backend itself ({@link CondaInstaller},
 * unchanged) builds the environment, and only its process boundary, the micromamba executable, is answered here, by
 * {@link Tool}. What {@code micromamba install -p PREFIX python=X.Y pip isoenv-demo-paths} would leave is written as
 * conda writes it:
 *
 * <ul>
 *   <li><b>python</b>: a real CPython installation copied into the prefix (the interpreter, its shared
 *       {@code libpython}, the standard library with its extension modules), found as the tests find Python. The
 *       pyenv CPythons here are built {@code --enable-shared} with an absolute {@code RUNPATH} to their own
 *       {@code lib}, so a plain copy would still load the original {@code libpython}. Conda's Python is built
 *       relocatable, with {@code $ORIGIN}-relative run paths, and so is this copy: the {@code RUNPATH} string of every
 *       copied ELF file is rewritten to {@code $ORIGIN/../lib} (or {@code $ORIGIN}, {@code $ORIGIN/../..}), replaced
 *       in place and padded with NULs as conda-build relocates a binary (done by the fixture itself, not by isoenv's
 *       code under test), so that the prefix's interpreter loads the prefix's {@code libpython}, which the test
 *       checks in {@code /proc/self/maps}. The copied text files that named the original installation (such as
 *       {@code _sysconfigdata*.py}) get the prefix instead, as conda writes the prefix over a package's placeholder,
 *       and are listed with {@code "file_mode": "text"}. The compiled-in default prefix inside {@code libpython}
 *       still names the original installation (conda would have padded the prefix into it; here the prefix is longer
 *       than that string); Python does not use it, since it finds its standard library beside the executable.</li>
 *   <li><b>pip</b>: the installation's own pip, with {@code INSTALLER} {@code conda} and a {@code bin/pip} entry point
 *       {@code #!PREFIX/bin/pythonX.Y}, as conda's noarch pip package has.</li>
 *   <li><b>isoenv-demo-paths</b>, a package of this test: a binary file {@value #BINARY} over 4 MiB that names
 *       files of the prefix in NUL-terminated strings, built at a 255-character placeholder that conda replaced with
 *       the prefix (so the strings are padded with NULs), listed with {@code "file_mode": "binary"}; a small binary
 *       file {@value #SMALL_BINARY} with the same strings, also listed as binary; a pickle {@value #PICKLE} that holds
 *       the prefix as a length-prefixed string, as a post-link script or a program's cache writes one (in no record);
 *       a text file {@value #TEXT};
 *       the data file the binary names; and a module {@code isoenv_demo_paths} whose {@code data()} reads the binary
 *       file's first path and returns that file's text, so that only a correctly rewritten binary works after the
 *       prefix moves.</li>
 *   <li>{@code conda-meta/<name>-<version>-<build>.json} for each, with conda's {@code files} and
 *       {@code paths_data.paths[]} ({@code _path}, {@code path_type}, {@code sha256}, {@code size_in_bytes},
 *       {@code file_mode}, {@code prefix_placeholder}), and {@code conda-meta/history} as conda appends to it.</li>
 * </ul>
 */
final class CondaLikePrefix {
    /**
     * The binary file that names paths of the prefix: over 4 MiB, so that packing finds it through conda's record, not
     * by scanning it as a possible text file.
     */
    static final String BINARY = "share/isoenv-demo-paths/location.bin";
    /** A small binary file that names the prefix, listed as binary in the record: found by scanning. */
    static final String SMALL_BINARY = "share/isoenv-demo-paths/small.bin";
    /**
     * A pickle that names the prefix in a length-prefixed string, in no record: rewriting it as a C string would
     * change its length, so it must come back as it was.
     */
    static final String PICKLE = "share/isoenv-demo-paths/cache.pickle";
    /** The bytes after the strings of {@value #BINARY}. */
    private static final int FILLER = 5 << 20;
    /** A text file that names the prefix. */
    static final String TEXT = "etc/isoenv-demo-paths.conf";
    /** The file the binary file names first. */
    static final String DATA = "share/isoenv-demo-paths/data.txt";
    /** What {@value #DATA} holds. */
    static final String DATA_TEXT = "data of isoenv-demo-paths";
    /** conda-build's placeholder: 255 characters, so that any shorter install prefix fits when conda pads it in. */
    static final String PLACEHOLDER;
    /** conda's placeholder of noarch packages such as pip. */
    static final String NOARCH_PLACEHOLDER = "/opt/anaconda1anaconda2anaconda3";

    static {
        StringBuilder p = new StringBuilder("/home/conda/feedstock_root/build_artifacts/isoenv-demo-paths_1700000000"
                + "/_h_env");
        while (p.length() < 255) {
            p.append("_placehold");
        }
        PLACEHOLDER = p.substring(0, 255);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The CPython installation copied into the prefix. */
    record Base(Path prefix, Path executable, String version, String minor, List<String> libraries) {
        String executableName() {
            return executable.getFileName().toString();
        }
    }

    private final Base base;

    private CondaLikePrefix(Base base) {
        this.base = base;
    }

    /**
     * Finds the CPython installation the tests use: a POSIX installation with {@code bin/pythonX.Y},
     * {@code lib/pythonX.Y/os.py} and its {@code lib-dynload}, and pip.
     *
     * @return it, or empty with no such installation
     */
    static Optional<CondaLikePrefix> find() {
        Path python = PythonLocator.python3();
        String script = "import sys, sysconfig, os\n"
                + "v = sysconfig.get_config_var\n"
                + "print(sys.base_prefix); print(os.path.realpath(sys.executable))\n"
                + "print('%d.%d.%d' % sys.version_info[:3]); print('%d.%d' % sys.version_info[:2])\n"
                + "print(' '.join(x for x in {v('LDLIBRARY') or '', v('INSTSONAME') or ''}\n"
                + "               if x and v('Py_ENABLE_SHARED')))\n";
        var result = dev.isoenv.testing.python.CommandRunner.run(List.of(python.toString(), "-c", script),
                PipEnvironment.current(), Path.of("").toAbsolutePath(), Duration.ofSeconds(60));
        if (!result.succeeded()) {
            return Optional.empty();
        }
        String[] lines = result.stdout().split("\n", -1);
        Path prefix = Path.of(lines[0].strip());
        Path exe = Path.of(lines[1].strip());
        String minor = lines[3].strip();
        List<String> libraries = lines[4].isBlank() ? List.of() : List.of(lines[4].strip().split(" "));
        Path lib = prefix.resolve("lib").resolve("python" + minor);
        if (!exe.startsWith(prefix.resolve("bin")) || !Files.isRegularFile(lib.resolve("os.py"))
                || !Files.isDirectory(lib.resolve("lib-dynload"))
                || !Files.isDirectory(lib.resolve("site-packages/pip"))
                || libraries.stream().anyMatch(l -> !Files.exists(prefix.resolve("lib").resolve(l)))) {
            return Optional.empty();
        }
        return Optional.of(new CondaLikePrefix(new Base(prefix, exe, lines[2].strip(), minor, libraries)));
    }

    Base base() {
        return base;
    }

    /**
     * The bytes of {@value #BINARY} for a prefix: a header, the path of {@value #DATA} and then the prefix alone, each
     * a NUL-terminated string in a field as wide as conda-build's placeholder gave it (the path, its NUL, then NULs),
     * and a trailer. The same function gives the file as installed and as it must be after a move.
     */
    static byte[] binary(String prefix) {
        byte[] strings = smallBinary(prefix);
        byte[] out = java.util.Arrays.copyOf(strings, strings.length + FILLER);
        for (int i = strings.length; i < out.length; i++) {
            out[i] = (byte) (i * 31 + 7);
        }
        return out;
    }

    /**
     * The bytes of {@value #PICKLE}: the prefix as a pickle (protocol 2) of a {@code str}, a {@code BINUNICODE} opcode
     * with the string's length in four bytes before it.
     */
    static byte[] pickle(String prefix) {
        byte[] text = prefix.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'X', (byte) text.length, (byte) (text.length >>> 8),
            (byte) (text.length >>> 16), (byte) (text.length >>> 24)});
        out.writeBytes(text);
        out.writeBytes(new byte[] {'q', 0, '.'});
        return out.toByteArray();
    }

    /** The bytes of {@value #SMALL_BINARY}: those of {@value #BINARY} without the filler. */
    static byte[] smallBinary(String prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x7f, 'I', 'D', 'P', 0, 1, (byte) 0xff, (byte) 0xfe});
        field(out, prefix + "/" + DATA, PLACEHOLDER.length() + DATA.length() + 2);
        out.writeBytes(new byte[] {2, (byte) 0x80, (byte) 0xc0});
        field(out, prefix, PLACEHOLDER.length() + 1);
        out.writeBytes(new byte[] {3, (byte) 0xff, 0, 'e', 'n', 'd'});
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String text, int width) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length >= width) {
            throw new IllegalArgumentException("longer than conda-build's placeholder: " + text);
        }
        out.writeBytes(b);
        out.writeBytes(new byte[width - b.length]);
    }

    /** What micromamba's {@code install -p PREFIX ...} leaves in the prefix; see the class description. */
    void install(Path root, List<String> specs) throws IOException {
        Path lib = root.resolve("lib");
        Path stdlib = lib.resolve("python" + base.minor());
        Path site = stdlib.resolve("site-packages");
        String prefix = root.toString();
        Files.createDirectories(site);
        Files.createDirectories(root.resolve("bin"));
        List<ObjectNode> pythonPaths = new ArrayList<>();
        copy(base.executable(), root.resolve("bin").resolve(base.executableName()), root, pythonPaths);
        for (String link : List.of("python", "python3")) {
            Files.createSymbolicLink(root.resolve("bin").resolve(link), Path.of(base.executableName()));
            pythonPaths.add(path(root, root.resolve("bin").resolve(link), null, "softlink"));
        }
        for (String library : base.libraries()) {
            Path from = base.prefix().resolve("lib").resolve(library);
            if (Files.isSymbolicLink(from)) {
                Files.createSymbolicLink(lib.resolve(library), Files.readSymbolicLink(from));
                pythonPaths.add(path(root, lib.resolve(library), null, "softlink"));
            } else {
                copy(from, lib.resolve(library), root, pythonPaths);
            }
        }
        Path baseLib = base.prefix().resolve("lib").resolve("python" + base.minor());
        Set<String> left = Set.of("site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3",
                "pydoc_data", "__pycache__");
        try (Stream<Path> all = Files.walk(baseLib)) {
            for (Path from : (Iterable<Path>) all.sorted()::iterator) {
                Path rel = baseLib.relativize(from);
                if (rel.toString().isEmpty() || Files.isDirectory(from)) {
                    continue;
                }
                boolean skipped = false;
                for (Path part : rel) {
                    skipped |= left.contains(part.toString()) || part.toString().startsWith("config-");
                }
                if (!skipped) {
                    copy(from, stdlib.resolve(rel.toString()), root, pythonPaths);
                }
            }
        }
        meta(root, "python", base.version(), "h_isoenv_0_cpython", pythonPaths);

        List<ObjectNode> pipPaths = new ArrayList<>();
        Path baseSite = baseLib.resolve("site-packages");
        String pipVersion = null;
        try (Stream<Path> entries = Files.list(baseSite)) {
            for (Path e : (Iterable<Path>) entries.sorted()::iterator) {
                String name = e.getFileName().toString();
                if (name.equals("pip") || name.startsWith("pip-") && name.endsWith(".dist-info")) {
                    if (name.startsWith("pip-")) {
                        pipVersion = name.substring(4, name.length() - ".dist-info".length());
                    }
                    try (Stream<Path> files = Files.walk(e)) {
                        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                            if (Files.isRegularFile(f) && !f.toString().contains("__pycache__")) {
                                copy(f, site.resolve(baseSite.relativize(f).toString()), root, pipPaths);
                            }
                        }
                    }
                }
            }
        }
        Path installer = site.resolve("pip-" + pipVersion + ".dist-info").resolve("INSTALLER");
        Files.writeString(installer, "conda\n");
        Path pip = root.resolve("bin/pip");
        Files.writeString(pip, "#!" + prefix + "/bin/" + base.executableName() + "\n# -*- coding: utf-8 -*-\n"
                + "import re\n"
                + "import sys\nfrom pip._internal.cli.main import main\nif __name__ == '__main__':\n"
                + "    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n");
        Files.setPosixFilePermissions(pip, PosixFilePermissions.fromString("rwxr-xr-x"));
        pipPaths.add(path(root, pip, NOARCH_PLACEHOLDER, "text"));
        meta(root, "pip", pipVersion, "pyh8b19718_0", pipPaths);

        if (specs.contains("isoenv-demo-paths")) {
            List<ObjectNode> demo = new ArrayList<>();
            Path binary = root.resolve(BINARY);
            Files.createDirectories(binary.getParent());
            Files.write(binary, binary(prefix));
            demo.add(path(root, binary, PLACEHOLDER, "binary"));
            Files.write(root.resolve(SMALL_BINARY), smallBinary(prefix));
            demo.add(path(root, root.resolve(SMALL_BINARY), PLACEHOLDER, "binary"));
            Files.write(root.resolve(PICKLE), pickle(prefix));
            Files.writeString(root.resolve(DATA), DATA_TEXT + "\n");
            demo.add(path(root, root.resolve(DATA), null, null));
            Files.createDirectories(root.resolve(TEXT).getParent());
            Files.writeString(root.resolve(TEXT), "# isoenv-demo-paths\nprefix=" + prefix + "\ndata=" + prefix + "/"
                    + DATA + "\n");
            demo.add(path(root, root.resolve(TEXT), PLACEHOLDER, "text"));
            Path module = site.resolve("isoenv_demo_paths.py");
            Files.writeString(module, "import os, sys\n\n\ndef location():\n"
                    + "    with open(os.path.join(sys.prefix, " + pyString(BINARY) + "), 'rb') as f:\n"
                    + "        data = f.read()\n"
                    + "    return data[8:data.index(b'\\0', 8)].decode('utf-8')\n\n\n"
                    + "def data():\n    with open(location(), encoding='utf-8') as f:\n"
                    + "        return f.read().strip()\n");
            demo.add(path(root, module, null, null));
            meta(root, "isoenv-demo-paths", "1.0", "h0_0", demo);
        }
        Files.writeString(root.resolve("conda-meta/history"), "==> 2026-12-01 00:00:00 <==\n"
                + "# cmd: micromamba install -p "
                + prefix + " " + String.join(" ", specs) + "\n# conda version: 2.0.8\n+conda-forge/linux-64::python-"
                + base.version() + "-h_isoenv_0_cpython\n+conda-forge/noarch::pip-" + pipVersion + "-pyh8b19718_0\n"
                + (specs.contains("isoenv-demo-paths") ? "+conda-forge/linux-64::isoenv-demo-paths-1.0-h0_0\n" : "")
                + "# update specs: " + JSON.writeValueAsString(specs) + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * Copies one file of the installation into the prefix, as conda links a package's file: an ELF file gets a
     * {@code $ORIGIN}-relative run path instead of the installation's absolute one; a text file that names the
     * installation names the prefix instead, listed as conda lists a file it wrote the prefix into.
     */
    private void copy(Path from, Path to, Path root, List<ObjectNode> paths) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        byte[] bytes = Files.readAllBytes(to);
        String original = base.prefix().toString();
        if (bytes.length > 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            String relative = to.getParent().relativize(root.resolve("lib")).toString();
            String origin = relative.isEmpty() ? "$ORIGIN" : "$ORIGIN/" + relative;
            if (relocate(bytes, (original + "/lib").getBytes(StandardCharsets.UTF_8),
                    origin.getBytes(StandardCharsets.UTF_8))) {
                Files.write(to, bytes);
            }
            paths.add(path(root, to, null, null));
            return;
        }
        String text = UnpackChecks.utf8(bytes);
        if (text != null && text.contains(original)) {
            Files.writeString(to, text.replace(original, root.toString()));
            Files.setLastModifiedTime(to, Files.getLastModifiedTime(from));
            paths.add(path(root, to, original, "text"));
        } else {
            paths.add(path(root, to, null, null));
        }
    }

    /**
     * conda-build's relocation of a run path, done here independently of isoenv's code: each NUL-terminated string that
     * is exactly {@code old} becomes {@code replacement} followed by NULs, in place.
     *
     * @return whether anything changed
     */
    private static boolean relocate(byte[] bytes, byte[] old, byte[] replacement) {
        if (replacement.length > old.length) {
            throw new IllegalArgumentException("the relative run path is longer than the absolute one");
        }
        boolean changed = false;
        outer:
        for (int i = 1; i + old.length < bytes.length; i++) {
            if (bytes[i - 1] != 0 || bytes[i + old.length] != 0) {
                continue;
            }
            for (int j = 0; j < old.length; j++) {
                if (bytes[i + j] != old[j]) {
                    continue outer;
                }
            }
            java.util.Arrays.fill(bytes, i, i + old.length, (byte) 0);
            System.arraycopy(replacement, 0, bytes, i, replacement.length);
            changed = true;
        }
        return changed;
    }

    private static ObjectNode path(Path root, Path file, String placeholder, String mode) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("_path", root.relativize(file).toString());
        if (mode != null && mode.equals("softlink")) {
            p.put("path_type", "softlink");
            return p;
        }
        p.put("path_type", "hardlink");
        byte[] bytes = Files.readAllBytes(file);
        p.put("sha256", HexFormat.of().formatHex(sha256(bytes)));
        p.put("size_in_bytes", bytes.length);
        if (placeholder != null) {
            p.put("file_mode", mode);
            p.put("prefix_placeholder", placeholder);
        }
        return p;
    }

    private static void meta(Path root, String name, String version, String build, List<ObjectNode> paths)
            throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", name);
        m.put("version", version);
        m.put("build", build);
        m.put("build_number", 0);
        m.put("channel", "https://conda.anaconda.org/conda-forge/" + (name.equals("pip") ? "noarch" : "linux-64"));
        m.put("subdir", name.equals("pip") ? "noarch" : "linux-64");
        m.put("fn", name + "-" + version + "-" + build + ".conda");
        m.put("url", m.get("channel").asText() + "/" + m.get("fn").asText());
        m.put("requested_spec", name);
        m.putArray("depends");
        ArrayNode files = m.putArray("files");
        paths.forEach(p -> files.add(p.get("_path").asText()));
        ObjectNode data = m.putObject("paths_data");
        data.put("paths_version", 1);
        ArrayNode list = data.putArray("paths");
        paths.forEach(list::add);
        ObjectNode link = m.putObject("link");
        link.put("source", "/nonexistent/pkgs/" + name + "-" + version + "-" + build);
        link.put("type", 1);
        Path file = Files.createDirectories(root.resolve("conda-meta")).resolve(name + "-" + version + "-" + build
                + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), m);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The micromamba executable's side of the process boundary: {@code --version}, {@code create --dry-run} and
     * {@code install -p} are answered as micromamba 2 answers them (JSON on stdout), the last one by writing what it
     * would install; every other process (the prefix's own Python and pip) runs for real through the runner given.
     */
    final class Tool implements CommandRunner {
        private final Path executable;
        private final CommandRunner real;
        /** The tool's command lines, in order. */
        final List<List<String>> calls;

        Tool(Path executable, CommandRunner real, List<List<String>> calls) {
            this.executable = executable;
            this.real = real;
            this.calls = calls;
        }

        @Override
        public ProcessResult run(ProcessRequest request) {
            List<String> c = request.command();
            if (!c.get(0).equals(executable.toString())) {
                return real.run(request);
            }
            calls.add(c);
            try {
                if (c.get(1).equals("--version")) {
                    return result(c, "2.0.8\n");
                }
                if (c.get(1).equals("create") && c.get(2).equals("--dry-run")) {
                    return result(c, answer(Path.of(c.get(4)), true));
                }
                if (c.get(1).equals("install") && c.get(2).equals("-p")) {
                    Path root = Path.of(c.get(3));
                    List<String> specs = c.subList(4, c.indexOf("-c"));
                    if (!Files.exists(root.resolve("bin/python"), LinkOption.NOFOLLOW_LINKS)) {
                        install(root, specs);
                    }
                    return result(c, answer(root, false));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ProcessResult(c, 1, "", "not answered by the test: " + c, List.of("not answered"),
                    Duration.ofMillis(1));
        }

        private String answer(Path root, boolean dry) throws IOException {
            ObjectNode a = JSON.createObjectNode();
            ObjectNode actions = a.putObject("actions");
            ArrayNode linked = actions.putArray("LINK");
            for (String[] p : List.of(new String[] {"python", base.version()},
                    new String[] {"isoenv-demo-paths", "1.0"})) {
                linked.addObject().put("name", p[0]).put("version", p[1]);
            }
            actions.put("PREFIX", root.toString());
            a.put("dry_run", dry);
            a.put("prefix", root.toString());
            a.put("success", true);
            return JSON.writeValueAsString(a);
        }

        private ProcessResult result(List<String> c, String stdout) {
            return new ProcessResult(c, 0, stdout, "", List.of(), Duration.ofMillis(1));
        }
    }

    /**
     * The conda backend, {@link CondaInstaller} as ServiceLoader makes it, given contexts whose runner is {@link Tool}:
     * the backend's own code decides every command and writes isoenv's records; only the tool's answers are the
     * test's.
     */
    static final class Backend implements Installer {
        private final CondaInstaller delegate = new CondaInstaller();
        private final java.util.function.Function<CommandRunner, CommandRunner> boundary;

        Backend(java.util.function.Function<CommandRunner, CommandRunner> boundary) {
            this.boundary = boundary;
        }

        private BackendContext context(BackendContext c) {
            return new BackendContext(c.spec(), boundary.apply(c.runner()), c.listener(),
                    event -> c.publish((EnsureEvent.BackendEvent) event), c.processEnvironment());
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public int priority() {
            return delegate.priority();
        }

        @Override
        public Availability availability() {
            return delegate.availability();
        }

        @Override
        public Availability availabilityFor(EnvironmentSpec spec) {
            return delegate.availabilityFor(spec);
        }

        @Override
        public Optional<String> cannotBuild(EnvironmentSpec spec) {
            return delegate.cannotBuild(spec);
        }

        @Override
        public Optional<String> cannotApply(InstallerArgument argument) {
            return delegate.cannotApply(argument);
        }

        @Override
        public boolean chosenAutomaticallyFor(EnvironmentSpec spec) {
            return delegate.chosenAutomaticallyFor(spec);
        }

        @Override
        public void prepare(EnvironmentSpec spec, BackendContext context) {
            delegate.prepare(spec, context(context));
        }

        @Override
        public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
            return delegate.create(spec, context(context));
        }

        @Override
        public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
            delegate.install(environment, step, context(context));
        }

        @Override
        public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
            delegate.uninstall(environment, distributions, context(context));
        }

        @Override
        public Optional<List<InstalledDistribution>> resolve(EnvironmentLayout environment, InstallStep step,
                                                             BackendContext context) {
            return delegate.resolve(environment, step, context(context));
        }

        @Override
        public boolean usesSharedStore() {
            return delegate.usesSharedStore();
        }

        @Override
        public List<InstalledDistribution> list(EnvironmentLayout environment) {
            return delegate.list(environment);
        }
    }
}
