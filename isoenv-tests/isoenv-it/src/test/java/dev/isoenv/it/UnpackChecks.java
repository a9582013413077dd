package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the pack tests check in an unpacked tree, and how they find the system's tools: the top-level modules to
 * import, whether a file is text, a tool on the {@code PATH}, a program run directly (no isoenv, no shell).
 */
final class UnpackChecks {
    private UnpackChecks() {
    }

    /** Finds a tool on the {@code PATH}, as a shell would. */
    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /** A file's bytes as text, or null when they hold a NUL or are not UTF-8 (a binary file). */
    static String utf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The top-level modules of a site-packages folder (packages and single-file modules), which hold {@code expected}. */
    static List<String> topLevelModules(Path site, String... expected) throws IOException {
        List<String> modules = new ArrayList<>();
        try (Stream<Path> entries = Files.list(site)) {
            for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("__init__.py"))) {
                    modules.add(name);
                } else if (name.endsWith(".py")) {
                    modules.add(name.substring(0, name.length() - 3));
                }
            }
        }
        assertTrue(modules.containsAll(List.of(expected)), modules.toString());
        return modules;
    }

    /** Runs a program directly, without isoenv or a shell; it must succeed; returns what it printed. */
    static String runDirectly(Path executable, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
