package dev.isoenv.internal.registry;

import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.Installer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The one place that finds isoenv's providers: installers (backends), accelerator probes and install planners. Each
 * kind is loaded with {@link ServiceLoader} the first time it is asked for, and ordered by one rule: highest
 * priority first, then name. A provider that fails to load (a missing class, a failing constructor) is left out
 * and reported in {@link #failures()}, never fatal.
 */
public final class ProviderRegistry {
    private final Kind<Installer> installers;
    private final Kind<AcceleratorProbe> probes;
    private final Kind<InstallPlanner> planners;

    private ProviderRegistry(Kind<Installer> installers, Kind<AcceleratorProbe> probes, Kind<InstallPlanner> planners) {
        this.installers = installers;
        this.probes = probes;
        this.planners = planners;
    }

    /**
     * Returns a registry that loads each kind of provider with {@link ServiceLoader} when first asked.
     *
     * @param loader the class loader to search, for the class path; the module layer is searched too
     * @return the registry
     */
    public static ProviderRegistry serviceLoader(ClassLoader loader) {
        return new ProviderRegistry(Kind.loaded(Installer.class, loader, Installer::priority, Installer::name),
                Kind.loaded(AcceleratorProbe.class, loader, AcceleratorProbe::priority, AcceleratorProbe::name),
                Kind.loaded(InstallPlanner.class, loader, InstallPlanner::priority, InstallPlanner::name));
    }

    /**
     * Returns a registry whose kinds are given where not null, and loaded with {@link ServiceLoader} where null.
     *
     * @param base the registry to take the missing kinds from
     * @param installers the installers, or null
     * @param probes the probes, or null
     * @param planners the planners, or null
     * @return the registry
     */
    public static ProviderRegistry override(ProviderRegistry base, List<Installer> installers,
                                            List<AcceleratorProbe> probes, List<InstallPlanner> planners) {
        return new ProviderRegistry(
                installers == null ? base.installers : Kind.given(installers, Installer::priority, Installer::name),
                probes == null ? base.probes : Kind.given(probes, AcceleratorProbe::priority, AcceleratorProbe::name),
                planners == null ? base.planners
                        : Kind.given(planners, InstallPlanner::priority, InstallPlanner::name));
    }

    /**
     * Returns the installers, highest priority first.
     *
     * @return the installers
     */
    public List<Installer> installers() {
        return installers.providers();
    }

    /**
     * Returns the accelerator probes, highest priority (cheapest, overrides) first.
     *
     * @return the probes
     */
    public List<AcceleratorProbe> probes() {
        return probes.providers();
    }

    /**
     * Returns the install planners, highest priority first.
     *
     * @return the planners
     */
    public List<InstallPlanner> planners() {
        return planners.providers();
    }

    /**
     * Returns what failed to load, each as "service: error", for the kinds loaded so far.
     *
     * @return the failures
     */
    public List<String> failures() {
        List<String> all = new ArrayList<>(installers.failures());
        all.addAll(probes.failures());
        all.addAll(planners.failures());
        return all;
    }

    /** Returns the failures of installers, for the "no backend fits" message. */
    List<String> installerFailures() {
        return installers.failures();
    }

    /** One kind of provider, loaded once, ordered by priority then name. */
    private static final class Kind<T> {
        private final Class<T> service;
        private final ClassLoader loader;
        private final ToIntFunction<T> priority;
        private final Function<T, String> name;
        private volatile Loaded<T> loaded;

        private Kind(Class<T> service, ClassLoader loader, ToIntFunction<T> priority, Function<T, String> name,
                     Loaded<T> loaded) {
            this.service = service;
            this.loader = loader;
            this.priority = priority;
            this.name = name;
            this.loaded = loaded;
        }

        static <T> Kind<T> loaded(Class<T> service, ClassLoader loader, ToIntFunction<T> priority,
                                  Function<T, String> name) {
            return new Kind<>(service, loader, priority, name, null);
        }

        static <T> Kind<T> given(List<T> providers, ToIntFunction<T> priority, Function<T, String> name) {
            Kind<T> kind = new Kind<>(null, null, priority, name, null);
            List<String> failures = new ArrayList<>();
            kind.loaded = new Loaded<>(kind.order(providers, failures), List.copyOf(failures));
            return kind;
        }

        /**
         * Sorts by priority then name, leaving out (and reporting) a provider whose {@code name()} or
         * {@code priority()} throws or whose name is null: one broken provider must not break the others.
         */
        private List<T> order(List<T> providers, List<String> failures) {
            List<Ranked<T>> ranked = new ArrayList<>();
            for (T p : providers) {
                try {
                    String n = name.apply(p);
                    if (n == null || n.isBlank()) {
                        failures.add(p.getClass().getName() + ": its name() is empty; left out");
                        continue;
                    }
                    ranked.add(new Ranked<>(p, priority.applyAsInt(p), n));
                } catch (RuntimeException | LinkageError e) {
                    failures.add(p.getClass().getName() + ": its name() or priority() failed (" + e + "); left out");
                }
            }
            ranked.sort(Comparator.comparingInt((Ranked<T> r) -> r.priority).reversed()
                    .thenComparing(r -> r.name));
            List<T> out = new ArrayList<>();
            for (Ranked<T> r : ranked) {
                out.add(r.provider);
            }
            return List.copyOf(out);
        }

        List<T> providers() {
            return load().providers;
        }

        List<String> failures() {
            Loaded<T> l = loaded;
            return l == null ? List.of() : l.failures;
        }

        private Loaded<T> load() {
            Loaded<T> l = loaded;
            if (l == null) {
                synchronized (this) {
                    l = loaded;
                    if (l == null) {
                        l = scan();
                        loaded = l;
                    }
                }
            }
            return l;
        }

        private Loaded<T> scan() {
            List<T> found = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Iterator<T> it = ServiceLoader.load(service, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    found.add(it.next());
                } catch (ServiceConfigurationError | LinkageError e) {
                    failures.add(service.getSimpleName() + ": " + e.getMessage());
                    System.getLogger("dev.isoenv").log(System.Logger.Level.WARNING,
                            "isoenv: a provider of {0} failed to load and is left out: {1}", service.getName(),
                            e.getMessage());
                }
            }
            List<T> ordered = order(found, failures);
            return new Loaded<>(ordered, List.copyOf(failures));
        }
    }

    private static final class Ranked<T> {
        final T provider;
        final int priority;
        final String name;

        Ranked(T provider, int priority, String name) {
            this.provider = provider;
            this.priority = priority;
            this.name = name;
        }
    }

    private static final class Loaded<T> {
        final List<T> providers;
        final List<String> failures;

        Loaded(List<T> providers, List<String> failures) {
            this.providers = providers;
            this.failures = failures;
        }
    }
}
