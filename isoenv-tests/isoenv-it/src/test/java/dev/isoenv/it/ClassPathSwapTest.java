package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.demo.WhichBackend;
import dev.isoenv.testing.python.CommandResult;
import dev.isoenv.testing.python.CommandRunner;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user picks a backend by adding its jar: child JVMs run one and the same program ({@link WhichBackend}) with
 * different backend jars on a plain class path, and each reports the backends it found and the one it chose. Where a
 * backend's tool is missing (uv and conda on this machine), its reason says so and the program falls back to venv.
 */
class ClassPathSwapTest {
    private static final List<String> BACKEND_MODULES = List.of("isoenv-venv", "isoenv-uv", "isoenv-conda");

    @TempDir
    Path dir;

    /** The class path of this test JVM (class path and module path), without the backends not asked for. */
    private static String classPath(List<String> backends) {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        List<String> kept = new ArrayList<>();
        for (String entry : entries) {
            String module = BACKEND_MODULES.stream().filter(m -> isModule(entry, m)).findFirst().orElse(null);
            // This module's test classes register a test-only backend; the program needs only the main classes.
            if (entry.endsWith("test-classes") || entry.endsWith("test-classes" + File.separator)) {
                continue;
            }
            if (module == null || backends.contains(module)) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /** Whether a class path entry is a module's classes folder ({@code .../isoenv-uv/target/classes}) or jar. */
    private static boolean isModule(String entry, String module) {
        Path path = Path.of(entry);
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (file.endsWith(".jar")) {
            return file.startsWith(module + "-") && Character.isDigit(file.charAt(module.length() + 1));
        }
        return path.getNameCount() >= 3 && path.getName(path.getNameCount() - 3).toString().equals(module);
    }

    private List<String> run(String name, List<String> backends) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("ISOENV_BACKEND");
        List<String> command = List.of(java, "-cp", classPath(backends), WhichBackend.class.getName(),
                dir.resolve(name).toString());
        CommandResult result = CommandRunner.run(command, env, dir, Duration.ofMinutes(3));
        result.requireSuccess();
        return result.stdout().lines().collect(Collectors.toList());
    }

    private static String line(List<String> output, String prefix) {
        return output.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + output));
    }

    @Test
    void venvAloneIsFoundAndChosen() {
        List<String> out = run("venv-only", List.of("isoenv-venv"));
        assertEquals(List.of("venv"), out.stream().filter(l -> l.startsWith("backend ")).map(l -> l.split(" ")[1])
                .collect(Collectors.toList()), out.toString());
        assertTrue(line(out, "chose ").startsWith("chose venv: the available backend with the highest priority"), out.toString());
        assertEquals("ready", out.get(out.size() - 1));
    }

    @Test
    void addingTheUvJarAddsUvAndItsReasonAndWithoutUvTheProgramFallsBackToVenv() {
        List<String> out = run("uv-and-venv", List.of("isoenv-uv", "isoenv-venv"));
        String uv = line(out, "backend uv ");
        if (uv.startsWith("backend uv unavailable")) {
            assertTrue(uv.contains("isoenv.uv"), "the reason says how to point isoenv at a uv: " + uv);
            String chose = line(out, "chose ");
            assertTrue(chose.startsWith("chose venv: ") && chose.contains("uv (priority 200): unavailable"), chose);
        } else {
            assertTrue(line(out, "chose ").startsWith("chose uv: "), out.toString());
        }
        assertEquals("ready", out.get(out.size() - 1));
    }

    @Test
    void addingTheCondaJarListsCondaButAPlainEnvironmentStaysWithVenv() {
        List<String> out = run("conda-and-venv", List.of("isoenv-conda", "isoenv-venv"));
        String conda = line(out, "backend conda ");
        if (conda.startsWith("backend conda unavailable")) {
            assertTrue(conda.contains("isoenv.conda"), "the reason says how to point isoenv at a tool: " + conda);
        }
        String chose = line(out, "chose ");
        assertTrue(chose.startsWith("chose venv: "), "conda is chosen only by name or for conda packages: " + out);
        assertEquals("ready", out.get(out.size() - 1));
    }
}
