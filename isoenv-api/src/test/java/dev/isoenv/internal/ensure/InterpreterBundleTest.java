package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.PythonNotFoundException;
import dev.isoenv.internal.io.FileTrees;
import dev.isoenv.internal.pack.ElfRunPath;
import dev.isoenv.spi.EnvironmentLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a bundled installation's run paths are made relative to each file, and the refusal of an installation whose
 * interpreter loads libraries from an absolute folder outside it (a real ELF file: the JVM's own launcher, its run path
 * set to such a folder).
 */
class InterpreterBundleTest {
    @TempDir
    Path tmp;

    @Test
    void aRunPathThatNamesTheInstallationBecomesRelativeToTheFile() {
        // Two ways the building machine may name its installation; only the strings matter here.
        String opt = tmp.resolve("opt/py/3.11").toString();
        String pyenv = tmp.resolve("home/me/.pyenv/versions/3.11").toString();
        List<String> prefixes = List.of(opt, pyenv);
        assertEquals("$ORIGIN/../lib", InterpreterBundle.runPath("bin/python3.11", opt + "/lib", prefixes));
        assertEquals("$ORIGIN", InterpreterBundle.runPath("lib/libpython3.11.so.1.0", opt + "/lib/", prefixes));
        assertEquals("$ORIGIN/../..", InterpreterBundle.runPath("lib/python3.11/lib-dynload/_ssl.so",
                pyenv + "/lib", prefixes));
        assertEquals("$ORIGIN/../lib:$ORIGIN/../lib/tcl", InterpreterBundle.runPath("bin/x",
                opt + "/lib:$ORIGIN/../lib/tcl", prefixes));
        assertEquals("$ORIGIN/../lib", InterpreterBundle.runPath("bin/x", "$ORIGIN/../lib", prefixes));
    }

