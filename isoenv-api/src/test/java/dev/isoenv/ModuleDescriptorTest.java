package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API module is a promise kept for years: it exports exactly the user package and the service provider package,
 * their public types are exactly the ones listed here, and no public signature in them names a type from Guava, Jackson,
 * commons-exec or isoenv's internal packages. Adding to the API means changing this test on purpose.
 */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");
    private final ModuleDescriptor descriptor = ModuleFinder.of(CLASSES).find("dev.isoenv.api")
            .orElseThrow().descriptor();

    /** The public types of each exported package, nested ones by their dotted names. */
    static final Map<String, Set<String>> PUBLIC_TYPES = Map.of(
            "dev.isoenv", Set.of(
                    // entry points and specifications
                    "Isoenv", "IsoenvClient", "EnvironmentSpec", "PythonRequest", "Requirement", "PackageIndexes",
                    "Timeouts", "InstallerArgument",
                    // what ensure() returns and what running a tool gives
                    "Environment", "RunOptions", "RunResult", "InstalledDistribution", "EnvironmentStatus", "StoreGarbage", "EnvironmentLock", "Accelerator",
                    "BackendCandidate", "Availability",
                    // what plan() returns: the choices of ensure(), made without installing
                    "EnvironmentPlan",
                    // lock files (PEP 751): what one holds, read and checked
                    "PackageLock",
                    // an environment packed into an archive, and why an archive is refused
                    "EnvironmentArchive", "InvalidArchiveException", "InvalidArchiveException.Reason",
                    // how to pack: whether the archive bundles the interpreter
                    "PackOptions", "PackOptions.Builder",
                    // listening
                    "EnsureEvent", "EnsureListener", "OutputListener", "LaunchListener", "ConsoleReporter",
                    // errors
                    "IsoenvException", "InvalidSpecException", "InvalidRequirementException", "UnknownBackendException",
                    "BackendSelectionException", "PythonNotFoundException", "EnvironmentConflictException",
                    "EnvironmentCreationException", "EnvironmentStateException", "InstallationException",
                    "VerificationException", "LockTimeoutException", "CommandNotFoundException",
                    "CommandFailedException", "ProcessStartException", "ProcessTimeoutException",
                    "ProcessOutputException", "OperationInterruptedException",
                    // an installer failure's kind: an unreachable index is told apart from a conflict
                    "InstallationException.Reason",
                    "InvalidLockFileException", "LockFileMismatchException", "HashMismatchException",
                    // nested public types
                    "Accelerator.Device", "Accelerator.Kind", "EnvironmentSpec.Builder", "IsoenvClient.Builder",
                    "OutputListener.Stream", "PackageIndexes.Builder", "InstallerArgument.Kind", "EnvironmentStatus.State", "RunOptions.Builder", "Timeouts.Builder",
                    "EnsureEvent.BackendEvent", "EnsureEvent.BackendChosen", "EnsureEvent.InterpreterFound",
                    "EnsureEvent.Creating", "EnsureEvent.Creating.Reason", "EnsureEvent.PlanChosen",
                    "EnsureEvent.StepStarted", "EnsureEvent.PackageProgress", "EnsureEvent.PackageProgress.Phase",
                    "EnsureEvent.Removing", "EnsureEvent.Verifying", "EnsureEvent.Ready", "EnsureEvent.Failed",
                    "PackageLock.Package", "PackageLock.Artifact", "PackageLock.Artifact.Kind"),
            "dev.isoenv.spi", Set.of(
                    "Installer", "BackendContext", "CreatedEnvironment", "EnvironmentLayout", "OperatingSystem",
                    "InstallStep", "CommandRunner", "ProcessRequest", "ProcessResult",
                    "InstallPlanner", "PlanningContext", "InstallPlan", "PostInstallCheck",
                    "AcceleratorProbe", "ProbeContext", "ProbeResult",
                    // nested public types
                    "EnvironmentLayout.Kind", "InstallStep.Builder", "ProcessRequest.Builder"));

    @Test
    void usesEveryServiceInterface() {
        assertEquals(Set.of("dev.isoenv.spi.Installer", "dev.isoenv.spi.AcceleratorProbe", "dev.isoenv.spi.InstallPlanner"),
                descriptor.uses());
    }

    @Test
    void exportsExactlyTheUserAndProviderPackagesAndInternalsOnlyToIsoenvModules() {
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            if (e.isQualified()) {
                assertTrue(e.source().startsWith("dev.isoenv.internal."), "only internals are shared: " + e);
                e.targets().forEach(t -> assertTrue(t.startsWith("dev.isoenv."), "shared only with isoenv: " + e));
            } else {
                exported.add(e.source());
            }
        }
        assertEquals(Set.of("dev.isoenv", "dev.isoenv.spi"), exported);
        descriptor.requires().forEach(r -> assertFalse(r.name().startsWith("dev.isoenv"), "no backend: " + r.name()));
        descriptor.requires().forEach(r -> assertFalse(r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE),
                "no library leaks to users: " + r.name()));
    }

    @Test
    void thePublicTypesAreExactlyTheListedOnes() throws IOException {
        assertEquals(new TreeMap<>(sorted(PUBLIC_TYPES)), publicTypes());
    }

    @Test
    void noPublicSignatureNamesALibraryOrInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : publicTypes().entrySet()) {
            for (String simple : e.getValue()) {
                checkType(Class.forName(e.getKey() + "." + simple.replace('.', '$')), leaks);
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static void checkType(Class<?> type, List<String> leaks) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return;
        }
        check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
        for (Type t : type.getGenericInterfaces()) {
            check(type.getName() + " implements", t, leaks);
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic()) {
                String where = type.getName() + "." + m.getName();
                check(where, m.getGenericReturnType(), leaks);
                for (Type p : m.getGenericParameterTypes()) {
                    check(where, p, leaks);
                }
                for (Type x : m.getGenericExceptionTypes()) {
                    check(where, x, leaks);
                }
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                for (Type p : c.getGenericParameterTypes()) {
                    check(type.getName() + ".<init>", p, leaks);
                }
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers())) {
                check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
            }
        }
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                check(type.getName() + "." + rc.getName(), rc.getGenericType(), leaks);
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            checkType(nested, leaks);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(String where, Type type, List<String> leaks) {
        if (type == null) {
            return;
        }
        if (type instanceof Class<?>) {
            Class<?> c = (Class<?>) type;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            String name = c.getName();
            if (name.startsWith("com.google.") || name.startsWith("org.apache.") || name.startsWith("com.fasterxml.")
                    || name.startsWith("dev.isoenv.internal.")) {
                leaks.add(where + " uses " + name);
            }
        } else if (type instanceof ParameterizedType) {
            check(where, ((ParameterizedType) type).getRawType(), leaks);
            for (Type a : ((ParameterizedType) type).getActualTypeArguments()) {
                check(where, a, leaks);
            }
        } else if (type instanceof GenericArrayType) {
            check(where, ((GenericArrayType) type).getGenericComponentType(), leaks);
        } else if (type instanceof WildcardType) {
            for (Type b : ((WildcardType) type).getUpperBounds()) {
                check(where, b, leaks);
            }
            for (Type b : ((WildcardType) type).getLowerBounds()) {
                check(where, b, leaks);
            }
        } else if (type instanceof TypeVariable<?>) {
            for (Type b : ((TypeVariable<?>) type).getBounds()) {
                check(where, b, leaks);
            }
        }
    }

    /** Reads the public top-level types of the exported packages from the compiled classes. */
    private Map<String, Set<String>> publicTypes() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        for (String pkg : List.of("dev.isoenv", "dev.isoenv.spi")) {
            Set<String> names = new TreeSet<>();
            try (Stream<Path> files = Files.list(CLASSES.resolve(pkg.replace('.', '/')))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".class") && !name.equals("package-info.class")) {
                        String binary = name.substring(0, name.length() - ".class".length());
                        if (binary.matches(".*\\$[0-9].*")) {
                            continue;
                        }
                        try {
                            if (isPublicAllTheWay(Class.forName(pkg + "." + binary))) {
                                names.add(binary.replace('$', '.'));
                            }
                        } catch (ClassNotFoundException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            }
            found.put(pkg, names);
        }
        return found;
    }

    private static boolean isPublicAllTheWay(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Set<String>> sorted(Map<String, Set<String>> map) {
        Map<String, Set<String>> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
        return out;
    }
}
