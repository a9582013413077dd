package dev.isoenv.selection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The providers of one service interface that {@link ServiceLoader} found, loaded so that one broken provider
 * (a missing class, a failing constructor) is reported instead of breaking everything: it is left out, and its
 * error is kept for messages.
 *
 * @param <T> the service interface
 */
public final class ServiceProviders<T> {
    private final List<T> providers;
    private final List<String> failures;

    private ServiceProviders(List<T> providers, List<String> failures) {
        this.providers = List.copyOf(providers);
        this.failures = List.copyOf(failures);
    }

    /**
     * Loads the providers of {@code service} visible to isoenv's class loader or module layer.
     *
     * @param service the service interface
     * @param <T> its type
     * @return the providers that loaded, and the errors of those that did not
     */
    public static <T> ServiceProviders<T> load(Class<T> service) {
        List<T> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(service, ServiceProviders.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(String.valueOf(e.getMessage()));
            }
        }
        return new ServiceProviders<>(found, failures);
    }

    /**
     * Returns the providers that loaded, in ServiceLoader's order.
     *
     * @return the providers
     */
    public List<T> providers() {
        return providers;
    }

    /**
     * Returns the errors of providers that failed to load.
     *
     * @return the error messages
     */
    public List<String> failures() {
        return failures;
    }
}
