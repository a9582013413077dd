package dev.isoenv.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.InstallPlan;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.PlanningContext;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One registry loads every kind of provider, orders each by one rule, and survives a provider that fails to load. */
class ProviderRegistryTest {
    @TempDir
    Path dir;

    /** A planner ServiceLoader can make: public, with a public no-argument constructor. */
    public static final class LowPlanner implements InstallPlanner {
        /** For ServiceLoader. */
        public LowPlanner() {
        }

        @Override
        public String name() {
            return "low";
        }

        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            return Optional.empty();
        }
    }

    /** Another planner, with a higher priority. */
    public static final class HighPlanner implements InstallPlanner {
        /** For ServiceLoader. */
        public HighPlanner() {
        }

        @Override
        public String name() {
            return "high";
        }

        @Override
        public int priority() {
            return 50;
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            return Optional.empty();
        }
    }

    /** A planner whose constructor fails, as one with a missing dependency would. */
    public static final class BrokenPlanner implements InstallPlanner {
        /** For ServiceLoader; always fails. */
        public BrokenPlanner() {
            throw new IllegalStateException("the native library of this planner is missing");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Optional<InstallPlan> plan(EnvironmentSpec spec, PlanningContext context) {
            return Optional.empty();
        }
    }

    private ClassLoader loaderWithServices(String service, String... providers) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.write(services.resolve(service), List.of(providers));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void providersAreOrderedByPriorityThenNameAndABrokenOneIsReportedNotFatal() throws IOException {
        ClassLoader loader = loaderWithServices(InstallPlanner.class.getName(), LowPlanner.class.getName(),
                "dev.isoenv.does.not.Exist", BrokenPlanner.class.getName(), HighPlanner.class.getName());
        ProviderRegistry registry = ProviderRegistry.serviceLoader(loader);

        List<String> names = registry.planners().stream().map(InstallPlanner::name).collect(Collectors.toList());
        assertEquals(List.of("high", "low"), names, "highest priority first; the broken ones are left out");
        String failures = String.join("\n", registry.failures());
        assertEquals(2, registry.failures().size(), failures);
        assertTrue(failures.contains("dev.isoenv.does.not.Exist"), failures);
        assertTrue(failures.contains(BrokenPlanner.class.getName()), failures);
    }

    @Test
    void eachKindIsLoadedOnlyWhenAskedFor() throws IOException {
        ClassLoader loader = loaderWithServices(InstallPlanner.class.getName(), BrokenPlanner.class.getName());
        ProviderRegistry registry = ProviderRegistry.serviceLoader(loader);
        assertEquals(List.of(), registry.failures(), "nothing is loaded when the registry is made");
        registry.installers();
        assertEquals(List.of(), registry.failures(), "asking for installers does not load planners");
        registry.planners();
        assertEquals(1, registry.failures().size());
    }

    @Test
    void givenProvidersFollowTheSameOrder() {
        AcceleratorProbe cheap = probe("override", 1000);
        AcceleratorProbe costly = probe("nvidia", 800);
        AcceleratorProbe sameAsCostly = probe("amd", 800);
        ProviderRegistry registry = ProviderRegistry.override(ProviderRegistry.serviceLoader(getClass().getClassLoader()),
                null, List.of(costly, sameAsCostly, cheap), List.of(new LowPlanner(), new HighPlanner()));
        assertEquals(List.of("override", "amd", "nvidia"),
                registry.probes().stream().map(AcceleratorProbe::name).collect(Collectors.toList()));
        assertEquals(List.of("high", "low"),
                registry.planners().stream().map(InstallPlanner::name).collect(Collectors.toList()));
    }

    @Test
    void aProviderWhoseNameOrPriorityFailsIsLeftOutAndReported() {
        AcceleratorProbe good = probe("nvidia", 800);
        AcceleratorProbe nameless = probe(null, 900);
        AcceleratorProbe throwing = new AcceleratorProbe() {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public int priority() {
                throw new IllegalStateException("no configuration");
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                return ProbeResult.notDetected("test");
            }
        };
        ProviderRegistry registry = ProviderRegistry.override(ProviderRegistry.serviceLoader(getClass().getClassLoader()),
                null, List.of(nameless, throwing, good), null);
        assertEquals(List.of("nvidia"), registry.probes().stream().map(AcceleratorProbe::name)
                .collect(Collectors.toList()));
        String failures = String.join("\n", registry.failures());
        assertEquals(2, registry.failures().size(), failures);
        assertTrue(failures.contains("no configuration") && failures.contains("name() is empty"), failures);
    }

    private static AcceleratorProbe probe(String name, int priority) {
        return new AcceleratorProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public ProbeResult probe(ProbeContext context) {
                return ProbeResult.notDetected("test");
            }
        };
    }
}
