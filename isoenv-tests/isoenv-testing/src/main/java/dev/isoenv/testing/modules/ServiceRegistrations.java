package dev.isoenv.testing.modules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads how a compiled module registers its services in both places a provider must be found: the
 * {@code provides} of its module descriptor (module path) and the {@code META-INF/services} files that auto-service
 * writes (class path). Module tests compare the two.
 */
public final class ServiceRegistrations {
    private final ModuleDescriptor descriptor;
    private final Path classes;

    private ServiceRegistrations(ModuleDescriptor descriptor, Path classes) {
        this.descriptor = descriptor;
        this.classes = classes;
    }

    /**
     * Reads a module from its classes directory.
     *
     * @param classes the directory, such as {@code target/classes}
     * @param module the module's name
     * @return the registrations
     */
    public static ServiceRegistrations of(Path classes, String module) {
        ModuleDescriptor d = ModuleFinder.of(classes).find(module)
                .orElseThrow(() -> new IllegalStateException("no module " + module + " in " + classes)).descriptor();
        return new ServiceRegistrations(d, classes);
    }

    /**
     * Returns the module's descriptor.
     *
     * @return the descriptor
     */
    public ModuleDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Returns the providers of each service in the descriptor's {@code provides}.
     *
     * @return providers by service name
     */
    public Map<String, Set<String>> provided() {
        Map<String, Set<String>> out = new TreeMap<>();
        for (ModuleDescriptor.Provides p : descriptor.provides()) {
            out.computeIfAbsent(p.service(), s -> new TreeSet<>()).addAll(p.providers());
        }
        return out;
    }

    /**
     * Returns the providers that {@code META-INF/services} names for each service the descriptor provides.
     *
     * @return providers by service name; an empty set where the file is missing
     */
    public Map<String, Set<String>> registered() {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String service : provided().keySet()) {
            Set<String> names = new TreeSet<>();
            try {
                for (String line : Files.readAllLines(classes.resolve("META-INF/services/" + service))) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#")) {
                        names.add(name);
                    }
                }
            } catch (NoSuchFileException e) {
                // No services file: the provider is invisible on the class path, and the comparison shows it.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.put(service, names);
        }
        return out;
    }
}
