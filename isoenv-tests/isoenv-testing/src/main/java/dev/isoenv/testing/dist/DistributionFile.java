package dev.isoenv.testing.dist;

import com.google.common.hash.Hashing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One distribution file held in memory, a wheel ({@code .whl}) or a source distribution ({@code .tar.gz} or
 * {@code .zip}), with what an index needs to list it: its file name, the normalized project name and version taken
 * from that file name, its SHA-256 digest and its {@code Requires-Python} specifier. Immutable.
 */
public final class DistributionFile {
    /** What kind of distribution a file is, told by its file name. */
    public enum Kind {
        /** A built distribution, {@code .whl}. */
        WHEEL,
        /** A source distribution, {@code .tar.gz} or {@code .zip}. */
        SDIST
    }

    private final String fileName;
    private final byte[] content;
    private final Kind kind;
    private final String project;
    private final String version;
    private final String requiresPython;

    private DistributionFile(String fileName, byte[] content, Kind kind, String project, String version,
                             String requiresPython) {
        this.fileName = fileName;
        this.content = content;
        this.kind = kind;
        this.project = project;
        this.version = version;
        this.requiresPython = requiresPython;
    }

    /**
     * Wraps the bytes of a distribution file, reading its {@code Requires-Python} from the metadata inside it.
     *
     * @param fileName the file name, such as {@code isoenv_demo_hello-1.0-py3-none-any.whl}
     * @param content the file's bytes (copied)
     * @return the distribution file
     * @throws IllegalArgumentException if the file name is not that of a wheel or an sdist
     */
    public static DistributionFile of(String fileName, byte[] content) {
        byte[] copy = content.clone();
        return create(fileName, copy, MetadataReader.requiresPython(fileName, copy).orElse(null));
    }

    /**
     * Wraps the bytes of a distribution file with a {@code Requires-Python} specifier given by the caller, as
     * the builders do.
     *
     * @param fileName the file name
     * @param content the file's bytes (copied)
     * @param requiresPython the specifier that the index announces for the file, if any
     * @return the distribution file
     * @throws IllegalArgumentException if the file name is not that of a wheel or an sdist
     */
    public static DistributionFile of(String fileName, byte[] content, Optional<String> requiresPython) {
        return create(fileName, content.clone(), requiresPython.orElse(null));
    }

    /**
     * Reads a distribution file from disk.
     *
     * @param file a {@code .whl}, {@code .tar.gz} or {@code .zip} file
     * @return the distribution file
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if its name is not that of a wheel or an sdist
     */
    public static DistributionFile read(Path file) throws IOException {
        return of(file.getFileName().toString(), Files.readAllBytes(file));
    }

    private static DistributionFile create(String fileName, byte[] content, String requiresPython) {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("a file name, not a path, is needed: " + fileName);
        }
        if (fileName.endsWith(".whl")) {
            String[] parts = fileName.substring(0, fileName.length() - ".whl".length()).split("-", -1);
            if (parts.length != 5 && parts.length != 6) {
                throw new IllegalArgumentException("not a wheel file name (name-version[-build]-python-abi-platform"
                        + ".whl): " + fileName);
            }
            return new DistributionFile(fileName, content, Kind.WHEEL, ProjectNames.normalize(parts[0]), parts[1],
                    requiresPython);
        }
        String stem = stripSdistSuffix(fileName);
        int dash = stem.lastIndexOf('-');
        if (dash <= 0 || dash == stem.length() - 1) {
            throw new IllegalArgumentException("not a wheel or sdist file name: " + fileName);
        }
        return new DistributionFile(fileName, content, Kind.SDIST, ProjectNames.normalize(stem.substring(0, dash)),
                stem.substring(dash + 1), requiresPython);
    }

    private static String stripSdistSuffix(String fileName) {
        for (String suffix : new String[] {".tar.gz", ".zip"}) {
            if (fileName.endsWith(suffix)) {
                return fileName.substring(0, fileName.length() - suffix.length());
            }
        }
        throw new IllegalArgumentException("not a wheel (.whl) or sdist (.tar.gz, .zip) file name: " + fileName);
    }

    /**
     * Returns the file name.
     *
     * @return the file name
     */
    public String fileName() {
        return fileName;
    }

    /**
     * Returns a copy of the file's bytes.
     *
     * @return the bytes
     */
    public byte[] content() {
        return content.clone();
    }

    /**
     * Returns the file's size in bytes.
     *
     * @return the size
     */
    public int size() {
        return content.length;
    }

    /**
     * Returns whether this is a wheel or an sdist.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the PEP 503 normalized project name taken from the file name, e.g. {@code isoenv-demo-hello}.
     *
     * @return the project name
     */
    public String project() {
        return project;
    }

    /**
     * Returns the version as written in the file name, e.g. {@code 2.5.1+cu126}.
     *
     * @return the version
     */
    public String version() {
        return version;
    }

    /**
     * Returns the {@code Requires-Python} specifier that an index announces for this file, if any.
     *
     * @return the specifier
     */
    public Optional<String> requiresPython() {
        return Optional.ofNullable(requiresPython);
    }

    /**
     * Returns the SHA-256 digest of the file, in lower-case hex, as index pages give it after {@code #sha256=}.
     *
     * @return the digest
     */
    public String sha256Hex() {
        return Hashing.sha256().hashBytes(content).toString();
    }

    /**
     * Writes the file into a directory under its file name, replacing a file of that name.
     *
     * @param directory an existing directory
     * @return the written file
     * @throws UncheckedIOException if it cannot be written
     */
    public Path writeTo(Path directory) {
        Path target = directory.resolve(fileName);
        try {
            return Files.write(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Tells whether another distribution file has the same name and bytes.
     *
     * @param other another object
     * @return true if equal
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof DistributionFile
                && ((DistributionFile) other).fileName.equals(fileName)
                && Arrays.equals(((DistributionFile) other).content, content);
    }

    @Override
    public int hashCode() {
        return fileName.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return fileName + " (" + content.length + " bytes)";
    }
}
