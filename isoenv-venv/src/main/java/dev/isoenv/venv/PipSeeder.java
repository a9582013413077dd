package dev.isoenv.venv;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.isoenv.venv.interpreter.PythonInterpreter;
import dev.isoenv.spi.EnvironmentLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Gives a new virtual environment a working pip without running pip: it unpacks the pip wheel that the base
 * interpreter's {@code ensurepip} bundles straight into site-packages, as installing a pure-Python wheel
 * amounts to, and writes the {@code pip}, {@code pip3} and {@code pip3.X} console scripts. The wheel's
 * {@code RECORD} is extended with what is added, so {@code pip uninstall pip} and upgrades work as usual.
 * This takes a fraction of the time {@code ensurepip} needs, because ensurepip starts pip to install pip.
 */
final class PipSeeder {
    /** Longest shebang the kernel accepts unchanged on Linux; longer or spaced paths need a trampoline. */
    private static final int MAX_SHEBANG = 127;

    private PipSeeder() {
    }

    /**
     * Tells whether the fast path applies: a bundled wheel exists and the environment is not on Windows (where
     * console scripts are .exe launchers that only pip can build).
     */
    static boolean canSeed(PythonInterpreter interpreter, EnvironmentLayout layout) {
        return interpreter.pipWheel().isPresent() && !layout.operatingSystem().isWindows();
    }

    /**
     * Gives the environment pip: from {@code compiled}, the bundled pip unpacked and compiled once (see
     * {@link CompiledPip}), when given and readable, else unpacked from the wheel. With {@code share}, the compiled
     * files are hard-linked (they are read-only there, like the shared store's), so that N environments hold one pip
     * on disk; its {@code RECORD} and {@code INSTALLER}, which each environment writes, are copies. Where links are
     * impossible, as across file systems, or without {@code share}, every file is copied.
     */
    static void seed(PythonInterpreter interpreter, EnvironmentLayout layout, Optional<Path> compiled)
            throws IOException {
        seed(interpreter, layout, compiled, false);
    }

    static void seed(PythonInterpreter interpreter, EnvironmentLayout layout, Optional<Path> compiled,
                     boolean share) throws IOException {
        Path wheel = interpreter.pipWheel().orElseThrow();
        Path site = layout.sitePackages();
        Files.createDirectories(site);
        String distInfo = null;
        if (compiled.isPresent()) {
            try {
                distInfo = copy(compiled.get(), site, share);
            } catch (IOException e) {
                distInfo = null;
            }
        }
        if (distInfo == null) {
            distInfo = unpack(wheel, site);
        }
        List<String> record = new ArrayList<>();
        record.add(writeFile(site, site.resolve(distInfo).resolve("INSTALLER"), "isoenv\n", false));
        for (String name : scriptNames(interpreter)) {
            Path script = layout.scriptsDirectory().resolve(name);
            record.add(writeFile(site, script, consoleScript(layout.python()), true));
        }
        Path recordFile = site.resolve(distInfo).resolve("RECORD");
        Files.write(recordFile, (String.join("\n", record) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
    }

    /**
     * Unpacks a pure-Python wheel into a folder, replacing what is there.
     *
     * @return the name of its {@code .dist-info} folder
     */
    static String unpack(Path wheel, Path site) throws IOException {
        Files.createDirectories(site);
        String distInfo = null;
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = site.resolve(entry.getName()).normalize();
                if (!target.startsWith(site)) {
                    throw new IOException("The pip wheel " + wheel + " holds an entry outside site-packages: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                String top = entry.getName().split("/")[0];
                if (top.endsWith(".dist-info")) {
                    distInfo = top;
                }
            }
        }
        if (distInfo == null) {
            throw new IOException("The pip wheel " + wheel + " has no .dist-info directory");
        }
        return distInfo;
    }

    /**
     * Copies a compiled pip's files, bytecode included, into site-packages, or links them with {@code share}. Copied
     * contents, not attributes: the copies are the environment's own, writable files; checked-hash bytecode stays
     * valid in a copy.
     *
     * @return the name of its {@code .dist-info} folder
     */
    private static String copy(Path from, Path site, boolean share) throws IOException {
        boolean[] link = {share};
        String[] distInfo = {null};
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(dir);
                Files.createDirectories(site.resolve(relative.toString()));
                if (relative.getNameCount() == 1 && relative.toString().endsWith(".dist-info")) {
                    distInfo[0] = relative.toString();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(file);
                Path target = site.resolve(relative.toString());
                String name = relative.getFileName().toString();
                boolean own = relative.getNameCount() == 2 && relative.getName(0).toString().endsWith(".dist-info")
                        && (name.equals("RECORD") || name.equals("INSTALLER"));
                if (link[0] && !own && isReadOnly(file)) {
                    try {
                        Files.deleteIfExists(target);
                        Files.createLink(target, file);
                        return FileVisitResult.CONTINUE;
                    } catch (IOException | UnsupportedOperationException e) {
                        link[0] = false;
                    }
                }
                try (InputStream in = Files.newInputStream(file)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (distInfo[0] == null) {
            throw new IOException("The compiled pip in " + from + " has no .dist-info directory");
        }
        return distInfo[0];
    }

    /** Whether no one may write the file by its permissions (root's access checks ignore them). */
    private static boolean isReadOnly(Path file) throws IOException {
        java.nio.file.attribute.PosixFileAttributeView posix = Files.getFileAttributeView(file,
                java.nio.file.attribute.PosixFileAttributeView.class);
        if (posix != null) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> p = posix.readAttributes().permissions();
            return !p.contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)
                    && !p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                    && !p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        }
        java.nio.file.attribute.DosFileAttributeView dos = Files.getFileAttributeView(file,
                java.nio.file.attribute.DosFileAttributeView.class);
        return dos != null && dos.readAttributes().isReadOnly();
    }

    private static List<String> scriptNames(PythonInterpreter interpreter) {
        return List.of("pip", "pip3", "pip" + interpreter.minorVersion());
    }

    /** Writes a file and returns its RECORD line, with the path relative to site-packages. */
    private static String writeFile(Path site, Path file, String content, boolean executable) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
        if (executable) {
            Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
        }
        String hash = BaseEncoding.base64Url().omitPadding().encode(Hashing.sha256().hashBytes(bytes).asBytes());
        String relative = site.relativize(file).toString().replace('\\', '/');
        return relative + ",sha256=" + hash + "," + bytes.length;
    }

    /**
     * Returns a console script as pip's own launcher writes it. Paths with spaces or longer than the kernel's
     * shebang limit get the {@code /bin/sh} trampoline that pip's distlib uses in the same case.
     */
    static String consoleScript(Path python) {
        String exe = python.toString();
        String shebang;
        if (exe.contains(" ") || exe.length() + 2 > MAX_SHEBANG) {
            shebang = "#!/bin/sh\n'''exec' \"" + exe + "\" \"$0\" \"$@\"\n' '''\n";
        } else {
            shebang = "#!" + exe + "\n";
        }
        return shebang
                + "# -*- coding: utf-8 -*-\n"
                + "import re\n"
                + "import sys\n"
                + "from pip._internal.cli.main import main\n"
                + "if __name__ == '__main__':\n"
                + "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                + "    sys.exit(main())\n";
    }
}
