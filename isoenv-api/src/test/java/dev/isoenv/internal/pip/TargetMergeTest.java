package dev.isoenv.internal.pip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.InstallationException;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a {@code pip install --target} scratch folder into an environment, on the file system: what the replaced
 * distributions' {@code RECORD}s name goes, everything else stays, a clash changes nothing, and only the operating
 * system's scripts folder is taken for scripts. (Real pip and namespace folders: TargetPlatformBuildTest.)
 */
class TargetMergeTest {
    private static final ProcessResult PIP = new ProcessResult(List.of("python", "-m", "pip", "install"), 0, "", "",
            List.of(), Duration.ZERO);

    @TempDir
    Path dir;

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            for (Path p : walk.sorted().collect(Collectors.toList())) {
                out.add(root.relativize(p).toString().replace('\\', '/')
                        + (Files.isRegularFile(p) ? "=" + Files.readString(p) : "/"));
            }
            return out;
        }
    }

    @Test
    void theReplacedVersionsRecordedFilesGoAndOtherFilesInSharedFoldersStay() throws IOException {
        Path root = dir.resolve("env");
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        Path site = env.sitePackages();
        write(site.resolve("demo-1.0.dist-info/RECORD"), "demo/x.py,sha256=a,1\n\"demo/a,b.py\",sha256=b,1\n"
                + "shared/old.py,,\n../../../bin/demo,,\ndemo-1.0.dist-info/RECORD,,\n");
        write(site.resolve("demo/x.py"), "1.0");
        write(site.resolve("demo/a,b.py"), "1.0");
        write(site.resolve("shared/old.py"), "1.0");
        write(site.resolve("shared/other.py"), "another distribution's");
        write(root.resolve("bin/demo"), "script 1.0");
        Path scratch = root.resolve(".isoenv/target-install");
        write(scratch.resolve("demo-2.0.dist-info/RECORD"), "demo/x.py,,\nshared/new.py,,\n../../bin/demo,,\n");
        write(scratch.resolve("demo/x.py"), "2.0");
        write(scratch.resolve("shared/new.py"), "2.0");
        write(scratch.resolve("bin/demo"), "script 2.0");

        TargetMerge.merge(env, scratch, Set.of("demo"), "pip install of [demo==2.0]", PIP);

        List<String> files = tree(site).stream().filter(f -> !f.endsWith("/")).sorted().collect(Collectors.toList());
        assertEquals(List.of("demo-2.0.dist-info/RECORD=demo/x.py,,\nshared/new.py,,\n../../../bin/demo,,\n",
                "demo/x.py=2.0", "shared/new.py=2.0", "shared/other.py=another distribution's"), files,
                "1.0's files (a quoted RECORD path too) went, another distribution's stayed, scripts' RECORD lines"
                + " name the environment's bin");
        assertEquals("script 2.0", Files.readString(root.resolve("bin/demo")));
        assertFalse(Files.exists(scratch.resolve("bin/demo")), "the script moved out of the scratch folder");
    }

    @Test
    void aFileThatAnotherDistributionOwnsIsRefusedBeforeAnythingChanges() throws IOException {
        Path root = dir.resolve("env");
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        Path site = env.sitePackages();
        write(site.resolve("demo-1.0.dist-info/RECORD"), "demo/x.py,,\n");
        write(site.resolve("demo/x.py"), "1.0");
        write(site.resolve("shared/other.py"), "another distribution's");
        Path scratch = root.resolve(".isoenv/target-install");
        write(scratch.resolve("demo-2.0.dist-info/RECORD"), "demo/x.py,,\nshared/other.py,,\n");
        write(scratch.resolve("demo/x.py"), "2.0");
        write(scratch.resolve("shared/other.py"), "demo's");
        List<String> before = tree(root);

        InstallationException e = assertThrows(InstallationException.class, () -> TargetMerge.merge(env, scratch,
                Set.of("demo"), "pip install of [demo==2.0]", PIP));
        assertTrue(e.getMessage().contains(site.resolve("shared/other.py").toString())
                && e.getMessage().contains("nothing was changed"), e.getMessage());
        assertEquals(before, tree(root), "neither the environment nor the scratch folder changed");
    }

    @Test
    void onWindowsTheHomeSchemesBinHoldsTheScriptsAndAPackageNamedScriptsStaysAPackage() throws IOException {
        // pip's --target uses the home scheme, posix_home on Windows too: scripts in <target>/bin, RECORD ../../bin/.
        Path root = dir.resolve("env");
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(root, root.resolve("Lib/site-packages"),
                OperatingSystem.WINDOWS);
        Path scratch = root.resolve(".isoenv/target-install");
        write(scratch.resolve("demo-1.0.dist-info/RECORD"), "Scripts/__init__.py,,\n../../bin/tool.exe,,\n");
        write(scratch.resolve("Scripts/__init__.py"), "package");
        write(scratch.resolve("bin/tool.exe"), "launcher");

        TargetMerge.merge(env, scratch, Set.of(), "pip install of [demo==1.0]", PIP);

        assertEquals("package", Files.readString(env.sitePackages().resolve("Scripts/__init__.py")));
        assertEquals("launcher", Files.readString(env.scriptsDirectory().resolve("tool.exe")));
        assertEquals(root.resolve("Scripts"), env.scriptsDirectory());
        assertFalse(Files.exists(env.sitePackages().resolve("bin")));
        assertEquals("Scripts/__init__.py,,\n../../Scripts/tool.exe,,\n",
                Files.readString(env.sitePackages().resolve("demo-1.0.dist-info/RECORD")).replace("\r\n", "\n"));
    }

    @Test
    void aMoveThatFailsHalfWayIsUndoneAndTheNewDistInfoComesLast() throws IOException {
        Path root = dir.resolve("env");
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        Path site = env.sitePackages();
        write(site.resolve("demo-1.0.dist-info/RECORD"), "demo/x.py,,\ndemo/y.py,,\n../../../bin/demo,,\n");
        write(site.resolve("demo/x.py"), "1.0");
        write(site.resolve("demo/y.py"), "1.0");
        write(root.resolve("bin/demo"), "script 1.0");
        write(site.resolve("shared/other.py"), "another distribution's");
        Path scratch = root.resolve(".isoenv/target-install");
        write(scratch.resolve("demo-2.0.dist-info/RECORD"), "demo/x.py,,\ndemo/z/new.py,,\n../../bin/demo,,\n");
        write(scratch.resolve("demo/x.py"), "2.0");
        write(scratch.resolve("demo/z/new.py"), "2.0");
        write(scratch.resolve("bin/demo"), "script 2.0");
        List<String> before = tree(root.resolve("lib"));
        List<Path> order = new ArrayList<>();

        // The second file fails to move, as a full disk would make it.
        dev.isoenv.EnvironmentStateException e = assertThrows(dev.isoenv.EnvironmentStateException.class,
                () -> TargetMerge.merge(env, scratch, Set.of("demo"), "pip install of [demo==2.0]", PIP,
                        (from, to) -> {
                            order.add(to);
                            if (order.size() == 2) {
                                throw new IOException("No space left on device");
                            }
                            Files.move(from, to);
                        }));
        assertTrue(e.getMessage().contains("moved back: the environment is as it was"), e.getMessage());
        assertEquals(before, tree(root.resolve("lib")), "1.0 is back, file for file, and nothing of 2.0 is there");
        assertEquals("script 1.0", Files.readString(root.resolve("bin/demo")));

        // Without a failure, the .dist-info is moved in after every other file.
        write(scratch.resolve("demo/x.py"), "2.0");
        order.clear();
        TargetMerge.merge(env, scratch, Set.of("demo"), "pip install of [demo==2.0]", PIP, (from, to) -> {
            order.add(to);
            Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });
        assertEquals(site.resolve("demo-2.0.dist-info/RECORD"), order.get(order.size() - 1), order.toString());
        assertFalse(Files.exists(site.resolve("demo-1.0.dist-info")));
        assertFalse(Files.exists(site.resolve("demo/y.py")));
        assertEquals("2.0", Files.readString(site.resolve("demo/z/new.py")));
        assertFalse(Files.exists(root.resolve(".isoenv/target-install-replaced")), "what 1.0 had is gone");
    }

    @Test
    void theSameBytesAnotherDistributionInstalledAreLeftAsTheyAreWithTheirCompiledFile() throws IOException {
        Path root = dir.resolve("env");
        EnvironmentLayout env = EnvironmentLayout.virtualEnvironment(root, root.resolve("lib/python3.11/site-packages"),
                OperatingSystem.LINUX);
        Path site = env.sitePackages();
        write(site.resolve("backports/__init__.py"), "__path__ = __import__('pkgutil').extend_path(__path__, __name__)");
        write(site.resolve("backports/__pycache__/__init__.cpython-311.pyc"), "compiled by the first");
        Path scratch = root.resolve(".isoenv/target-install");
        write(scratch.resolve("backports.b-1.0.dist-info/RECORD"), "backports/__init__.py,,\nbackports/b.py,,\n");
        write(scratch.resolve("backports/__init__.py"),
                "__path__ = __import__('pkgutil').extend_path(__path__, __name__)");
        write(scratch.resolve("backports/__pycache__/__init__.cpython-311.pyc"), "compiled by the second");
        write(scratch.resolve("backports/b.py"), "b");

        TargetMerge.merge(env, scratch, Set.of(), "pip install of [backports.b==1.0]", PIP);

        assertEquals("b", Files.readString(site.resolve("backports/b.py")));
        assertEquals("compiled by the first",
                Files.readString(site.resolve("backports/__pycache__/__init__.cpython-311.pyc")));
        assertTrue(Files.exists(site.resolve("backports.b-1.0.dist-info/RECORD")));
    }
}
