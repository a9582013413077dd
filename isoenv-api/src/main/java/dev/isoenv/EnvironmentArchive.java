package dev.isoenv;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An environment written to an archive by {@link Environment#pack(Path)}, as its manifest ({@code isoenv-pack.json}
 * at the archive's root) describes it. The archive holds the environment's files, its PEP 751 lock
 * ({@code pylock.toml}) and the manifest; {@link Isoenv#unpack(Path, Path)} makes a working environment of it
 * elsewhere, on a machine of the same platform.
 *
 * <p><b>The interpreter.</b> Unless it was packed with
 * {@link PackOptions.Builder#bundleInterpreter(boolean) bundleInterpreter(true)}, a virtual environment runs on the base Python it was made from, which is not in the
 * archive: {@link #baseInterpreter()} names it, and the machine that unpacks the archive must have it at that path
 * (the same Python installation, such as {@code /usr/bin/python3.11} or a pyenv version at the same place). A conda
 * prefix holds its own interpreter, which the archive bundles (its manifest says {@code "bundled": true}):
 * {@link #baseInterpreter()} is then empty, and unpacking needs no Python on the machine; so is a virtual
 * environment packed with its interpreter, whose archive is then a whole Python installation.
 *
 * <p>A value: two archives are equal when every getter returns equal values.
 */
public final class EnvironmentArchive {
    private final Path file;
    private final String sha256;
    private final String payloadSha256;
    private final String platform;
    private final String pythonVersion;
    private final String baseInterpreter;
    private final List<String> requirements;
    private final Map<String, String> choices;

    private EnvironmentArchive(Path file, String sha256, String payloadSha256, String platform, String pythonVersion,
                               String baseInterpreter, List<String> requirements, Map<String, String> choices) {
        this.file = Objects.requireNonNull(file, "file");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.payloadSha256 = Objects.requireNonNull(payloadSha256, "payloadSha256");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
        this.baseInterpreter = Objects.requireNonNull(baseInterpreter, "baseInterpreter");
        this.requirements = List.copyOf(requirements);
        this.choices = Collections.unmodifiableSortedMap(new TreeMap<>(choices));
    }

    /**
     * Describes an archive; {@link Environment#pack(Path)} returns one.
     *
     * @param file the {@code .tar.gz} or {@code .zip} file
     * @param sha256 the whole file's SHA-256, lowercase hex
     * @param payloadSha256 the payload's SHA-256, lowercase hex
     * @param platform the platform, such as {@code linux-x86_64}
     * @param pythonVersion the Python version
     * @param baseInterpreter the base interpreter's path on the building machine; empty when the archive bundles
     *     the interpreter
     * @param requirements the requirements, credentials masked
     * @param choices the planners' choices, credentials masked
     * @return the description; the list and map are copied
     */
    public static EnvironmentArchive of(Path file, String sha256, String payloadSha256, String platform,
                                        String pythonVersion, String baseInterpreter, List<String> requirements,
                                        Map<String, String> choices) {
        return new EnvironmentArchive(file, sha256, payloadSha256, platform, pythonVersion, baseInterpreter,
                requirements, choices);
    }

    /**
     * Returns the archive file.
     *
     * @return the {@code .tar.gz} or {@code .zip} file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the SHA-256 of the whole archive file, as {@code pack} wrote it: the value to publish beside the archive
     * (in a {@code .sha256} file, a release note, the job's configuration) and to give to
     * {@link IsoenvClient#unpack(Path, Path, String)}, which refuses a file with another hash before extracting
     * anything. Unlike {@link #payloadSha256()}, which the archive carries in its own manifest and so detects damage
     * only, this hash comes from outside the archive, so it detects a changed or substituted file too, as far as the
     * place it is published is trusted.
     *
     * @return 64 lower-case hex digits
     */
    public String sha256() {
        return sha256;
    }

    /**
     * Returns the SHA-256 of the archive's payload (every entry but the manifest: its path, kind, mode and content),
     * which the manifest records and unpacking checks: it detects a damaged or cut-short copy, not tampering, since
     * whoever changes the archive can change the manifest too. See {@link #sha256()} for the file's hash.
     *
     * @return 64 lower-case hex digits
     */
    public String payloadSha256() {
        return payloadSha256;
    }

    /**
     * Returns the platform the environment was built for, which unpacking requires: the operating system and the
     * processor architecture, such as {@code linux-x86_64}.
     *
     * @return the platform
     */
    public String platform() {
        return platform;
    }

    /**
     * Returns the Python version of the environment, such as {@code 3.11.7}.
     *
     * @return the version
     */
    public String pythonVersion() {
        return pythonVersion;
    }

    /**
     * Returns the base interpreter the environment runs on, which the archive does not hold and the unpacking machine
     * must have at this path; empty when the archive bundles its interpreter (a conda prefix's, or one packed with
     * {@link PackOptions.Builder#bundleInterpreter(boolean) bundleInterpreter(true)}).
     *
     * @return the interpreter's path on the building machine; empty when the archive carries its interpreter
     */
    public Optional<String> baseInterpreter() {
        return baseInterpreter.isEmpty() ? Optional.empty() : Optional.of(baseInterpreter);
    }

    /**
     * Returns the requirements the environment was built for, as its specification gave them.
     *
     * @return the requirements
     */
    public List<String> requirements() {
        return requirements;
    }

    /**
     * Returns what install planners chose for the environment, such as {@code torch.variant=cu126}; URLs without
     * credentials.
     *
     * @return the choices, sorted by key; empty for a plain install
     */
    public Map<String, String> choices() {
        return choices;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvironmentArchive a && file.equals(a.file) && sha256.equals(a.sha256)
                && payloadSha256.equals(a.payloadSha256)
                && platform.equals(a.platform) && pythonVersion.equals(a.pythonVersion)
                && baseInterpreter.equals(a.baseInterpreter) && requirements.equals(a.requirements)
                && choices.equals(a.choices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, sha256, payloadSha256, platform, pythonVersion, baseInterpreter, requirements,
                choices);
    }

    /** Returns the file, platform, Python version, the file's SHA-256 and the payload's, for logs. */
    @Override
    public String toString() {
        return "EnvironmentArchive[" + file + ", " + platform + ", python " + pythonVersion + ", sha256 " + sha256
                + ", payload sha256 " + payloadSha256 + "]";
    }
}
