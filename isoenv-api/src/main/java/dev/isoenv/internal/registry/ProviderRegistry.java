package dev.isoenv.internal.registry;

import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.InstallPlanner;
import dev.isoenv.spi.Installer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The one place that finds isoenv's providers: installers (backends), accelerator probes and install planners. Each
 * kind is loaded with {@link ServiceLoader} the first time it is asked for, and ordered by one rule: highest
 * priority first, then name. A provider that fails to load (a missing class, a failing constructor) is left out
 * and reported in {@link #failures()}, never fatal.
 *
 * <p>Building a registry loads nothing and makes no lambda: a client is built at every program start, and only the
 * kinds that a call needs are ever loaded (a warm {@code ensure()} needs the planners alone).
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
        return new ProviderRegistry(Kind.loaded(Service.INSTALLER, Installer.class, loader),
                Kind.loaded(Service.PROBE, AcceleratorProbe.class, loader),
                Kind.loaded(Service.PLANNER, InstallPlanner.class, loader));
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
                installers == null ? base.installers : Kind.given(Service.INSTALLER, installers),
                probes == null ? base.probes : Kind.given(Service.PROBE, probes),
                planners == null ? base.planners : Kind.given(Service.PLANNER, planners));
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

    /** How each kind of provider gives its name and priority. */
    private enum Service {
        INSTALLER {
            @Override
            String name(Object provider) {
                return ((Installer) provider).name();
            }

            @Override
            int priority(Object provider) {
                return ((Installer) provider).priority();
            }
        },
        PROBE {
            @Override
            String name(Object provider) {
                return ((AcceleratorProbe) provider).name();
            }

            @Override
            int priority(Object provider) {
                return ((AcceleratorProbe) provider).priority();
            }
        },
        PLANNER {
            @Override
            String name(Object provider) {
                return ((InstallPlanner) provider).name();
            }

            @Override
            int priority(Object provider) {
                return ((InstallPlanner) provider).priority();
            }
        };

        abstract String name(Object provider);

        abstract int priority(Object provider);
    }

    /** One kind of provider, loaded once, ordered by priority then name. */
    private static final class Kind<T> {
        private final Service kind;
        private final Class<T> service;
        private final ClassLoader loader;
        private volatile Loaded<T> loaded;

        private Kind(Service kind, Class<T> service, ClassLoader loader) {
            this.kind = kind;
            this.service = service;
            this.loader = loader;
        }

        static <T> Kind<T> loaded(Service kind, Class<T> service, ClassLoader loader) {
            return new Kind<>(kind, service, loader);
        }

        static <T> Kind<T> given(Service kind, List<? extends T> providers) {
            Kind<T> given = new Kind<>(kind, null, null);
            List<String> failures = new ArrayList<>();
            given.loaded = new Loaded<>(given.order(providers, failures), List.copyOf(failures));
            return given;
        }

        /**
         * Sorts by priority then name, leaving out (and reporting) a provider whose {@code name()} or
         * {@code priority()} throws or whose name is null: one broken provider must not break the others.
         */
        private List<T> order(List<? extends T> providers, List<String> failures) {
            List<Ranked<T>> ranked = new ArrayList<>();
            for (T p : providers) {
                try {
                    String n = kind.name(p);
                    if (n == null || n.isBlank()) {
                        failures.add(p.getClass().getName() + ": its name() is empty; left out");
                        continue;
                    }
                    ranked.add(new Ranked<>(p, kind.priority(p), n));
                } catch (RuntimeException | LinkageError e) {
                    failures.add(p.getClass().getName() + ": its name() or priority() failed (" + e + "); left out");
                }
            }
            Collections.sort(ranked);
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

    /** A provider with its priority and name, ordered highest priority first, then by name. */
    private static final class Ranked<T> implements Comparable<Ranked<T>> {
        final T provider;
        final int priority;
        final String name;

        Ranked(T provider, int priority, String name) {
            this.provider = provider;
            this.priority = priority;
            this.name = name;
        }

        @Override
        public int compareTo(Ranked<T> other) {
            int byPriority = Integer.compare(other.priority, priority);
            return byPriority != 0 ? byPriority : name.compareTo(other.name);
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
