package dev.isoenv;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a command inside an environment: a timeout, a working directory, extra environment variables, a
 * listener for the output as it streams, what the command reads on its standard input, and where its output goes.
 *
 * <pre>{@code
 * // Feed stdin, take binary stdout:
 * ByteArrayOutputStream png = new ByteArrayOutputStream();
 * env.run(List.of("python", "render.py"), RunOptions.builder()
 *         .stdin(svg.getBytes(StandardCharsets.UTF_8))
 *         .stdout(png)
 *         .build()).requireSuccess();
 *
 * // An interactive tool on this JVM's terminal:
 * env.run(List.of("python"), RunOptions.builder().inheritIO().build());
 * }</pre>
 */
public final class RunOptions {
    private static final RunOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final Path directory;
    private final Map<String, String> environment;
    private final OutputListener listener;
    private final int captureLimit;
    private final byte[] stdinBytes;
    private final Path stdinFile;
    private final boolean inheritStdin;
    private final OutputStream stdout;
    private final boolean inheritOutput;

    private RunOptions(Builder b) {
        this.timeout = b.timeout;
        this.directory = b.directory;
        this.environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.listener = b.listener;
        this.captureLimit = b.captureLimit;
        this.stdinBytes = b.stdinBytes;
        this.stdinFile = b.stdinFile;
        this.inheritStdin = b.inheritStdin;
        this.stdout = b.stdout;
        this.inheritOutput = b.inheritOutput;
    }

    /**
     * Returns the defaults: no timeout, the current directory, no extra variables, no listener, and up to 16 MiB
     * of each stream captured.
     *
     * @return the default options
     */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the timeout, after which the whole process tree is killed.
     *
     * @return the timeout, if any
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * Returns the working directory.
     *
     * @return the directory, if one was set
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Returns extra environment variables; a {@code null} value removes the variable.
     *
     * @return the variables
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Returns the listener that receives each output line.
     *
     * @return the listener
     */
    public OutputListener listener() {
        return listener;
    }

    /**
     * Returns how many characters of each stream are kept in the {@link RunResult}.
     *
     * @return the limit, in characters
     */
    public int captureLimit() {
        return captureLimit;
    }

    /**
     * Returns the bytes the command reads on its standard input.
     *
     * @return a copy of the bytes, if they were given
     */
    public Optional<byte[]> stdinBytes() {
        return stdinBytes == null ? Optional.empty() : Optional.of(stdinBytes.clone());
    }

    /**
     * Returns the file the command reads on its standard input.
     *
     * @return the file, if one was given
     */
    public Optional<Path> stdinFile() {
        return Optional.ofNullable(stdinFile);
    }

    /**
     * Tells whether the command reads this JVM's own standard input.
     *
     * @return true with {@link Builder#inheritStdin()} or {@link Builder#inheritIO()}
     */
    public boolean inheritsStdin() {
        return inheritStdin;
    }

    /**
     * Returns the stream that receives the command's standard output as raw bytes.
     *
     * @return the stream, if one was given
     */
    public Optional<OutputStream> stdout() {
        return Optional.ofNullable(stdout);
    }

    /**
     * Tells whether the command writes straight to this JVM's standard output and error.
     *
     * @return true with {@link Builder#inheritIO()}
     */
    public boolean inheritsOutput() {
        return inheritOutput;
    }

    /** Builds {@link RunOptions}. */
    public static final class Builder {
        private Duration timeout;
        private Path directory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private OutputListener listener = OutputListener.NONE;
        private int captureLimit = 16 * 1024 * 1024;
        private byte[] stdinBytes;
        private Path stdinFile;
        private boolean inheritStdin;
        private OutputStream stdout;
        private boolean inheritOutput;

        private Builder() {
        }

        /**
         * Gives the command these bytes on its standard input, then closes it. Without a standard input option the
         * input is closed at once, so a command that asks a question gets end-of-file instead of waiting forever.
         * The last of {@code stdin}, {@code inheritStdin} and {@code inheritIO} wins.
         *
         * @param bytes the input, such as {@code text.getBytes(StandardCharsets.UTF_8)}
         * @return this builder
         */
        public Builder stdin(byte[] bytes) {
            this.stdinBytes = Objects.requireNonNull(bytes, "bytes").clone();
            this.stdinFile = null;
            this.inheritStdin = false;
            return this;
        }

        /**
         * Lets the command read a file on its standard input. The file is checked when the command is run: one that
         * is not there, not readable or a directory fails the run with {@link ProcessStartException} naming
         * {@code RunOptions.stdin}, before the process starts.
         *
         * @param file an existing, readable file
         * @return this builder
         */
        public Builder stdin(Path file) {
            this.stdinFile = Objects.requireNonNull(file, "file");
            this.stdinBytes = null;
            this.inheritStdin = false;
            return this;
        }

        /**
         * Lets the command read this JVM's own standard input, such as the terminal.
         *
         * @return this builder
         */
        public Builder inheritStdin() {
            this.inheritStdin = true;
            this.stdinBytes = null;
            this.stdinFile = null;
            return this;
        }

        /**
         * Sends the command's standard output, as raw bytes (an image, an archive), to {@code stream}, which isoenv
         * neither decodes nor closes. {@link RunResult#stdout()} is then empty and the listener receives standard
         * error only. If the stream throws, the process tree is killed and the run throws
         * {@link ProcessOutputException}.
         *
         * @param stream the stream
         * @return this builder
         */
        public Builder stdout(OutputStream stream) {
            this.stdout = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Connects the command to this JVM's standard input, output and error, for interactive tools (a REPL, a
         * prompt, a progress bar on the terminal). Nothing is captured: {@link RunResult#stdout()} and
         * {@link RunResult#stderr()} are empty and the listener receives nothing. Timeouts still kill the whole
         * process tree.
         *
         * @return this builder
         */
        public Builder inheritIO() {
            inheritStdin();
            this.inheritOutput = true;
            return this;
        }

        /**
         * Sets a timeout; when it passes, the whole process tree is killed.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder timeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
                throw new InvalidSpecException("A run timeout must be positive, not " + timeout + ".");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the working directory. It is checked when the command is run: one that does not exist or is not a
         * directory fails the run with {@link ProcessStartException} naming {@code RunOptions.directory}, before the
         * process starts.
         *
         * @param directory an existing directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets an environment variable for the command, or removes it when {@code value} is null.
         *
         * @param name the variable
         * @param value its value, or null to remove it
         * @return this builder
         */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        /**
         * Sets the listener that receives each output line as it is produced.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(OutputListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets how many characters of each stream the result keeps; the rest still reaches the listener. Longer
         * output keeps its first half of the limit, a line {@code [isoenv: N characters omitted]} and its last
         * lines. At most a 64th of the maximum heap is kept per stream whatever the limit, so a large limit on a
         * small heap keeps less; memory does not grow with the amount of output.
         *
         * @param characters zero or more
         * @return this builder
         */
        public Builder captureLimit(int characters) {
            if (characters < 0) {
                throw new InvalidSpecException("The capture limit cannot be negative.");
            }
            this.captureLimit = characters;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public RunOptions build() {
            if (inheritOutput && stdout != null) {
                throw new InvalidSpecException("A run cannot both inherit this JVM's output (inheritIO) and send its"
                        + " standard output to a stream (stdout); choose one.");
            }
            return new RunOptions(this);
        }
    }
}
