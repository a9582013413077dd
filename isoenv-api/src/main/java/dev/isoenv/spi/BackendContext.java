package dev.isoenv.spi;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.OutputListener;
import dev.isoenv.process.ProcessRequest;
import dev.isoenv.process.ProcessResult;
import dev.isoenv.process.ProcessRunner;
import dev.isoenv.process.Redactor;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend works with during one {@code ensure()}: the specification, the shared process runner, the
 * caller's output listener, a redactor for the specification's secrets, and the variables of the current
 * process to build child environments from.
 */
public final class BackendContext {
    private final EnvironmentSpec spec;
    private final ProcessRunner runner;
    private final OutputListener listener;
    private final Redactor redactor;
    private final Map<String, String> processEnvironment;

    /**
     * Creates a context.
     *
     * @param spec the specification being ensured
     * @param runner the process runner every backend must use
     * @param listener receives installer output
     * @param processEnvironment the variables child environments start from
     */
    public BackendContext(EnvironmentSpec spec, ProcessRunner runner, OutputListener listener,
                          Map<String, String> processEnvironment) {
        this(spec, runner, listener, spec.indexes().redactor(), processEnvironment);
    }

    private BackendContext(EnvironmentSpec spec, ProcessRunner runner, OutputListener listener, Redactor redactor,
                           Map<String, String> processEnvironment) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.processEnvironment = Map.copyOf(processEnvironment);
    }

    /**
     * Returns a context that also masks the credentials of {@code indexes}, such as those of a PyTorch mirror that
     * one install step uses.
     *
     * @param indexes the indexes whose secrets to mask too
     * @return the context
     */
    public BackendContext withSecretsOf(dev.isoenv.PackageIndexes indexes) {
        return new BackendContext(spec, runner, listener, redactor.and(indexes.redactor()), processEnvironment);
    }

    /**
     * Returns the specification being ensured.
     *
     * @return the specification
     */
    public EnvironmentSpec spec() {
        return spec;
    }

    /**
     * Returns the process runner.
     *
     * @return the runner
     */
    public ProcessRunner runner() {
        return runner;
    }

    /**
     * Returns the listener for installer output.
     *
     * @return the listener
     */
    public OutputListener listener() {
        return listener;
    }

    /**
     * Returns the redactor for the specification's secrets.
     *
     * @return the redactor
     */
    public Redactor redactor() {
        return redactor;
    }

    /**
     * Returns the current process's variables, from which child environments are built.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> processEnvironment() {
        return processEnvironment;
    }

    /**
     * Runs a process with this context's listener and redactor.
     *
     * @param request the request; its listener and redactor are replaced by this context's
     * @return the result
     */
    public ProcessResult run(ProcessRequest.Builder request) {
        return runner.run(request.listener(listener).redactor(redactor).build());
    }
}
