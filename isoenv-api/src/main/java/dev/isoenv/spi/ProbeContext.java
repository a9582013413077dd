package dev.isoenv.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What an {@link AcceleratorProbe} may look at: the operating system and architecture, the file system root
 * (so tests can point {@code /sys} and {@code /proc} at fixtures), variables, system properties, a process
 * runner and the timeout for each command.
 */
public final class ProbeContext {
    private final OperatingSystem os;
    private final String architecture;
    private final Path fileSystemRoot;
    private final Map<String, String> environment;
    private final UnaryOperator<String> systemProperties;
    private final CommandRunner runner;
    private final Duration timeout;

    /**
     * Creates a context.
     *
     * @param os the operating system
     * @param architecture the CPU architecture, as {@code os.arch} names it
     * @param fileSystemRoot the directory that stands for {@code /}
     * @param environment the variables
     * @param systemProperties looks up a system property, returning null when unset
     * @param runner runs probe commands, normally {@link CommandRunner#standard()}
     * @param timeout the limit for each probe command
     */
    public ProbeContext(OperatingSystem os, String architecture, Path fileSystemRoot, Map<String, String> environment,
                        UnaryOperator<String> systemProperties, CommandRunner runner, Duration timeout) {
        this.os = Objects.requireNonNull(os, "os");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.fileSystemRoot = Objects.requireNonNull(fileSystemRoot, "fileSystemRoot");
        this.environment = Map.copyOf(environment);
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Returns the context of this JVM: its operating system, architecture, variables and system properties.
     *
     * @return the system context
     */
    public static ProbeContext system() {
        Path root = Path.of(java.io.File.listRoots().length > 0 ? java.io.File.listRoots()[0].getPath() : "/");
        return new ProbeContext(OperatingSystem.current(), System.getProperty("os.arch", ""), root, System.getenv(),
                System::getProperty, CommandRunner.standard(), Duration.ofSeconds(10));
    }

    /**
     * Returns the operating system.
     *
     * @return the operating system
     */
    public OperatingSystem os() {
        return os;
    }

    /**
     * Returns the CPU architecture, such as {@code amd64} or {@code aarch64}.
     *
     * @return the architecture
     */
    public String architecture() {
        return architecture;
    }

    /**
     * Resolves an absolute path such as {@code /proc/driver/nvidia/version} against the file system root.
     *
     * @param absolute an absolute POSIX path
     * @return the path to read
     */
    public Path file(String absolute) {
        return fileSystemRoot.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /**
     * Returns the variables.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Looks up a system property.
     *
     * @param name the property
     * @return its value, or null
     */
    public String systemProperty(String name) {
        return systemProperties.apply(name);
    }

    /**
     * Returns the runner for probe commands.
     *
     * @return the runner
     */
    public CommandRunner runner() {
        return runner;
    }

    /**
     * Returns the limit for each probe command.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
