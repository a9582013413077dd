package dev.isoenv.it;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.Availability;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.venv.VenvInstaller;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A custom backend, registered the way any third-party backend would be (a META-INF/services entry in the test
 * class path), that delegates to the venv backend and records what it was asked to do. It is available only while
 * the system property {@value #ENABLE} is "true", so it does not take over other tests' automatic selection.
 */
public final class RecordingInstaller implements Installer {
    /** The system property that makes this backend available. */
    public static final String ENABLE = "isoenv.test.recording";
    /** What every instance was asked to do, in order. */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    private final VenvInstaller delegate = new VenvInstaller();

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Availability availability() {
        return Boolean.getBoolean(ENABLE) ? Availability.available("enabled by " + ENABLE)
                : Availability.unavailable("only for tests; set -D" + ENABLE + "=true");
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        CALLS.add("create " + spec.location().getFileName());
        return delegate.create(spec, context);
    }

    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        CALLS.add("install " + step.requirements());
        delegate.install(environment, step, context);
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        CALLS.add("uninstall " + distributions);
        delegate.uninstall(environment, distributions, context);
    }
}
