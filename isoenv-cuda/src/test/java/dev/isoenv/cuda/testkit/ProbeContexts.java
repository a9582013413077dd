package dev.isoenv.cuda.testkit;

import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.internal.process.ProcessRunner;
import dev.isoenv.spi.ProbeContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link ProbeContext}s for tests: a fixture root, explicit variables and properties, a real runner. */
public final class ProbeContexts {
    private OperatingSystem os = OperatingSystem.LINUX;
    private String architecture = "amd64";
    private Path root;
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();
    private ProcessRunner runner = ProcessRunner.create();
    private Duration timeout = Duration.ofSeconds(20);

    private ProbeContexts(Path root) {
        this.root = root;
    }

    /**
     * Starts a Linux amd64 context whose file system root is {@code root}, with no variables.
     *
     * @param root the directory that stands for {@code /}
     * @return the builder
     */
    public static ProbeContexts linux(Path root) {
        return new ProbeContexts(root);
    }

    /**
     * Sets the operating system.
     *
     * @param value the OS
     * @return this
     */
    public ProbeContexts os(OperatingSystem value) {
        this.os = value;
        return this;
    }

    /**
     * Sets the architecture.
     *
     * @param value such as aarch64
     * @return this
     */
    public ProbeContexts architecture(String value) {
        this.architecture = value;
        return this;
    }

    /**
     * Sets a variable.
     *
     * @param name the name
     * @param value the value
     * @return this
     */
    public ProbeContexts env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Puts a directory on the context's PATH, before this JVM's PATH (so scripts can call sleep).
     *
     * @param directory the directory
     * @return this
     */
    public ProbeContexts path(Path directory) {
        String jvm = System.getenv("PATH");
        environment.put("PATH", directory + (jvm == null ? "" : java.io.File.pathSeparator + jvm));
        return this;
    }

    /**
     * Sets a system property.
     *
     * @param name the name
     * @param value the value
     * @return this
     */
    public ProbeContexts property(String name, String value) {
        properties.put(name, value);
        return this;
    }

    /**
     * Sets the runner.
     *
     * @param value the runner
     * @return this
     */
    public ProbeContexts runner(ProcessRunner value) {
        this.runner = value;
        return this;
    }

    /**
     * Sets the command timeout.
     *
     * @param value the timeout
     * @return this
     */
    public ProbeContexts timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    /**
     * Builds the context.
     *
     * @return the context
     */
    public ProbeContext build() {
        Map<String, String> props = Map.copyOf(properties);
        return new ProbeContext(os, architecture, root, environment, props::get, runner, timeout);
    }
}
