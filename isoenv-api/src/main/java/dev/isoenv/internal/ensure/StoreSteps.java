package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.Requirement;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.metadata.DependencyClosure;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.internal.store.SharedStore;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.InstallStep;
import dev.isoenv.spi.Installer;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An install step's use of the shared store ({@link SharedStore}): before the installer runs, the distributions the
 * same step resolved to in another environment are linked in, so that the installer finds them installed and
 * fetches only the rest (often nothing); after it ran, what it installed is added to the store, and the step's
 * resolution is remembered for the next environment.
 *
 * <p>A step's identity is everything that decides what it resolves to: the backend, the Python and platform, the
 * requirements, constraints (including the pins of what is installed), indexes, installer arguments, and whether the
 * machine's pip configuration applies. Like pip with an existing environment, a requirement that a remembered
 * resolution satisfies is not upgraded; pin versions, or turn the store off, to resolve afresh each time.
 *
 * <p>Which stored distribution each installed one is, is kept in the environment's state folder
 * ({@value #KEYS_FILE}), so that a later step needs no hashing of what an earlier one installed.
 */
final class StoreSteps {
    static final String KEYS_FILE = "store-distributions.txt";

    private final SharedStore store;

    private StoreSteps(SharedStore store) {
        this.store = store;
    }

    /**
     * Returns the store's use for an ensure() call, or empty when the specification turned it off, the backend does
     * not use it, or nothing says where it is.
     */
    static Optional<StoreSteps> forCall(EnvironmentSpec spec, Installer installer, Map<String, String> clientOptions,
                                        Map<String, String> processEnvironment) {
        if (!spec.usesSharedStore() || !installer.usesSharedStore()) {
            return Optional.empty();
        }
        OperatingSystem os = OperatingSystem.current();
        return SharedStore.locate(spec.backendOptions(), clientOptions, os, processEnvironment, System::getProperty)
                .map(dir -> new StoreSteps(SharedStore.at(dir, os)));
    }

    /** Returns the store. */
    SharedStore store() {
        return store;
    }

    /** Tells whether a step may be served by the store: not a lock's step, and nothing to replace. */
    static boolean applies(InstallStep step) {
        return step.lockedPackages().isEmpty() && step.reinstall().isEmpty() && !step.requirements().isEmpty();
    }

    /** The step's identity, as the class comment says; credentials of index URLs are masked. */
    static String identity(Installer installer, InstallStep step, EnvironmentSpec spec, Map<String, String> markers) {
        StringBuilder b = new StringBuilder("isoenv-step 1\n");
        b.append("backend ").append(installer.name()).append('\n');
        b.append("python ").append(markers.getOrDefault("python_full_version", "?")).append(' ')
                .append(markers.getOrDefault("implementation_name", "?")).append('\n');
        b.append("platform ").append(SharedStore.platform(markers)).append('\n');
        b.append("dependencies ").append(step.installsDependencies()).append('\n');
        b.append("machine-configuration ").append(spec.inheritsMachineConfiguration()).append('\n');
        for (Requirement r : step.requirements()) {
            b.append("requirement ").append(r).append('\n');
        }
        TreeSet<String> constraints = new TreeSet<>();
        for (Requirement c : step.constraints()) {
            constraints.add(c.toString());
        }
        for (String c : constraints) {
            b.append("constraint ").append(c).append('\n');
        }
        b.append("indexes ").append(step.indexes()).append('\n');
        b.append("arguments ").append(spec.installerArguments()).append('\n');
        return Redactor.maskUrlCredentials(b.toString());
    }

    /**
     * Links into the environment what the same step resolved to elsewhere, except what is installed already (in any
     * version: the installer decides about those).
     *
     * @return the distributions linked, each as "name version"
     */
    List<String> linkRemembered(EnvironmentLayout layout, String identity, List<InstalledDistribution> installed,
                                Set<String> requested) {
        Optional<List<String>> keys = store.resolution(identity);
        if (keys.isEmpty()) {
            return List.of();
        }
        Set<String> present = new LinkedHashSet<>();
        for (InstalledDistribution d : installed) {
            present.add(d.normalizedName());
        }
        Map<String, String> known = readKeys(layout.root());
        List<String> linked = new ArrayList<>();
        for (String key : keys.get()) {
            Optional<InstalledDistribution> d = store.distribution(key);
            if (d.isEmpty() || present.contains(d.get().normalizedName())) {
                continue;
            }
            if (store.link(layout, key, requested.contains(d.get().normalizedName()))) {
                linked.add(d.get().name() + " " + d.get().version());
                known.put(d.get().normalizedName() + " " + d.get().version(), key);
            }
        }
        if (!linked.isEmpty()) {
            writeKeys(layout.root(), known);
            store.reference(layout, known.values());
        }
        return linked;
    }

    /**
     * Adds to the store what the step installed, and remembers what the step resolved to: the step's requirements
     * and, when it installs dependencies, everything they need, as far as the store holds them.
     */
    void addInstalled(EnvironmentLayout layout, String identity, InstallStep step, Map<String, String> markers,
                      Set<String> before, List<InstalledDistribution> after) {
        Map<String, String> known = readKeys(layout.root());
        String python = markers.getOrDefault("python_version", "?");
        String platform = SharedStore.platform(markers);
        Map<String, InstalledDistribution> byName = new LinkedHashMap<>();
        for (InstalledDistribution d : after) {
            byName.put(d.normalizedName(), d);
            String id = d.normalizedName() + " " + d.version();
            if (!before.contains(id) && !known.containsKey(id)) {
                store.add(layout, python, platform, d).ifPresent(key -> known.put(id, key));
            }
        }
        Collection<String> names;
        if (step.installsDependencies()) {
            try {
                names = DependencyClosure.of(layout.sitePackages(), step.requirements(), markers);
            } catch (RuntimeException e) {
                names = List.of();
            }
        } else {
            names = new ArrayList<>();
            for (Requirement r : step.requirements()) {
                names.add(r.normalizedName());
            }
        }
        List<String> resolution = new ArrayList<>();
        for (String name : names) {
            InstalledDistribution d = byName.get(name);
            String key = d == null ? null : known.get(d.normalizedName() + " " + d.version());
            if (key != null) {
                resolution.add(key);
            }
        }
        known.keySet().removeIf(id -> {
            InstalledDistribution d = byName.get(id.substring(0, id.indexOf(' ')));
            return d == null || !id.equals(d.normalizedName() + " " + d.version());
        });
        writeKeys(layout.root(), known);
        store.reference(layout, known.values());
        store.rememberResolution(identity, resolution);
    }

    private static Map<String, String> readKeys(Path root) {
        Map<String, String> keys = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve(StateRecord.DIRECTORY).resolve(KEYS_FILE),
                    StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length == 3) {
                    keys.put(f[0] + " " + f[1], f[2]);
                }
            }
        } catch (NoSuchFileException e) {
            return keys;
        } catch (IOException e) {
            Logging.logger().log(Level.DEBUG, "isoenv: could not read {0}: {1}", KEYS_FILE, e);
        }
        return keys;
    }

    private static void writeKeys(Path root, Map<String, String> keys) {
        Path file = root.resolve(StateRecord.DIRECTORY).resolve(KEYS_FILE);
        StringBuilder b = new StringBuilder();
        keys.forEach((id, key) -> b.append(id).append(' ').append(key).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(KEYS_FILE + ".tmp");
            Files.writeString(temporary, b, StandardCharsets.UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Logging.logger().log(Level.DEBUG, FileProblems.describe("record the store's distributions", file, e));
        }
    }
}
