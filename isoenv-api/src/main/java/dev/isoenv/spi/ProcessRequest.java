package dev.isoenv.spi;

import dev.isoenv.OutputListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One process to run: its command line, its complete environment, its working directory, a timeout, where
 * its output goes and which secrets to mask in it. Every argument reaches the process exactly as given:
 * there is no shell, no quoting and no variable expansion.
 */
public final class ProcessRequest {
    private static final int DISPLAY_LIMIT = 200;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path directory;
    private final Duration timeout;
    private final OutputListener listener;
    private final UnaryOperator<String> masker;
    private final int captureLimit;
    private final int tailLines;
    private final byte[] stdinBytes;
    private final ProcessBuilder.Redirect stdinRedirect;
    private final java.io.OutputStream stdout;
    private final boolean inheritOutput;

    private ProcessRequest(Builder b) {
        this.command = List.copyOf(b.command);
        this.environment = b.environment == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.directory = b.directory;
        this.timeout = b.timeout;
        this.listener = b.listener;
        this.masker = b.masker;
        this.captureLimit = b.captureLimit;
        this.tailLines = b.tailLines;
        this.stdinBytes = b.stdinBytes;
        this.stdinRedirect = b.stdinRedirect;
        this.stdout = b.stdout;
        this.inheritOutput = b.inheritOutput;
    }

    /**
     * Starts a builder for {@code executable} followed by {@code arguments}.
     *
     * @param command the executable and its arguments
     * @return a new builder
     */
    public static Builder command(List<String> command) {
        return new Builder(command);
    }

    /**
     * Starts a builder for {@code executable} followed by {@code arguments}.
     *
     * @param command the executable and its arguments
     * @return a new builder
     */
    public static Builder command(String... command) {
        return new Builder(List.of(command));
    }

    /**
     * Returns the command: the executable, then each argument.
     *
     * @return the command
     */
    public List<String> command() {
        return command;
    }

    /**
     * Returns the complete environment of the child, or empty to inherit the current process's environment.
     *
     * @return the environment
     */
    public Optional<Map<String, String>> environment() {
        return Optional.ofNullable(environment);
    }

    /**
     * Returns the working directory, or empty for the current one.
     *
     * @return the working directory
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Returns the timeout, after which the process and all its descendants are killed.
     *
     * @return the timeout, or empty for none
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
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
     * Returns a builder holding this request's values, for a variant of it.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.environment = environment == null ? null : new LinkedHashMap<>(environment);
        b.directory = directory;
        b.timeout = timeout;
        b.listener = listener;
        b.masker = masker;
        b.captureLimit = captureLimit;
        b.tailLines = tailLines;
        b.stdinBytes = stdinBytes;
        b.stdinRedirect = stdinRedirect;
        b.stdout = stdout;
        b.inheritOutput = inheritOutput;
        return b;
    }

    /**
     * Returns the function that masks secrets in the command line and the output, on top of the user-info of URLs,
     * which is always masked.
     *
     * @return the masker
     */
    public UnaryOperator<String> masker() {
        return masker;
    }

    /**
     * Returns how many characters of each stream the result keeps. Output within the limit is kept whole; longer
     * output keeps its first half of the limit, a line {@code [isoenv: N characters omitted]} and its last lines
     * (within the other half). The runner also keeps no more than a 64th of the maximum heap per stream, so
     * capturing never takes more than a bounded share of memory, whatever the amount of output.
     *
     * @return the capture limit
     */
    public int captureLimit() {
        return captureLimit;
    }

    /**
     * Returns how many of the last output lines are kept for error messages.
     *
     * @return the number of tail lines
     */
    public int tailLines() {
        return tailLines;
    }

    /**
     * Returns the bytes the process reads on its standard input, after which the input is closed.
     *
     * @return a copy of the bytes, or empty when the input is not given as bytes
     */
    public Optional<byte[]> stdinBytes() {
        return stdinBytes == null ? Optional.empty() : Optional.of(stdinBytes.clone());
    }

    /**
     * Returns where the process's standard input comes from when it is not given as bytes: a file
     * ({@link ProcessBuilder.Redirect#from}) or this JVM's own input ({@link ProcessBuilder.Redirect#INHERIT}).
     *
     * @return the redirect, or empty: the input is bytes, or closed at once (the default)
     */
    public Optional<ProcessBuilder.Redirect> stdinRedirect() {
        return Optional.ofNullable(stdinRedirect);
    }

    /**
     * Returns the stream that receives the process's standard output as raw bytes, neither decoded, captured nor
     * given to the listener. The runner does not close it.
     *
     * @return the stream, or empty when the output is captured as text (the default)
     */
    public Optional<java.io.OutputStream> stdout() {
        return Optional.ofNullable(stdout);
    }

    /**
     * Tells whether the process writes its standard output and error straight to this JVM's, for interactive tools;
     * nothing is then captured.
     *
     * @return true if the output is inherited
     */
    public boolean inheritsOutput() {
        return inheritOutput;
    }

