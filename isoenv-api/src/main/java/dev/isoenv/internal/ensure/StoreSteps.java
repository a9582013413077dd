package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.Requirement;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.lock.ArtifactRecord;
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
import java.util.function.Supplier;

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

    /**
     * The step's identity, as the class comment says, with the base interpreter's path (two interpreters of one
     * version may differ in ABI); credentials of index URLs are masked.
     */
    static String identity(Installer installer, InstallStep step, EnvironmentSpec spec, Map<String, String> markers,
                           String baseInterpreter) {
        StringBuilder b = new StringBuilder("isoenv-step 1\n");
        b.append("backend ").append(installer.name()).append('\n');
        // The interpreter itself, not only its version: 3.13 and 3.13t, or glibc and musl builds, differ in ABI.
        b.append("interpreter ").append(baseInterpreter).append('\n');
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
     * Links into the environment what the step resolves to, as far as the store holds it, except what is installed
     * already (in any version: the installer decides about those). Nothing happens unless an environment ran the
     * same step before. When every distribution of that earlier resolution is pinned exactly by the step's
     * requirements or constraints, it is used as it is, without a process; otherwise the step is resolved afresh
     * ({@code resolver}, pip's dry run), so that a new release on the index is installed as it would be without the
     * store, and the stored distributions of the same name, version, Python and platform are linked.
     *
     * @return the distributions linked, each as "name version"
     */
    List<String> linkResolved(EnvironmentLayout layout, String identity, InstallStep step,
                              List<InstalledDistribution> installed, Set<String> requested, String python,
                              String platform, Supplier<Optional<List<InstalledDistribution>>> resolver) {
        Optional<List<String>> remembered = store.resolution(identity);
        if (remembered.isEmpty()) {
            return List.of();
        }
        Map<String, String> pins = pins(step);
        List<String> keys = new ArrayList<>();
        boolean fresh = true;
        for (String key : remembered.get()) {
            Optional<InstalledDistribution> d = store.distribution(key);
            if (d.isEmpty() || !d.get().version().equals(pins.get(d.get().normalizedName()))) {
                fresh = false;
                break;
            }
            keys.add(key);
        }
        Set<String> present = new LinkedHashSet<>();
        for (InstalledDistribution d : installed) {
            present.add(d.normalizedName());
        }
        boolean anyMissing = false;
        for (String key : remembered.get()) {
            Optional<InstalledDistribution> d = store.distribution(key);
            anyMissing |= d.isPresent() && !present.contains(d.get().normalizedName());
        }
        if (!anyMissing) {
            // Everything the step resolved to before is here in some version: the installer decides, no dry run.
            return List.of();
        }
        if (!fresh) {
            Optional<List<InstalledDistribution>> resolved = resolver.get();
            if (resolved.isEmpty()) {
                return List.of();
            }
            keys.clear();
            for (InstalledDistribution d : resolved.get()) {
                store.find(d, python, platform, remembered.get()).ifPresent(keys::add);
            }
        }
        Map<String, String> known = readKeys(layout.root());
        List<String> linked = new ArrayList<>();
        for (String key : keys) {
            Optional<InstalledDistribution> d = store.distribution(key);
            if (d.isEmpty() || present.contains(d.get().normalizedName())) {
                continue;
            }
            if (store.link(layout, key, requested.contains(d.get().normalizedName()), python, platform)) {
                linked.add(d.get().name() + " " + d.get().version());
                known.put(d.get().normalizedName() + " " + d.get().version(), key);
                recordArtifact(layout, d.get(), store.artifact(key));
            }
        }
        if (!linked.isEmpty()) {
            writeKeys(layout.root(), known);
        }
        return linked;
    }

    /** The exact pins ({@code ==V}, no wildcard, no URL) of a step's requirements and constraints, by name. */
    static Map<String, String> pins(InstallStep step) {
        Map<String, String> pins = new java.util.HashMap<>();
        List<Requirement> all = new ArrayList<>(step.requirements());
        all.addAll(step.constraints());
        for (Requirement r : all) {
            String spec = r.specifier().strip();
            if (r.url().isEmpty() && r.marker().isEmpty() && spec.startsWith("==") && !spec.startsWith("===")
                    && spec.indexOf(',') < 0 && !spec.contains("*")) {
                pins.put(r.normalizedName(), spec.substring(2).strip());
            }
        }
        return pins;
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
        // A key recorded for another Python (a rebuild kept the file) is never taken for this one.
        known.values().removeIf(key -> !store.isFor(key, python, platform));
        Map<String, ArtifactRecord.Entry> artifacts = ArtifactRecord.read(layout.root()
                .resolve(StateRecord.DIRECTORY));
        Map<String, InstalledDistribution> byName = new LinkedHashMap<>();
        for (InstalledDistribution d : after) {
            byName.put(d.normalizedName(), d);
            String id = d.normalizedName() + " " + d.version();
            if (!before.contains(id) && !known.containsKey(id)) {
                store.add(layout, python, platform, d, artifact(artifacts.get(d.normalizedName()), d))
                        .ifPresent(key -> known.put(id, key));
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

    /** The store's form of an artifact record entry, when it is for this version. */
    private static Map<String, String> artifact(ArtifactRecord.Entry entry, InstalledDistribution d) {
        if (entry == null || !entry.version().equals(d.version())) {
            return Map.of();
        }
        Map<String, String> artifact = new TreeMap<>();
        artifact.put("url", entry.url());
        artifact.put("direct", Boolean.toString(entry.direct()));
        entry.hashes().forEach((algorithm, value) -> artifact.put("hash." + algorithm, value));
        return artifact;
    }

    /** Gives a linked distribution the record of its file, so that a lock exported from here has its hashes. */
    private static void recordArtifact(EnvironmentLayout layout, InstalledDistribution d, Map<String, String> stored) {
        if (!stored.containsKey("url")) {
            return;
        }
        Map<String, String> hashes = new TreeMap<>();
        stored.forEach((k, v) -> {
            if (k.startsWith("hash.")) {
                hashes.put(k.substring(5), v);
            }
        });
        try {
            ArtifactRecord.put(layout.root().resolve(StateRecord.DIRECTORY), d.normalizedName(),
                    ArtifactRecord.Entry.of(d.version(), stored.get("url"), hashes,
                            Boolean.parseBoolean(stored.get("direct"))));
        } catch (IOException e) {
            Logging.logger().log(Level.DEBUG, "isoenv: could not record the file of {0}: {1}", d, e);
        }
    }

    /**
     * The shared store an environment used, as its state folder records it, so that deleting it frees what only it
     * used in that store, wherever the specification put it.
     *
     * @param root the environment's directory
     * @return the store's directory; empty when the environment never used one
     */
    static Optional<Path> storeUsedBy(Path root) {
        try {
            List<String> lines = Files.readAllLines(root.resolve(StateRecord.DIRECTORY).resolve(KEYS_FILE),
                    StandardCharsets.UTF_8);
            if (!lines.isEmpty() && lines.get(0).startsWith(STORE_LINE)) {
                return Optional.of(Path.of(lines.get(0).substring(STORE_LINE.length())));
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static final String STORE_LINE = "# store ";

    private Map<String, String> readKeys(Path root) {
        Map<String, String> keys = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve(StateRecord.DIRECTORY).resolve(KEYS_FILE),
                    StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length == 3 && !line.startsWith("#")) {
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

    private void writeKeys(Path root, Map<String, String> keys) {
        Path file = root.resolve(StateRecord.DIRECTORY).resolve(KEYS_FILE);
        StringBuilder b = new StringBuilder(STORE_LINE).append(store.directory()).append('\n');
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
