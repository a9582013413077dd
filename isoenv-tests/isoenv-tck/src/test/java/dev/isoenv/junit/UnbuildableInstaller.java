package dev.isoenv.junit;

import dev.isoenv.Availability;
import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.CreatedEnvironment;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that can build nothing, registered in the test class path the way any backend is, so that the
 * extension's handling of a failed {@code ensure()} is seen without a Python: it counts how often isoenv asked it to
 * build, and refuses in {@link #prepare}, before anything is written. Only a specification that names it uses it.
 */
public final class UnbuildableInstaller implements Installer {
    /** The backend's name, for {@link PythonEnvironment#backend()}. */
    public static final String NAME = "unbuildable";
    /** How many times isoenv asked any instance to build an environment. */
    public static final AtomicInteger ATTEMPTS = new AtomicInteger();
    /** The message of the refusal. */
    public static final String REFUSAL = "the unbuildable test backend builds nothing";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -1000;
    }

    @Override
    public Availability availability() {
        return Availability.available("a test backend");
    }

    @Override
    public boolean chosenAutomaticallyFor(EnvironmentSpec spec) {
        return false;
    }

    @Override
    public void prepare(EnvironmentSpec spec, BackendContext context) {
        ATTEMPTS.incrementAndGet();
        throw new EnvironmentCreationException(REFUSAL);
    }

    @Override
    public CreatedEnvironment create(EnvironmentSpec spec, BackendContext context) {
        throw new AssertionError("prepare() refused");
    }

    @Override
    public void install(EnvironmentLayout environment, InstallStep step, BackendContext context) {
        throw new AssertionError("nothing was created");
    }

    @Override
    public void uninstall(EnvironmentLayout environment, Collection<String> distributions, BackendContext context) {
        throw new AssertionError("nothing was created");
    }
}
