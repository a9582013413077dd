package dev.isoenv.spi;

import dev.isoenv.EnsureEvent;
import dev.isoenv.EnsureListener;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.OutputListener;
import dev.isoenv.PackageIndexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend works with during one {@code ensure()}: the specification, the runner every process must go
 * through, the caller's output and event listeners, the masking of the specification's secrets, and the variables
 * of the current process to build child environments from.
 */
public final class BackendContext {
    private final EnvironmentSpec spec;
    private final CommandRunner runner;
    private final OutputListener listener;
    private final EnsureListener events;
    private final List<PackageIndexes> secretHolders;
    private final Map<String, String> processEnvironment;

    /**
     * Creates a context. isoenv makes one for each {@code ensure()}; a conformance test of a backend makes its own.
     *
     * @param spec the specification being ensured
     * @param runner the runner every process must go through, normally {@link CommandRunner#standard()}
     * @param listener receives installer output, line by line
     * @param events receives progress events, such as {@link EnsureEvent.PackageProgress}
     * @param processEnvironment the variables child environments start from
     */
    public BackendContext(EnvironmentSpec spec, CommandRunner runner, OutputListener listener, EnsureListener events,
                          Map<String, String> processEnvironment) {
        this(spec, runner, listener, events, List.of(spec.indexes()), processEnvironment);
    }

    private BackendContext(EnvironmentSpec spec, CommandRunner runner, OutputListener listener, EnsureListener events,
                           List<PackageIndexes> secretHolders, Map<String, String> processEnvironment) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.events = Objects.requireNonNull(events, "events");
        this.secretHolders = List.copyOf(secretHolders);
        this.processEnvironment = Map.copyOf(processEnvironment);
    }

    /**
     * Returns a context that also masks the credentials of {@code indexes}, such as those of a mirror that one
     * install step uses.
     *
     * @param indexes the indexes whose secrets to mask too
     * @return the context
     */
    public BackendContext withSecretsOf(PackageIndexes indexes) {
        List<PackageIndexes> all = new ArrayList<>(secretHolders);
        all.add(Objects.requireNonNull(indexes, "indexes"));
        return new BackendContext(spec, runner, listener, events, all, processEnvironment);
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
     * Returns the listener for installer output.
     *
     * @return the listener
     */
    public OutputListener listener() {
        return listener;
    }

    /**
     * Sends a backend's progress event to the caller's listener: {@link EnsureEvent.InterpreterFound} or
     * {@link EnsureEvent.PackageProgress}; the engine sends the others. A listener that throws is logged and ignored.
     *
     * @param event the event
     */
    public void publish(EnsureEvent.BackendEvent event) {
        try {
            events.onEvent(event);
        } catch (RuntimeException e) {
            System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING,
                    "isoenv: an ensure listener failed on " + event.getClass().getSimpleName(), e);
        }
    }

    /**
     * Masks the credentials of the specification's indexes (and of any added with {@link #withSecretsOf}) and the
     * user-info of every URL in {@code text}.
     *
     * @param text any text, may be {@code null}
     * @return the masked text
     */
    public String mask(String text) {
        String result = text;
        for (PackageIndexes holder : secretHolders) {
            result = holder.mask(result);
        }
        return result;
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
     * Returns the runner every process must go through. {@link #run(ProcessRequest.Builder)} is usually what a
     * backend wants: it adds the masking of this context's secrets and its output listener.
     *
     * @return the runner
     */
    public CommandRunner runner() {
        return runner;
    }

    /**
     * Runs a process through this context's runner. Its output goes to the request's own listener, if it set one,
     * and to this context's listener; secrets are masked in both and in the result. The builder is not changed.
     *
     * @param request the request
     * @return the result
     */
    public ProcessResult run(ProcessRequest.Builder request) {
        ProcessRequest given = request.build();
        OutputListener own = given.listener();
        OutputListener both = own == OutputListener.NONE ? listener : (stream, line) -> {
            own.onLine(stream, line);
            listener.onLine(stream, line);
        };
        // A copy: the caller's builder is left as it was, so it can be reused for a retry.
        return runner.run(given.toBuilder().listener(both).masking(this::mask).build());
    }
}