    /**
     * Returns the command with secrets masked, fit for messages.
     *
     * @return the displayable command
     */
    public List<String> displayCommand() {
        List<String> shown = new ArrayList<>();
        for (String raw : command) {
            String argument = masker.apply(maskUrlUserInfo(raw));
            // Inline scripts would drown a message; the start of one says which it was.
            shown.add(argument.length() > DISPLAY_LIMIT || argument.indexOf('\n') >= 0
                    ? firstLine(argument) + " ..." : argument);
        }
        return shown;
    }

    private static String maskUrlUserInfo(String text) {
        return dev.isoenv.internal.process.Redactor.maskUrlCredentials(text);
    }

    private static String firstLine(String argument) {
        int nl = argument.indexOf('\n');
        String first = nl < 0 ? argument : argument.substring(0, nl);
        return first.length() > DISPLAY_LIMIT ? first.substring(0, DISPLAY_LIMIT) : first;
    }

    /** Builds a {@link ProcessRequest}. */
    public static final class Builder {
        private final List<String> command;
        private Map<String, String> environment;
        private Path directory;
        private Duration timeout;
        private OutputListener listener = OutputListener.NONE;
        private UnaryOperator<String> masker = UnaryOperator.identity();
        private int captureLimit = 1024 * 1024;
        private int tailLines = 40;
        private byte[] stdinBytes;
        private ProcessBuilder.Redirect stdinRedirect;
        private java.io.OutputStream stdout;
        private boolean inheritOutput;

        private Builder(List<String> command) {
            if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
                throw new IllegalArgumentException("A command needs an executable");
            }
            this.command = new ArrayList<>(command);
            for (String argument : this.command) {
                Objects.requireNonNull(argument, "command argument");
            }
        }

        /**
         * Sets the child's complete environment; without this it inherits the current process's.
         *
         * @param environment every variable the child sees
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = new LinkedHashMap<>(environment);
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param directory an existing directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * Sets the timeout.
         *
         * @param timeout a positive duration, or null for none
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the output listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(OutputListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Adds a function that masks secrets in the command line and the output, such as
         * {@link dev.isoenv.PackageIndexes#mask(String)}; the user-info of URLs is always masked.
         *
         * @param masker the function
         * @return this builder
         */
        public Builder masking(UnaryOperator<String> masker) {
            UnaryOperator<String> before = this.masker;
            UnaryOperator<String> added = Objects.requireNonNull(masker, "masker");
            this.masker = text -> added.apply(before.apply(text));
            return this;
        }

        /**
         * Sets how many characters of each stream to capture.
         *
         * @param characters zero or more
         * @return this builder
         */
        public Builder captureLimit(int characters) {
            this.captureLimit = Math.max(0, characters);
            return this;
        }

        /**
         * Sets how many of the last lines to keep for error messages.
         *
         * @param lines zero or more
         * @return this builder
         */
        public Builder tailLines(int lines) {
            this.tailLines = Math.max(0, lines);
            return this;
        }

        /**
         * Gives the process these bytes on its standard input, then closes it. Without this or
         * {@link #stdin(ProcessBuilder.Redirect)} the input is closed at once, so a process that asks a question gets
         * end-of-file instead of waiting.
         *
         * @param bytes the input
         * @return this builder
         */
        public Builder stdin(byte[] bytes) {
            this.stdinBytes = Objects.requireNonNull(bytes, "bytes").clone();
            this.stdinRedirect = null;
            return this;
        }

        /**
         * Reads the process's standard input from a file ({@link ProcessBuilder.Redirect#from}) or from this JVM's
         * own input ({@link ProcessBuilder.Redirect#INHERIT}).
         *
         * @param redirect a redirect of type {@code READ} or {@code INHERIT}
         * @return this builder
         * @throws IllegalArgumentException for a redirect that does not read
         */
        public Builder stdin(ProcessBuilder.Redirect redirect) {
            Objects.requireNonNull(redirect, "redirect");
            if (redirect.type() != ProcessBuilder.Redirect.Type.READ
                    && redirect.type() != ProcessBuilder.Redirect.Type.INHERIT) {
                throw new IllegalArgumentException("Standard input can come from a file or be inherited, not " + redirect);
            }
            this.stdinRedirect = redirect;
            this.stdinBytes = null;
            return this;
        }

        /**
         * Sends the process's standard output, as raw bytes, to {@code stream}, which the runner does not close;
         * it is then neither captured nor given to the listener. Standard error is still captured.
         *
         * @param stream the stream
         * @return this builder
         */
        public Builder stdout(java.io.OutputStream stream) {
            this.stdout = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Lets the process write its standard output and error straight to this JVM's; nothing is captured.
         *
         * @return this builder
         */
        public Builder inheritOutput() {
            this.inheritOutput = true;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public ProcessRequest build() {
            return new ProcessRequest(this);
        }
    }
}
