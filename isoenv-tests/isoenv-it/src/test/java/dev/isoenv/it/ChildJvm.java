package dev.isoenv.it;

import dev.isoenv.testing.python.CommandResult;
import dev.isoenv.testing.python.CommandRunner;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a main class of this module in a fresh JVM, on a plain class path made of this test JVM's class path and
 * module path without the test classes: what a user's program gets when it starts.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** This JVM's class path and module path, without test classes. */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank() && !entry.endsWith("test-classes")
                        && !entry.endsWith("test-classes" + File.separator)) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Runs {@code main} with the arguments and variables given, and requires it to succeed.
     *
     * @param main the class
     * @param environment the child's variables
     * @param directory its working directory
     * @param args its arguments
     * @return its standard output, line by line
     */
    static List<String> run(Class<?> main, Map<String, String> environment, Path directory, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classPath(), main.getName()));
        command.addAll(List.of(args));
        CommandResult result = CommandRunner.run(command, environment, directory, Duration.ofMinutes(3));
        return result.requireSuccess().stdout().lines().toList();
    }
}
