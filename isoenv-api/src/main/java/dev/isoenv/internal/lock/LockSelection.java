package dev.isoenv.internal.lock;

import dev.isoenv.InvalidLockFileException;
import dev.isoenv.LockFileMismatchException;
import dev.isoenv.PackageLock;
import dev.isoenv.internal.metadata.MarkerEnvironment;
import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the packages of a lock that an environment gets, following PEP 751's installation steps: the lock's
 * {@code requires-python} and {@code environments} must fit, each package whose marker is true is taken (with
 * {@code extras} empty and {@code dependency_groups} the lock's {@code default-groups}), its {@code requires-python}
 * must fit, and no package may be taken twice. isoenv then checks that it can install each one with hash checking: an
 * exact version and at least one file with a SHA-2 hash, and, when a package has only wheels, one that this Python
 * and platform can install.
 */
public final class LockSelection {
    /** The hash algorithms pip checks with {@code --require-hashes}. */
    public static final Set<String> STRONG_HASHES = Set.of("sha256", "sha384", "sha512");

    private LockSelection() {
    }

    /**
     * Selects the packages of {@code lock} for an environment.
     *
     * @param lock the lock
     * @param markers the environment's marker variables ({@code python_full_version}, {@code sys_platform}, ...)
     * @return the packages to install, in the lock's order
     * @throws LockFileMismatchException if the lock does not fit the environment
     * @throws InvalidLockFileException if a selected package cannot be installed with hash checking
     */
    public static List<PackageLock.Package> select(PackageLock lock, Map<String, String> markers) {
        Map<String, String> env = new TreeMap<>(markers);
        env.put("extras", "");
        env.put("dependency_groups", String.join(",", lock.defaultGroups()));
        String python = markers.getOrDefault("python_full_version", markers.getOrDefault("python_version", ""));
        String here = describe(markers);
        if (lock.requiresPython().isPresent() && !fits(lock.requiresPython().get(), python)) {
            throw new LockFileMismatchException("The lock file " + lock.file() + " is for Python "
                    + lock.requiresPython().get() + " (requires-python), but the environment has Python " + python
                    + ". Build the environment on a Python the lock allows (EnvironmentSpec.Builder.python), or lock"
                    + " again for Python " + python + ".");
        }
        if (!lock.environments().isEmpty()
                && lock.environments().stream().noneMatch(m -> MarkerEnvironment.evaluate(m, env))) {
            throw new LockFileMismatchException("The lock file " + lock.file() + " is for the environments "
                    + lock.environments() + ", and none of them is this one (" + here + "). Lock again for this"
                    + " platform, such as with uv pip compile --python-platform, or use a lock made for it.");
        }
        Map<String, PackageLock.Package> chosen = new LinkedHashMap<>();
        for (PackageLock.Package p : lock.packages()) {
            if (p.marker().isPresent() && !MarkerEnvironment.evaluate(p.marker().get(), env)) {
                continue;
            }
            if (p.requiresPython().isPresent() && !fits(p.requiresPython().get(), python)) {
                throw new LockFileMismatchException("The lock file " + lock.file() + " installs " + p + " here, which"
                        + " requires Python " + p.requiresPython().get() + "; the environment has Python " + python
                        + ". Lock again for Python " + python + ".");
            }
            PackageLock.Package before = chosen.put(p.name(), p);
            if (before != null) {
                throw new LockFileMismatchException("The lock file " + lock.file() + " has two entries of " + p.name()
                        + " that apply to this environment (" + before + " and " + p + "; " + here + "). Lock again:"
                        + " a lock must narrow each package to one entry.");
            }
            installable(lock, p, markers);
        }
        return List.copyOf(chosen.values());
    }

    /** Checks that isoenv can install {@code p} with hash checking, and that a wheel-only package has a wheel here. */
    private static void installable(PackageLock lock, PackageLock.Package p, Map<String, String> markers) {
        for (PackageLock.Artifact a : p.artifacts()) {
            if (a.kind() == PackageLock.Artifact.Kind.VCS || a.kind() == PackageLock.Artifact.Kind.DIRECTORY) {
                throw new InvalidLockFileException("The lock file " + lock.file() + " installs " + p.name() + " from a "
                        + (a.kind() == PackageLock.Artifact.Kind.VCS ? "version control checkout" : "local directory")
                        + ", which has no file hash to check; isoenv installs only files with hashes from a lock."
                        + " Build a wheel of it and lock that instead" + (a.kind() == PackageLock.Artifact.Kind.DIRECTORY
                        ? ", or, for the project itself in a uv export, export with --no-emit-project" : "") + ".");
            }
        }
        if (p.version().isEmpty()) {
            throw new InvalidLockFileException("The lock file " + lock.file() + " gives no version for " + p.name()
                    + "; isoenv installs exact versions only.");
        }
        boolean hashed = p.artifacts().stream().anyMatch(a -> a.hashes().keySet().stream()
                .anyMatch(STRONG_HASHES::contains));
        if (!hashed) {
            throw new InvalidLockFileException("The lock file " + lock.file() + " has no file with a sha256, sha384 or"
                    + " sha512 hash for " + p + (p.artifacts().isEmpty() ? " (no file at all: the tool that wrote it"
                    + " did not know where " + p.name() + " came from)" : "") + ", so it cannot be installed with"
                    + " hash checking. Lock again with a tool that records hashes, such as uv pip compile or pip"
                    + " lock.");
        }
        List<PackageLock.Artifact> wheels = new ArrayList<>();
        boolean other = false;
        for (PackageLock.Artifact a : p.artifacts()) {
            if (a.kind() == PackageLock.Artifact.Kind.WHEEL) {
                wheels.add(a);
            } else {
                other = true;
            }
        }
        if (!other && !wheels.isEmpty() && wheels.stream().noneMatch(w -> wheelFits(w.fileName(), markers))) {
            List<String> names = new ArrayList<>();
            wheels.forEach(w -> names.add(w.fileName()));
            throw new LockFileMismatchException("The lock file " + lock.file() + " has only wheels for " + p + ", and"
                    + " none of them installs on this environment (" + describe(markers) + "): " + names + ". Lock"
                    + " again for this Python and platform.");
        }
    }

    private static boolean fits(String specifiers, String python) {
        if (!Version.isValid(python)) {
            return true;
        }
        return VersionSpecifiers.parse(specifiers).contains(Version.parse(python));
    }

    private static String describe(Map<String, String> m) {
        return "Python " + m.getOrDefault("python_full_version", "?") + " ("
                + m.getOrDefault("implementation_name", "?") + "), sys_platform " + m.getOrDefault("sys_platform", "?")
                + ", platform_machine " + m.getOrDefault("platform_machine", "?");
    }

    /**
     * Tells whether a wheel can be installed here, coarsely: its Python tag, ABI tag and platform tag are checked
     * against the interpreter's version and implementation, operating system and machine. Only what clearly does
     * not fit is refused; a tag isoenv does not know counts as fitting, and the installer decides.
     *
     * @param fileName the wheel's file name
     * @param markers the environment's marker variables
     * @return false if no tag combination of the wheel fits
     */
    static boolean wheelFits(String fileName, Map<String, String> markers) {
        String[] parts = fileName.substring(0, fileName.length() - ".whl".length()).split("-");
        if (parts.length < 5) {
            return true;
        }
        String[] pythons = parts[parts.length - 3].split("\\.");
        String[] abis = parts[parts.length - 2].split("\\.");
        String[] platforms = parts[parts.length - 1].split("\\.");
        String version = markers.getOrDefault("python_version", "");
        String[] v = version.split("\\.");
        if (v.length < 2) {
            return true;
        }
        String nodot = v[0] + v[1];
        boolean cpython = "cpython".equals(markers.get("implementation_name"));
        boolean python = false;
        for (String t : pythons) {
            python |= pythonFits(t, v[0], v[1], cpython);
        }
        boolean abi = false;
        for (String t : abis) {
            abi |= t.equals("none") || t.equals("abi3") || !t.startsWith("cp") || t.startsWith("cp" + nodot);
        }
        boolean platform = false;
        for (String t : platforms) {
            platform |= platformFits(t, markers.getOrDefault("sys_platform", ""),
                    markers.getOrDefault("platform_machine", ""));
        }
        return python && abi && platform;
    }

    private static boolean pythonFits(String tag, String major, String minor, boolean cpython) {
        String digits = tag.replaceAll("^[a-z]+", "");
        String implementation = tag.substring(0, tag.length() - digits.length());
        if (!digits.matches("[0-9]+")) {
            return true;
        }
        if (!digits.startsWith(major)) {
            return false;
        }
        String tagMinor = digits.substring(major.length());
        if (implementation.equals("py")) {
            return tagMinor.isEmpty() || Integer.parseInt(tagMinor) <= Integer.parseInt(minor);
        }
        if (implementation.equals("cp")) {
            // cp3X wheels are for CPython 3.X, or for later versions when their ABI is abi3 (checked with the ABI).
            return cpython && (tagMinor.isEmpty() || Integer.parseInt(tagMinor) <= Integer.parseInt(minor));
        }
        return !cpython;
    }

    private static boolean platformFits(String tag, String sysPlatform, String machine) {
        if (tag.equals("any")) {
            return true;
        }
        String arch = arch(machine);
        String os;
        if (tag.startsWith("manylinux") || tag.startsWith("musllinux") || tag.startsWith("linux")) {
            os = "linux";
        } else if (tag.startsWith("macosx")) {
            os = "darwin";
        } else if (tag.startsWith("win")) {
            os = "win32";
        } else {
            return true;
        }
        if (!sysPlatform.isEmpty() && !sysPlatform.startsWith(os)) {
            return false;
        }
        String t = tag.toLowerCase(Locale.ROOT);
        if (os.equals("darwin") && (t.endsWith("universal2") || t.endsWith("universal"))) {
            return true;
        }
        if (os.equals("win32")) {
            String tagArch = t.equals("win32") ? "x86" : t.substring(t.indexOf('_') + 1);
            return arch.isEmpty() || arch(tagArch).equals(arch);
        }
        String tagArch = t.replaceAll("^(manylinux|musllinux)_[0-9]+_[0-9]+_|^manylinux[0-9]+_|^linux_"
                + "|^macosx_[0-9]+_[0-9]+_", "");
        return arch.isEmpty() || tagArch.equals(t) || arch(tagArch).equals(arch);
    }

    private static String arch(String machine) {
        String m = machine.toLowerCase(Locale.ROOT);
        switch (m) {
            case "amd64":
            case "x86_64":
                return "x86_64";
            case "arm64":
            case "aarch64":
                return "aarch64";
            case "i386":
            case "i686":
            case "x86":
                return "x86";
            default:
                return m;
        }
    }
}
