package dev.isoenv.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.StoreGarbage;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared store on hand-made environments (site-packages laid out as pip lays it out, with a RECORD of real
 * hashes): what it shares and refuses, how it links, and what a collection removes. The end-to-end behaviour with
 * real pip is in isoenv-it's SharedStoreTest.
 */
class SharedStoreTest {
    private static final InstalledDistribution DEMO = InstalledDistribution.of("demo-pkg", "1.0");
    private static final String INFO = "demo_pkg-1.0.dist-info";

    @TempDir
    Path dir;

    private SharedStore store() {
        return SharedStore.at(dir.resolve("store"), OperatingSystem.LINUX);
    }

    private EnvironmentLayout layout(String name) throws IOException {
        Path root = dir.resolve(name);
        Path site = root.resolve("lib/python3.12/site-packages");
        Files.createDirectories(site);
        Files.createDirectories(root.resolve(".isoenv"));
        return EnvironmentLayout.virtualEnvironment(root, site, OperatingSystem.LINUX);
    }

    /** Installs demo-pkg 1.0 as pip would: module, bytecode, metadata, a console script, and a RECORD. */
    private EnvironmentLayout installed(String name, Map<String, String> extraFiles, String installer)
            throws IOException {
        EnvironmentLayout layout = layout(name);
        Path site = layout.sitePackages();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("demo_pkg/__init__.py", "def main():\n    print('demo')\n");
        files.put(INFO + "/METADATA", "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n\n");
        files.put(INFO + "/WHEEL", "Wheel-Version: 1.0\nTag: py3-none-any\n");
        files.put(INFO + "/entry_points.txt", "[console_scripts]\ndemo = demo_pkg:main\n");
        files.put(INFO + "/INSTALLER", installer + "\n");
        files.putAll(extraFiles);
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = site.resolve(f.getKey()).normalize();
            Files.createDirectories(file.getParent());
            byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            record.append(f.getKey()).append(",sha256=").append(b64(bytes)).append(',').append(bytes.length)
                    .append('\n');
        }
        Path pyc = site.resolve("demo_pkg/__pycache__/__init__.cpython-312.pyc");
        Files.createDirectories(pyc.getParent());
        Files.write(pyc, new byte[] {1, 2, 3});
        record.append("demo_pkg/__pycache__/__init__.cpython-312.pyc,,\n");
        Path script = layout.scriptsDirectory().resolve("demo");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!" + dir.resolve(name) + "/bin/python\nimport demo_pkg\n");
        record.append("../../../bin/demo,sha256=").append(b64(Files.readAllBytes(script))).append(",10\n");
        record.append(INFO).append("/RECORD,,\n");
        Files.writeString(site.resolve(INFO + "/RECORD"), record.toString());
        return layout;
    }

    private static String b64(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean writable(Path file) throws IOException {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        return p.contains(PosixFilePermission.OWNER_WRITE) || p.contains(PosixFilePermission.GROUP_WRITE)
                || p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void addsAVerifiedDistributionByLinkingItsFilesAndMakesThemReadOnly() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        Optional<String> key = store().add(a, "3.12", "linux x86_64 cpython", DEMO);

        assertTrue(key.isPresent());
        assertTrue(key.get().startsWith("demo-pkg-1.0-"), key.get());
        Path module = a.sitePackages().resolve("demo_pkg/__init__.py");
        Path object = store().object(dev.isoenv.internal.io.Sha256.hex(module));
        assertTrue(Files.isSameFile(module, object), "the environment's file is the stored object");
        assertFalse(writable(module), "shared files are read-only");
        assertTrue(Files.isSameFile(a.sitePackages().resolve("demo_pkg/__pycache__/__init__.cpython-312.pyc"),
                store().object(dev.isoenv.internal.io.Sha256.hex(a.sitePackages().resolve(
                        "demo_pkg/__pycache__/__init__.cpython-312.pyc")))), "bytecode is shared too");
        // The environment's own records are copies in the store, never links to the environment's files.
        Path installer = a.sitePackages().resolve(INFO + "/INSTALLER");
        assertFalse(Files.isSameFile(installer, store().object(dev.isoenv.internal.io.Sha256.hex(installer))));
        assertTrue(writable(installer));
    }

    @Test
    void theSameDistributionFromTwoInstallsIsOneKeyAndTheSecondCopyBecomesALink() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        EnvironmentLayout b = installed("b", Map.of(), "pip");
        String first = store().add(a, "3.12", "linux x86_64 cpython", DEMO).orElseThrow();
        Path moduleB = b.sitePackages().resolve("demo_pkg/__init__.py");
        assertFalse(Files.isSameFile(a.sitePackages().resolve("demo_pkg/__init__.py"), moduleB));

        assertEquals(first, store().add(b, "3.12", "linux x86_64 cpython", DEMO).orElseThrow(),
                "the key depends on the declared hashes, not on the environment's scripts or bytecode");
        assertTrue(Files.isSameFile(a.sitePackages().resolve("demo_pkg/__init__.py"), moduleB),
                "the second environment's copy is replaced by a link to the stored file");
        assertNotEquals(first, store().add(a, "3.11", "linux x86_64 cpython", DEMO).orElseThrow(),
                "another Python is another stored distribution");
    }

    @Test
    void refusesAFileThatNoLongerMatchesItsDeclaredHashAndLeavesTheEnvironmentAlone() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        Path module = a.sitePackages().resolve("demo_pkg/__init__.py");
        Files.writeString(module, "def main():\n    print('edited by hand')\n");

        assertEquals(Optional.empty(), store().add(a, "3.12", "linux x86_64 cpython", DEMO));
        assertTrue(writable(module));
        assertFalse(Files.exists(store().object(dev.isoenv.internal.io.Sha256.hex(module))));
    }

    @Test
    void refusesWhatItCannotShareSafely() throws IOException {
        // A script that is not a launcher of an entry point (pip wrote the interpreter's path into it), and a file
        // outside the environment.
        EnvironmentLayout script = installed("script", Map.of("../../../bin/extra-tool", "#!python\n"), "pip");
        assertEquals(Optional.empty(), store().add(script, "3.12", "p", DEMO));
        EnvironmentLayout outside = installed("outside", Map.of("../../../../elsewhere.txt", "data"), "pip");
        assertEquals(Optional.empty(), store().add(outside, "3.12", "p", DEMO));
        // Installed by another installer: conda and uv link from their own caches.
        EnvironmentLayout uv = installed("uv", Map.of(), "uv");
        assertEquals(Optional.empty(), store().add(uv, "3.12", "p", DEMO));
        // An editable install points at a source folder.
        EnvironmentLayout editable = installed("editable", Map.of(INFO + "/direct_url.json",
                "{\"url\": \"file:///src/demo\", \"dir_info\": {\"editable\": true}}"), "pip");
        assertEquals(Optional.empty(), store().add(editable, "3.12", "p", DEMO));
        // Not installed at all.
        assertEquals(Optional.empty(), store().add(layout("empty"), "3.12", "p", DEMO));
    }

    @Test
    void linksAStoredDistributionIntoAnotherEnvironmentWithItsOwnRecordsAndLaunchers() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        EnvironmentLayout b = layout("b with space");

        assertTrue(store().link(b, key, true, "3.12", "p"));

        Path module = b.sitePackages().resolve("demo_pkg/__init__.py");
        assertTrue(Files.isSameFile(a.sitePackages().resolve("demo_pkg/__init__.py"), module));
        assertEquals("pip", Files.readString(b.sitePackages().resolve(INFO + "/INSTALLER")).strip());
        Path record = b.sitePackages().resolve(INFO + "/RECORD");
        assertTrue(writable(record), "the RECORD is the environment's own");
        String lines = Files.readString(record);
        assertTrue(lines.contains(INFO + "/REQUESTED,sha256="), lines);
        assertTrue(lines.contains("../../../bin/demo,sha256=" + b64(Files.readAllBytes(b.scriptsDirectory()
                .resolve("demo"))) + ","), "it lists this environment's own launcher: " + lines);
        assertTrue(Files.exists(b.sitePackages().resolve(INFO + "/REQUESTED")));
        Path launcher = b.scriptsDirectory().resolve("demo");
        String text = Files.readString(launcher);
        assertTrue(text.startsWith("#!/bin/sh\n'''exec' \"" + b.python() + "\""), "a path with a space gets the"
                + " /bin/sh form pip writes: " + text);
        assertTrue(text.contains("from demo_pkg import main") && text.contains("sys.exit(main())"), text);
        assertTrue(Files.isExecutable(launcher));
        assertEquals(List.of(DEMO), dev.isoenv.internal.metadata.DistributionScanner.scan(b.sitePackages()));

        EnvironmentLayout c = layout("c");
        assertTrue(store().link(c, key, false, "3.12", "p"));
        assertFalse(Files.exists(c.sitePackages().resolve(INFO + "/REQUESTED")), "a dependency is not requested");
        assertTrue(Files.readString(c.scriptsDirectory().resolve("demo")).startsWith("#!" + c.python() + "\n"));
    }

    @Test
    void aLinkThatFailsHalfWayLeavesNothingThatLooksInstalled() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        EnvironmentLayout b = layout("b");
        // The launchers cannot be written: bin is a file. The content is in place by then.
        Files.writeString(b.root().resolve("bin"), "not a directory");

        assertFalse(store().link(b, key, true, "3.12", "p"));

        assertEquals(List.of(), dev.isoenv.internal.metadata.DistributionScanner.scan(b.sitePackages()));
        assertFalse(Files.exists(b.sitePackages().resolve("demo_pkg/__init__.py")), "what it linked is rolled back");
        try (var s = Files.list(b.sitePackages())) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("~"))
                    .collect(java.util.stream.Collectors.toList()), "no staging folder is left");
        }
    }

    @Test
    void linkingAgainOverFilesThatAreAlreadyLinkedLeavesNoTemporaryFiles() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        EnvironmentLayout b = layout("b");
        assertTrue(store().link(b, key, true, "3.12", "p"));
        // As after a crash before the metadata was renamed into place: the content is there, the metadata is not.
        com.google.common.io.MoreFiles.deleteRecursively(b.sitePackages().resolve(INFO),
                com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);

        assertTrue(store().link(b, key, true, "3.12", "p"));

        try (var s = Files.walk(b.sitePackages())) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".~isoenv"))
                    .collect(java.util.stream.Collectors.toList()));
        }
        assertEquals(List.of(DEMO), dev.isoenv.internal.metadata.DistributionScanner.scan(b.sitePackages()));
    }

    @Test
    void linkingRefusesADistributionStoredForAnotherPythonOrPlatform() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "linux x86_64 cpython", DEMO).orElseThrow();
        EnvironmentLayout b = layout("b");

        assertFalse(store().link(b, key, true, "3.13", "linux x86_64 cpython"));
        assertFalse(store().link(b, key, true, "3.12", "linux aarch64 cpython"));
        assertEquals(List.of(), dev.isoenv.internal.metadata.DistributionScanner.scan(b.sitePackages()));
        assertTrue(store().link(b, key, true, "3.12", "linux x86_64 cpython"));
    }

    @Test
    void launchersNameTheInterpreterAsPipDoes() {
        Path short124 = Path.of("/" + "p".repeat(123));
        assertEquals("#!" + short124 + "\n", ConsoleScripts.shebang(short124, OperatingSystem.LINUX).orElseThrow());
        Path long125 = Path.of("/" + "p".repeat(124));
        assertTrue(ConsoleScripts.shebang(long125, OperatingSystem.LINUX).orElseThrow().startsWith("#!/bin/sh\n"));
        assertTrue(ConsoleScripts.shebang(long125, OperatingSystem.MACOS).orElseThrow().startsWith("#!/p"),
                "macOS reads 512 bytes");
        assertEquals(Optional.empty(), ConsoleScripts.shebang(Path.of("/a $HOME/python"), OperatingSystem.LINUX),
                "a path the /bin/sh form cannot quote is left to pip");
    }

    @Test
    void dataFilesElsewhereInTheEnvironmentAreSharedToo() throws IOException {
        // As sympy's manual page: share/man/man1/isympy.1, three levels above site-packages.
        EnvironmentLayout a = installed("a", Map.of("../../../share/man/man1/demo.1", "manual"), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        EnvironmentLayout b = layout("b");

        assertTrue(store().link(b, key, true, "3.12", "p"));

        Path page = b.root().resolve("share/man/man1/demo.1");
        assertTrue(Files.isSameFile(a.root().resolve("share/man/man1/demo.1"), page));
        assertTrue(Files.readString(b.sitePackages().resolve(INFO + "/RECORD")).contains(
                "../../../share/man/man1/demo.1,sha256="), "its RECORD lists it, so that pip uninstall removes it");
    }

    @Test
    void linkingRefusesWhatTheStoreNoLongerHasWhole() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        Path object = store().object(dev.isoenv.internal.io.Sha256.hex(a.sitePackages().resolve("demo_pkg/__init__.py")));
        Files.delete(object);
        EnvironmentLayout b = layout("b");

        assertFalse(store().link(b, key, true, "3.12", "p"));
        assertEquals(List.of(), dev.isoenv.internal.metadata.DistributionScanner.scan(b.sitePackages()));
        assertFalse(store().link(b, "no-such-1.0-0123", true, "3.12", "p"));
    }

    @Test
    void remembersAResolutionOnlyWhileEveryDistributionOfItIsStored() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        store().rememberResolution("step one", List.of(key));

        assertEquals(Optional.of(List.of(key)), store().resolution("step one"));
        assertEquals(Optional.empty(), store().resolution("step two"));
        store().rememberResolution("step three", List.of(key, "gone-1.0-0000"));
        assertEquals(Optional.empty(), store().resolution("step three"));
    }

    @Test
    void collectsWhatNoEnvironmentUsesAndNeverTakesAFileFromOne() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        store().reference(a, List.of(key));
        EnvironmentLayout b = layout("b");
        store().link(b, key, true, "3.12", "p");
        store().reference(b, List.of(key));

        StoreGarbage none = store().collect(false);
        assertEquals(List.of(), none.distributions(), "both environments use it");
        assertEquals(0, none.files());

        // b is deleted: a still uses everything.
        com.google.common.io.MoreFiles.deleteRecursively(b.root(),
                com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        assertEquals(List.of(), store().collect(false).distributions());

        // a uninstalls it (pip removes its files): nothing uses it any more.
        Path module = a.sitePackages().resolve("demo_pkg/__init__.py");
        String moduleText = Files.readString(module);
        Path object = store().object(dev.isoenv.internal.io.Sha256.hex(module));
        for (String gone : List.of(INFO, "demo_pkg")) {
            com.google.common.io.MoreFiles.deleteRecursively(a.sitePackages().resolve(gone),
                    com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        }
        StoreGarbage dry = store().collect(true);
        assertTrue(dry.dryRun());
        assertEquals(List.of(DEMO), dry.distributions());
        assertTrue(dry.files() >= 6 && dry.bytes() > 0, dry.toString());
        assertTrue(Files.exists(object), "a dry run removes nothing");

        StoreGarbage done = store().collect(false);
        assertEquals(dry.files(), done.files());
        assertEquals(dry.bytes(), done.bytes());
        assertFalse(Files.exists(object));
        assertEquals(Optional.empty(), store().distribution(key));
        assertEquals("def main():\n    print('demo')\n", moduleText);
    }

    @Test
    void aFileAnEnvironmentStillLinksIsNeverCollectedWhateverTheRecordsSay() throws IOException {
        EnvironmentLayout a = installed("a", Map.of(), "pip");
        String key = store().add(a, "3.12", "p", DEMO).orElseThrow();
        // No record of a's use (as if its ref was lost), and its metadata gone: only its link to the module is left.
        com.google.common.io.MoreFiles.deleteRecursively(dir.resolve("store/v1/refs"),
                com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        Path module = a.sitePackages().resolve("demo_pkg/__init__.py");
        Path object = store().object(dev.isoenv.internal.io.Sha256.hex(module));

        store().collect(false);

        assertEquals(Optional.empty(), store().distribution(key), "the distribution is forgotten");
        assertTrue(Files.exists(object), "but the file a still links to stays until a lets go of it");
    }

    @Test
    void copiesWhereLinksAreImpossible() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm to put the store on");
        FileStore here = Files.getFileStore(dir);
        assumeTrue(!Files.getFileStore(shm).equals(here), "/dev/shm is on the same file system as " + dir);
        Path storeDir = Files.createTempDirectory(shm, "isoenv-store-test");
        try {
            SharedStore store = SharedStore.at(storeDir, OperatingSystem.LINUX);
            EnvironmentLayout a = installed("a", Map.of(), "pip");
            String key = store.add(a, "3.12", "p", DEMO).orElseThrow();
            Path module = a.sitePackages().resolve("demo_pkg/__init__.py");
            Path object = store.object(dev.isoenv.internal.io.Sha256.hex(module));
            assertFalse(Files.isSameFile(module, object), "across file systems the store holds a copy");
            EnvironmentLayout b = layout("b");
            assertTrue(store.link(b, key, true, "3.12", "p"));
            Path copy = b.sitePackages().resolve("demo_pkg/__init__.py");
            assertFalse(Files.isSameFile(copy, object));
            assertEquals(Files.readString(module), Files.readString(copy));
            assertEquals(Files.getLastModifiedTime(object), Files.getLastModifiedTime(copy),
                    "copies keep the time that compiled bytecode was checked against");
        } finally {
            List<Path> all = new ArrayList<>();
            try (var s = Files.walk(storeDir)) {
                s.forEach(all::add);
            }
            for (Path p : all) {
                p.toFile().setWritable(true);
            }
            com.google.common.io.MoreFiles.deleteRecursively(storeDir,
                    com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    @Test
    void readsRecordFilesAsPythonsCsvModuleWritesThem() throws IOException {
        List<RecordFile.Entry> entries = RecordFile.parse("\"a,b.py\",sha256=" + b64(new byte[0]) + ",0\n"
                + "c.pyc,,\n\"q\"\"uote.py\",md5=abc,3\n");
        assertEquals("a,b.py", entries.get(0).path());
        assertEquals(Optional.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                entries.get(0).sha256());
        assertEquals(Optional.empty(), entries.get(1).sha256());
        assertFalse(entries.get(1).hasUncheckableHash());
        assertEquals("q\"uote.py", entries.get(2).path());
        assertTrue(entries.get(2).hasUncheckableHash());
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> RecordFile.parse("only,two\n"));
    }
}
