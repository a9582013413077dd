package dev.isoenv;

import dev.isoenv.internal.lock.LockToml;
import dev.isoenv.internal.metadata.MarkerEnvironment;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A lock file in the format of PEP 751 ({@code pylock.toml}), read and checked: what {@code uv pip compile -o
 * pylock.toml}, {@code uv export --format pylock.toml}, {@code pip lock} (pip 25.1 and newer) and
 * {@link Environment#exportLockFile(Path)} write. Give one to {@link EnvironmentSpec.Builder#lockFile(Path)} to build
 * an environment of exactly its packages, each file checked against its hash.
 *
 * <p>Reading checks every value before anything can use it: names, versions, markers and version specifiers must be
 * valid, URLs must be {@code https}, {@code http} or {@code file} URLs, paths are resolved against the lock file's
 * folder, and hashes must be hexadecimal (of the right length for the SHA-2 algorithms). A lock file is immutable
 * once read; a later change to the file is not seen.
 *
 * <pre>{@code
 * PackageLock lock = PackageLock.read(Path.of("pylock.toml"));
 * for (PackageLock.Package p : lock.packages()) {
 *     System.out.println(p.name() + " " + p.version().orElse("?") + " " + p.artifacts().size() + " file(s)");
 * }
 * }</pre>
 */
public final class PackageLock {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+!~-]*");
    private static final Pattern HASH_NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final Map<String, Integer> HASH_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128,
            "sha224", 56, "sha1", 40, "md5", 32);
    private static final int MAX_TEXT = 8192;

    private final Path file;
    private final String sha256;
    private final String lockVersion;
    private final String createdBy;
    private final String requiresPython;
    private final List<String> environments;
    private final List<String> defaultGroups;
    private final List<Package> packages;

    private PackageLock(Path file, String sha256, String lockVersion, String createdBy, String requiresPython,
                        List<String> environments, List<String> defaultGroups, List<Package> packages) {
        this.file = file;
        this.sha256 = sha256;
        this.lockVersion = lockVersion;
        this.createdBy = createdBy;
        this.requiresPython = requiresPython;
        this.environments = List.copyOf(environments);
        this.defaultGroups = List.copyOf(defaultGroups);
        this.packages = List.copyOf(packages);
    }

    /**
     * Reads and checks a lock file.
     *
     * @param file the lock file, such as {@code pylock.toml}
     * @return the lock
     * @throws InvalidLockFileException if it cannot be read, is not TOML, or holds a value isoenv does not accept; the
     *     message names the key
     */
    public static PackageLock read(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(absolute);
        } catch (IOException e) {
            throw new InvalidLockFileException("Cannot read the lock file " + absolute + ": " + e + ". Check that it"
                    + " exists and is readable.");
        }
        Map<String, Object> document;
        try {
            document = LockToml.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvalidLockFileException("The lock file " + absolute + " is not valid TOML: " + e.getMessage());
        }
        return new Reader(absolute).lock(document, LockToml.sha256(bytes));
    }

    /**
     * Returns the file this lock was read from.
     *
     * @return the absolute file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the SHA-256 of the file's bytes as read, in lower-case hexadecimal. It is part of the fingerprint of a
     * specification built from this lock: a changed lock installs again.
     *
     * @return the digest
     */
    public String sha256() {
        return sha256;
    }

    /**
     * Returns the format version, {@code lock-version}; isoenv reads version 1.x.
     *
     * @return the version, such as {@code "1.0"}
     */
    public String lockVersion() {
        return lockVersion;
    }

    /**
     * Returns the tool that wrote the lock, {@code created-by}, such as {@code "uv"}, {@code "pip"} or
     * {@code "isoenv"}.
     *
     * @return the tool's name
     */
    public String createdBy() {
        return createdBy;
    }

    /**
     * Returns the Python versions the lock is for, {@code requires-python}, such as {@code ">=3.12"}.
     *
     * @return the version specifiers, if the lock gives them
     */
    public Optional<String> requiresPython() {
        return Optional.ofNullable(requiresPython);
    }

    /**
     * Returns the environments the lock is for, {@code environments}: markers of which at least one must be true.
     *
     * @return the markers; empty when the lock does not limit its environments
     */
    public List<String> environments() {
        return environments;
    }

    /**
     * Returns the dependency groups installed by default, {@code default-groups}, which markers of packages may test.
     *
     * @return the group names; empty when the lock has none
     */
    public List<String> defaultGroups() {
        return defaultGroups;
    }

    /**
     * Returns every package entry, in the order of the file; which of them an environment gets depends on their
     * markers.
     *
     * @return the packages
     */
    public List<Package> packages() {
        return packages;
    }

    /** Two locks are equal when they were read from the same file with the same bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PackageLock && ((PackageLock) o).file.equals(file) && ((PackageLock) o).sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, sha256);
    }

    @Override
    public String toString() {
        return "PackageLock[" + file + ", created by " + createdBy + ", " + packages.size() + " package(s)]";
    }

    /** One {@code [[packages]]} entry: a distribution at one version, with the files it may be installed from. */
    public static final class Package {
        private final String name;
        private final String version;
        private final String marker;
        private final String requiresPython;
        private final String index;
        private final List<Artifact> artifacts;

        private Package(String name, String version, String marker, String requiresPython, String index,
                        List<Artifact> artifacts) {
            this.name = name;
            this.version = version;
            this.marker = marker;
            this.requiresPython = requiresPython;
            this.index = index;
            this.artifacts = List.copyOf(artifacts);
        }

        /**
         * Returns the distribution's name, normalized as PEP 503 says.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * Returns the exact version; a version control checkout or a local directory has none.
         *
         * @return the version, if the lock gives it
         */
        public Optional<String> version() {
            return Optional.ofNullable(version);
        }

        /**
         * Returns the marker that says in which environments the package is installed.
         *
         * @return the marker, if the lock gives one
         */
        public Optional<String> marker() {
            return Optional.ofNullable(marker);
        }

        /**
         * Returns the Python versions the package supports, {@code requires-python}.
         *
         * @return the version specifiers, if the lock gives them
         */
        public Optional<String> requiresPython() {
            return Optional.ofNullable(requiresPython);
        }

        /**
         * Returns the index the package's files were found on, with credentials masked.
         *
         * @return the index URL, if the lock gives it
         */
        public Optional<String> index() {
            return Optional.ofNullable(index).map(Redactor::maskUrlCredentials);
        }

        /**
         * Returns the files the package may be installed from: its wheels, then its source distribution, or its one
         * archive, version control checkout or local directory.
         *
         * @return the files; empty when the lock does not know any (isoenv's export writes such an entry for a
         *     package whose file it does not know)
         */
        public List<Artifact> artifacts() {
            return artifacts;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Package)) {
                return false;
            }
            Package p = (Package) o;
            return name.equals(p.name) && Objects.equals(version, p.version) && Objects.equals(marker, p.marker)
                    && Objects.equals(requiresPython, p.requiresPython) && Objects.equals(index, p.index)
                    && artifacts.equals(p.artifacts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, version, marker, artifacts);
        }

        @Override
        public String toString() {
            return name + (version == null ? "" : "==" + version) + (marker == null ? "" : " ; " + marker);
        }
    }

    /** One file of a package (a wheel, a source distribution or an archive), or its source tree. */
    public static final class Artifact {
        /**
         * What kind of file or source it is. More constants may be added in later versions: switch with a default
         * branch.
         */
        public enum Kind {
            /** A wheel, {@code [[packages.wheels]]}. */
            WHEEL,
            /** A source distribution, {@code [packages.sdist]}. */
            SDIST,
            /** An archive of a source tree reached by a direct URL, {@code [packages.archive]}. */
            ARCHIVE,
            /** A version control checkout, {@code [packages.vcs]}; isoenv does not install these from a lock. */
            VCS,
            /** A local directory, {@code [packages.directory]}; isoenv does not install these from a lock. */
            DIRECTORY
        }

        private final Kind kind;
        private final String fileName;
        private final String url;
        private final Path path;
        private final Map<String, String> hashes;
        private final Long size;

        private Artifact(Kind kind, String fileName, String url, Path path, Map<String, String> hashes, Long size) {
            this.kind = kind;
            this.fileName = fileName;
            this.url = url;
            this.path = path;
            this.hashes = Collections.unmodifiableMap(new TreeMap<>(hashes));
            this.size = size;
        }

        /**
         * Returns the kind.
         *
         * @return the kind
         */
        public Kind kind() {
            return kind;
        }

        /**
         * Returns the file's name, such as {@code attrs-25.1.0-py3-none-any.whl}: the lock's {@code name}, or the
         * last part of its URL or path.
         *
         * @return the file name; empty for a version control checkout or a directory
         */
        public String fileName() {
            return fileName;
        }

        /**
         * Returns the file's URL, exactly as the lock gives it; it may hold credentials, so do not log it (the
         * {@link #toString()} of an artifact masks them).
         *
         * @return the URL, if the lock gives one
         */
        public Optional<String> url() {
            return Optional.ofNullable(url);
        }

        /**
         * Returns the file's path, resolved against the lock file's folder.
         *
         * @return the absolute path, if the lock gives one
         */
        public Optional<Path> path() {
            return Optional.ofNullable(path);
        }

        /**
         * Returns the file's hashes, by lower-case algorithm name, such as {@code sha256}, in lower-case
         * hexadecimal.
         *
         * @return the hashes; empty for a version control checkout or a directory
         */
        public Map<String, String> hashes() {
            return hashes;
        }

        /**
         * Returns the file's size in bytes.
         *
         * @return the size, if the lock gives it
         */
        public OptionalLong size() {
            return size == null ? OptionalLong.empty() : OptionalLong.of(size);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Artifact)) {
                return false;
            }
            Artifact a = (Artifact) o;
            return kind == a.kind && fileName.equals(a.fileName) && Objects.equals(url, a.url)
                    && Objects.equals(path, a.path) && hashes.equals(a.hashes) && Objects.equals(size, a.size);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, fileName, url, path, hashes);
        }

        /** Describes the artifact, with credentials masked. */
        @Override
        public String toString() {
            return kind + " " + fileName + " " + (url != null ? Redactor.maskUrlCredentials(url) : String.valueOf(path))
                    + " " + hashes.keySet();
        }
    }

    /** Turns the parsed TOML into a checked lock, naming the key of each problem. */
    private static final class Reader {
        private final Path file;

        Reader(Path file) {
            this.file = file;
        }

        PackageLock lock(Map<String, Object> doc, String digest) {
            String version = string(doc, "lock-version", "lock-version", true);
            if (!version.matches("1(\\.[0-9]+)?")) {
                throw invalid("lock-version", "is " + quote(version) + "; isoenv reads lock files of version 1.x only."
                        + " Write the lock with a tool that writes PEP 751 version 1.0");
            }
            String createdBy = string(doc, "created-by", "created-by", true);
            String requiresPython = specifiers(doc, "requires-python", "requires-python");
            List<String> environments = new ArrayList<>();
            List<Object> envs = list(doc, "environments", "environments");
            for (int i = 0; i < envs.size(); i++) {
                environments.add(marker(envs.get(i), "environments[" + i + "]"));
            }
            List<String> defaultGroups = new ArrayList<>();
            List<Object> groups = list(doc, "default-groups", "default-groups");
            for (int i = 0; i < groups.size(); i++) {
                defaultGroups.add(name(groups.get(i), "default-groups[" + i + "]"));
            }
            if (!doc.containsKey("packages")) {
                throw invalid("packages", "is missing; a lock file lists its packages in [[packages]] tables");
            }
            List<Object> entries = list(doc, "packages", "packages");
            List<Package> packages = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                packages.add(pkg(table(entries.get(i), "packages[" + i + "]"), "packages[" + i + "]"));
            }
            return new PackageLock(file, digest, version, createdBy, requiresPython, environments, defaultGroups,
                    packages);
        }

        private Package pkg(Map<String, Object> t, String where) {
            String name = name(t.get("name"), where + ".name");
            String version = null;
            if (t.containsKey("version")) {
                version = string(t, "version", where + ".version", true);
                if (!Version.isValid(version)) {
                    throw invalid(where + ".version", "is " + quote(version) + ", not a PEP 440 version");
                }
            }
            String marker = t.containsKey("marker") ? marker(t.get("marker"), where + ".marker") : null;
            String requires = specifiers(t, "requires-python", where + ".requires-python");
            String index = t.containsKey("index") ? url(t.get("index"), where + ".index") : null;
            List<Artifact> artifacts = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            for (String key : List.of("vcs", "directory", "archive", "sdist", "wheels")) {
                if (t.containsKey(key)) {
                    sources.add(key);
                }
            }
            boolean single = sources.contains("vcs") || sources.contains("directory") || sources.contains("archive");
            if (single && sources.size() > 1) {
                throw invalid(where, "has " + String.join(" and ", sources) + "; vcs, directory and archive each"
                        + " exclude every other source of a package");
            }
            if (t.containsKey("wheels")) {
                List<Object> wheels = list(t, "wheels", where + ".wheels");
                for (int i = 0; i < wheels.size(); i++) {
                    String w = where + ".wheels[" + i + "]";
                    artifacts.add(file(Artifact.Kind.WHEEL, table(wheels.get(i), w), w));
                }
            }
            if (t.containsKey("sdist")) {
                artifacts.add(file(Artifact.Kind.SDIST, table(t.get("sdist"), where + ".sdist"), where + ".sdist"));
            }
            if (t.containsKey("archive")) {
                artifacts.add(file(Artifact.Kind.ARCHIVE, table(t.get("archive"), where + ".archive"),
                        where + ".archive"));
            }
            if (t.containsKey("vcs")) {
                Map<String, Object> vcs = table(t.get("vcs"), where + ".vcs");
                artifacts.add(tree(Artifact.Kind.VCS, vcs, where + ".vcs"));
            }
            if (t.containsKey("directory")) {
                Map<String, Object> dir = table(t.get("directory"), where + ".directory");
                artifacts.add(tree(Artifact.Kind.DIRECTORY, dir, where + ".directory"));
            }
            return new Package(name, version, marker, requires, index, artifacts);
        }

        private Artifact file(Artifact.Kind kind, Map<String, Object> t, String where) {
            String url = t.containsKey("url") ? url(t.get("url"), where + ".url") : null;
            Path path = t.containsKey("path") ? path(t.get("path"), where + ".path") : null;
            if (url == null && path == null) {
                throw invalid(where, "has neither url nor path; a file needs one of them");
            }
            String fileName;
            if (t.containsKey("name")) {
                fileName = string(t, "name", where + ".name", true);
            } else if (path != null && path.getFileName() != null) {
                fileName = path.getFileName().toString();
            } else {
                String p = URI.create(url).getRawPath();
                fileName = p == null ? "" : java.net.URLDecoder.decode(p.substring(p.lastIndexOf('/') + 1),
                        StandardCharsets.UTF_8);
            }
            if (!FILE_NAME.matcher(fileName).matches() || (kind == Artifact.Kind.WHEEL && !fileName.endsWith(".whl"))) {
                throw invalid(where + ".name", "is " + quote(fileName) + ", not the name of a "
                        + (kind == Artifact.Kind.WHEEL ? "wheel (name-version-python-abi-platform.whl)" : "file"));
            }
            if (!t.containsKey("hashes")) {
                throw invalid(where + ".hashes", "is missing; every file in a lock needs its hashes");
            }
            // PEP 751 asks for at least one hash, but uv writes an empty table for a file its index gave none for: such
            // a file is read, and installing it is refused (LockSelection), since it cannot be checked.
            Map<String, Object> raw = table(t.get("hashes"), where + ".hashes");
            Map<String, String> hashes = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                String algorithm = e.getKey().toLowerCase(Locale.ROOT);
                String key = where + ".hashes." + e.getKey();
                if (!HASH_NAME.matcher(algorithm).matches()) {
                    throw invalid(key, "is not a hash algorithm's name");
                }
                if (!(e.getValue() instanceof String)) {
                    throw invalid(key, "must be a string of hexadecimal digits");
                }
                String value = ((String) e.getValue()).toLowerCase(Locale.ROOT);
                Integer length = HASH_LENGTHS.get(algorithm);
                if (!HEX.matcher(value).matches() || (length != null && value.length() != length)) {
                    throw invalid(key, "is " + quote(value) + ", not a " + algorithm + " hash ("
                            + (length == null ? "" : length + " ") + "hexadecimal digits)");
                }
                hashes.put(algorithm, value);
            }
            Long size = null;
            if (t.containsKey("size")) {
                Object s = t.get("size");
                if (!(s instanceof Number) || ((Number) s).longValue() < 0 || s instanceof Double || s instanceof Float) {
                    throw invalid(where + ".size", "must be a whole number of bytes");
                }
                size = ((Number) s).longValue();
            }
            return new Artifact(kind, fileName, url, path, hashes, size);
        }

        private Artifact tree(Artifact.Kind kind, Map<String, Object> t, String where) {
            String url = t.containsKey("url") ? url(t.get("url"), where + ".url") : null;
            Path path = t.containsKey("path") ? path(t.get("path"), where + ".path") : null;
            if (url == null && path == null) {
                throw invalid(where, "has neither url nor path");
            }
            return new Artifact(kind, "", url, path, Map.of(), null);
        }

        private String name(Object value, String where) {
            if (!(value instanceof String) || !NAME.matcher((String) value).matches()) {
                throw invalid(where, value == null ? "is missing" : "is " + quote(String.valueOf(value))
                        + ", not a valid distribution name");
            }
            return Requirement.normalize((String) value);
        }

        private String marker(Object value, String where) {
            if (!(value instanceof String) || ((String) value).length() > MAX_TEXT
                    || !MarkerEnvironment.isValid((String) value)) {
                throw invalid(where, "is " + quote(String.valueOf(value)) + ", not an environment marker isoenv"
                        + " understands");
            }
            return ((String) value).strip();
        }

        private String specifiers(Map<String, Object> t, String key, String where) {
            if (!t.containsKey(key)) {
                return null;
            }
            String value = string(t, key, where, true);
            try {
                VersionSpecifiers.parse(value);
            } catch (RuntimeException e) {
                throw invalid(where, "is " + quote(value) + ", not PEP 440 version specifiers");
            }
            return value;
        }

        private String url(Object value, String where) {
            if (!(value instanceof String)) {
                throw invalid(where, "must be a URL string");
            }
            String url = (String) value;
            String lower = url.toLowerCase(Locale.ROOT);
            boolean scheme = lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("file:");
            boolean clean = url.length() <= MAX_TEXT && url.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\''
                    || c == '<' || c == '>' || c == '\\' || c == '`' || c == 0x7f);
            if (!scheme || !clean) {
                throw invalid(where, "is " + quote(Redactor.maskUrlCredentials(url)) + "; isoenv accepts https, http"
                        + " and file URLs without spaces or quotes");
            }
            try {
                new URI(url);
            } catch (URISyntaxException e) {
                throw invalid(where, "is not a valid URL: " + Redactor.maskUrlCredentials(e.getMessage()));
            }
            return url;
        }

        private Path path(Object value, String where) {
            if (!(value instanceof String) || ((String) value).isEmpty() || ((String) value).length() > MAX_TEXT
                    || ((String) value).chars().anyMatch(c -> c < ' ')) {
                throw invalid(where, "must be a path string");
            }
            try {
                Path folder = file.getParent();
                return folder.resolve((String) value).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw invalid(where, "is not a path on this system: " + e.getMessage());
            }
        }

        private String string(Map<String, Object> t, String key, String where, boolean required) {
            Object value = t.get(key);
            if (value == null && required) {
                throw invalid(where, "is missing");
            }
            if (!(value instanceof String) || ((String) value).length() > MAX_TEXT) {
                throw invalid(where, "must be a string");
            }
            return (String) value;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Map<String, Object> t, String key, String where) {
            Object value = t.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List)) {
                throw invalid(where, "must be an array");
            }
            return (List<Object>) value;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> table(Object value, String where) {
            if (!(value instanceof Map)) {
                throw invalid(where, "must be a table");
            }
            return (Map<String, Object>) value;
        }

        private InvalidLockFileException invalid(String where, String problem) {
            return new InvalidLockFileException("The lock file " + file + " cannot be used: " + where + " " + problem
                    + ".");
        }

        private static String quote(String text) {
            return "'" + Redactor.excerpt(text) + "'";
        }
    }
}