    @Test
    void aRunPathOutsideTheInstallationIsRefused() {
        String opt = tmp.resolve("opt/py/3.11").toString();
        String openssl = tmp.resolve("opt/openssl/lib").toString();
        List<String> prefixes = List.of(opt);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InterpreterBundle.runPath("bin/python3.11", opt + "/lib:" + openssl, prefixes));
        assertTrue(e.getMessage().contains(openssl), e.getMessage());
        // A folder whose name only starts like the installation's is outside it.
        assertThrows(IllegalArgumentException.class,
                () -> InterpreterBundle.runPath("bin/python3.11", opt + "-other/lib", prefixes));
    }

    @Test
    void relativePaths() {
        assertEquals("", InterpreterBundle.relativePath("lib", "lib"));
        assertEquals("../lib", InterpreterBundle.relativePath("bin", "lib"));
        assertEquals("python3.11", InterpreterBundle.relativePath("bin", "bin/python3.11"));
        assertEquals("bin/python3", InterpreterBundle.relativePath("", "bin/python3"));
        assertEquals("../../../bin", InterpreterBundle.relativePath("lib/python3.11/site-packages", "bin"));
    }

    @Test
    void anInterpreterThatLoadsLibrariesFromOutsideItsInstallationIsRefused() throws Exception {
        Path java = ProcessHandle.current().info().command().map(Path::of).orElse(null);
        assumeTrue(java != null && Files.isRegularFile(java), "the JVM's executable is not known");
        byte[] elf = Files.readAllBytes(java);
        assumeTrue(ElfRunPath.isElf(elf) && !ElfRunPath.read(elf).isEmpty(), "the JVM's executable has no run path");
        // A short absolute folder outside the installation (it must fit in the launcher's run path string).
        String outside = tmp.getRoot().resolve("ssl").resolve("lib").toString();
        assumeTrue(ElfRunPath.read(elf).get(0).length() >= outside.length(), "its run path is too short");
        // A dedicated installation: bin/python3.11 and the landmark lib/python3.11/os.py; a venv made from it.
        Path base = Files.createDirectories(tmp.resolve("python 3.11"));
        Path interpreter = Files.createDirectories(base.resolve("bin")).resolve("python3.11");
        Files.write(interpreter, ElfRunPath.rewrite(elf, p -> outside));
        Files.createDirectories(base.resolve("lib/python3.11/site-packages"));
        Files.writeString(base.resolve("lib/python3.11/os.py"), "");
        Path env = Files.createDirectories(tmp.resolve("env/bin"));
        Files.createSymbolicLink(env.resolve("python"), interpreter);
        Files.writeString(env.resolveSibling("pyvenv.cfg"), "home = " + base.resolve("bin") + "\n");
        Path root = env.getParent();
        InterpreterBundle bundle = InterpreterBundle.of(root, EnvironmentLayout.virtualEnvironment(root,
                root.resolve("lib/python3.11/site-packages")), "3.11.7");
        assertEquals("bin/python3.11", bundle.python());
        TreeMap<String, Path> merged = bundle.merge(new TreeMap<>());
        assertTrue(bundle.fromBase("bin/python3.11"), merged.toString());
        PythonNotFoundException refused = assertThrows(PythonNotFoundException.class,
                () -> bundle.relocated("bin/python3.11", interpreter));
        assertTrue(refused.getMessage().contains("Cannot bundle the Python interpreter of " + base.toRealPath()
                + ": its file bin/python3.11 cannot be made relocatable (its run path names " + outside
                + ", outside the installation"), refused.getMessage());
        assertTrue(refused.getMessage().contains("standalone CPython"), refused.getMessage());
    }

    @Test
    void aCondaBaseIsBundledWithoutItsPackageCacheItsOtherEnvironmentsAndItsRecords() throws Exception {
        // A conda installation as Miniconda lays it out: its Python, conda's folders, and a venv made from it.
        Path base = Files.createDirectories(tmp.resolve("miniconda3"));
        Files.createDirectories(base.resolve("lib/python3.11/site-packages/conda"));
        Files.writeString(base.resolve("lib/python3.11/os.py"), "");
        Files.writeString(base.resolve("lib/python3.11/site-packages/conda/__init__.py"), "");
        Path interpreter = Files.createDirectories(base.resolve("bin")).resolve("python3.11");
        Files.writeString(interpreter, "");
        Files.writeString(base.resolve("bin/conda"), "#!" + interpreter + "\n");
        Files.createDirectories(base.resolve("conda-meta"));
        Files.writeString(base.resolve("conda-meta/python-3.11.7-h0_0.json"), "{}");
        Files.createDirectories(base.resolve("pkgs/python-3.11.7-h0_0/lib"));
        Files.write(base.resolve("pkgs/python-3.11.7-h0_0.conda"), new byte[1024]);
        Files.createDirectories(base.resolve("envs/other/bin"));
        Files.writeString(base.resolve("envs/other/bin/python3.11"), "");
        Files.createDirectories(base.resolve("condabin"));
        Files.writeString(base.resolve("condabin/conda"), "");
        Files.createDirectories(base.resolve("lib/pkgs"));
        Files.writeString(base.resolve("lib/pkgs/kept.txt"), "");
        Path env = Files.createDirectories(tmp.resolve("env/bin"));
        Files.createSymbolicLink(env.resolve("python"), interpreter);
        Files.writeString(env.resolveSibling("pyvenv.cfg"), "home = " + base.resolve("bin") + "\n");
        Path root = env.getParent();
        InterpreterBundle bundle = InterpreterBundle.of(root, EnvironmentLayout.virtualEnvironment(root,
                root.resolve("lib/python3.11/site-packages")), "3.11.7");

        TreeMap<String, Path> merged = bundle.merge(new TreeMap<>());

        for (String left : List.of("pkgs", "envs", "conda-meta", "condabin")) {
            assertTrue(merged.keySet().stream().noneMatch(k -> k.equals(left) || k.startsWith(left + "/")),
                    left + " is conda's, not its Python's: " + merged.keySet());
        }
        for (String kept : List.of("bin/python3.11", "bin/conda", "lib/python3.11/os.py", "lib/pkgs/kept.txt")) {
            assertTrue(merged.containsKey(kept), kept + ": " + merged.keySet());
        }

        // A base without conda-meta is no conda installation: a folder of its named pkgs is its own.
        FileTrees.delete(base.resolve("conda-meta"));
        TreeMap<String, Path> plain = InterpreterBundle.of(root, EnvironmentLayout.virtualEnvironment(root,
                root.resolve("lib/python3.11/site-packages")), "3.11.7").merge(new TreeMap<>());
        assertTrue(plain.containsKey("pkgs/python-3.11.7-h0_0.conda"), plain.keySet().toString());
    }

    @Test
    void anInstallationThatHoldsTheEnvironmentIsRefused() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Files.createDirectories(base.resolve("lib/python3.11"));
        Files.writeString(base.resolve("lib/python3.11/os.py"), "");
        Path interpreter = Files.createDirectories(base.resolve("bin")).resolve("python3.11");
        Files.writeString(interpreter, "");
        Path root = Files.createDirectories(base.resolve("envs/tool"));
        Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(root.resolve("bin/python"), interpreter);
        PythonNotFoundException refused = assertThrows(PythonNotFoundException.class,
                () -> InterpreterBundle.of(root, EnvironmentLayout.virtualEnvironment(root,
                        root.resolve("lib/python3.11/site-packages")), "3.11.7"));
        assertTrue(refused.getMessage().contains("Cannot bundle the Python interpreter of " + base.toRealPath()
                + ": it holds the environment itself"), refused.getMessage());
    }
}
