package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.ArchiveRefusals.damaged;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.EnvironmentStateException;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackOptions;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.io.Sha256;
import dev.isoenv.internal.pack.ArchiveFormat;
import dev.isoenv.internal.pack.ArchiveWriter;
import dev.isoenv.internal.pack.CondaMeta;
import dev.isoenv.internal.pack.LinuxLibc;
import dev.isoenv.internal.pack.PrefixRewriter;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.EnvironmentLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Packs an environment into a {@code .tar.gz} or a {@code .zip} (the name's ending chooses; {@code internal.pack}
 * writes both) that unpacks anywhere on a machine of the same platform, and unpacks one (the file's first bytes
 * choose). What the archive holds, in this order: the manifest {@value #MANIFEST}; the environment's PEP 751 lock
 * {@value #LOCK}; then every file, directory and symbolic link of the environment, sorted by path, with fixed
 * timestamps, owners and modes ({@code 0755} for directories and executables, {@code 0644} otherwise), so that the same
 * environment gives the same bytes.
 *
 * <p>What changes on the way: hard links (the shared store's) become regular files; a console script whose first line
 * is {@code #!<root>/bin/python} gets a {@code /bin/sh} trampoline that runs the {@code python} beside it, as uv's
 * relocatable scripts do; any other text file that names the environment's path (the activation scripts,
 * {@code pyvenv.cfg}'s {@code command}) gets {@value #PLACEHOLDER} instead, listed in the manifest, which unpacking
 * replaces with the new location; a symbolic link to a path inside the environment becomes relative; a compiled
 * {@code .pyc} that checks its source's timestamp gets the archive's fixed timestamp, so it stays valid. Of the state
 * folder only the state record and the artifact record go in; the store's keys, temporary files and the lock stay out.
 *
 * <p>A conda prefix (the conda backend) holds its own interpreter: the manifest says {@code "bundled": true} and names
 * no base interpreter. Its binary files that name its path and that conda's records ({@link CondaMeta}) list as
 * binary with a prefix placeholder go in unchanged and are listed in the manifest's {@code prefix.binary_files} with
 * the path they hold; unpacking writes the new location over it ({@link PrefixRewriter}), after refusing a location
 * longer than that path before extracting anything. Any other binary file that names the path (a pickle, a marshalled
 * module, a stored zip entry, an SQLite database: formats that store a string's length, which that rewrite would
 * corrupt) goes in unchanged and is listed as not rewritten, as for a venv. On Windows all are listed as not
 * rewritten.
 *
 * <p>With {@link PackOptions#bundleInterpreter()} the archive is a Python installation instead of a venv: see
 * {@link InterpreterBundle}, which lays the environment over its base installation and makes that relocatable.
 */
public final class EnvironmentPacking {
    /** The manifest's name, the archive's first entry. */
    static final String MANIFEST = "isoenv-pack.json";

    /** The lock's name at the archive's root. */
    static final String LOCK = "pylock.toml";

    /** What stands for the environment's path in text files, until unpacking writes the new one. */
    static final String PLACEHOLDER = "/isoenv-pack-placeholder/prefix";

    private EnvironmentPacking() {
    }

    /**
     * Packs an environment; see {@link Environment#pack(Path)}.
     *
     * @param environment the environment
     * @param archive the {@code .tar.gz} to write
     * @return the archive as its manifest describes it
     */
    public static EnvironmentArchive pack(Environment environment, Path archive) {
        return pack(environment, archive, PackOptions.defaults());
    }

    /**
     * Packs an environment; see {@link Environment#pack(Path, PackOptions)}.
     *
     * @param environment the environment
     * @param archive the {@code .tar.gz} to write
     * @param options how to pack it
     * @return the archive as its manifest describes it
     */
    public static EnvironmentArchive pack(Environment environment, Path archive, PackOptions options) {
        Path root = environment.root().toAbsolutePath().normalize();
        Path file = archive.toAbsolutePath().normalize();
        ArchiveFormat format = ArchiveFormat.forName(file.getFileName() == null ? ""
                : file.getFileName().toString()).orElseThrow(() -> new InvalidSpecException("pack() writes a"
                + " gzip-compressed tar or a zip, chosen by the name's ending: name the archive " + file + " with"
                + " .tar.gz, .tgz or .zip at the end."));
        if (file.startsWith(root)) {
            throw new InvalidSpecException("The archive " + file + " would be inside the environment it packs ("
                    + root + "). Write it somewhere else.");
        }
        try (EnvironmentLock held = EnvironmentLock.acquire(root, environment.spec().timeouts().lock())) {
            Optional<StateRecord> read = StateRecord.read(root);
            if (read.isEmpty() || !read.get().isCreated() || read.get().installedFingerprint().isEmpty()) {
                throw new EnvironmentStateException("The environment at " + root + " has no complete install to"
                        + " pack: its last ensure() did not finish. Call ensure() first, then pack it.");
            }
            StateRecord state = read.get();
            EnvironmentLayout layout = state.layout(root);
            // A conda prefix holds its own interpreter: the archive bundles it, and names no base interpreter.
            boolean bundled = layout.kind() == EnvironmentLayout.Kind.CONDA_PREFIX;
            // With bundleInterpreter, a venv's archive is a Python installation instead: see InterpreterBundle.
            if (options.bundleInterpreter() && !bundled) {
                checkBundleable(root, state);
            }
            InterpreterBundle bundle = options.bundleInterpreter() && !bundled
                    ? InterpreterBundle.of(root, layout, state.pythonVersion()) : null;
            String missing = bundled
                    ? ConsoleScriptTrampoline.missingBundled(PackedEntries.relative(root, layout.python()),
                            state.pythonVersion())
                    : bundle != null ? ConsoleScriptTrampoline.missingBundled(bundle.python(), state.pythonVersion())
                    : ConsoleScriptTrampoline.missingBase(PackManifest.base(root, state), state.pythonVersion());
            Path temporary = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createDirectories(file.getParent());
                byte[] lock = exportLock(environment, file.getParent());
                List<PackedEntries.Item> items = new ArrayList<>();
                items.add(new PackedEntries.Item(LOCK, 'F', 0644, null, lock, lock.length, Sha256.hex(lock), ""));
                List<String> prefixFiles = new ArrayList<>();
                List<String> binaryFiles = new ArrayList<>();
                Set<String> condaBinaries = bundled ? CondaMeta.binaryPrefixFiles(root) : Set.of();
                PackedEntries.collect(root, layout, items, prefixFiles, binaryFiles, condaBinaries, missing, bundle);
                List<PrefixRelocation.BinaryFile> rewritten = bundled
                        ? PrefixRelocation.rewrittenOnUnpack(root, binaryFiles, condaBinaries) : List.of();
                if (!binaryFiles.isEmpty()) {
                    Logging.logger().log(System.Logger.Level.WARNING, "isoenv: {0} binary file(s) of {1} name its"
                            + " path and are packed as they are, so they may not work where the archive is unpacked:"
                            + " {2}", binaryFiles.size(), root, String.join(", ", binaryFiles));
                }
                warnOfZipLinks(format, file, items);
                MessageDigest payload = Sha256.digest();
                for (PackedEntries.Item item : items) {
                    payload.update(item.digestLine().getBytes(StandardCharsets.UTF_8));
                }
                String payloadSha = HexFormat.of().formatHex(payload.digest());
                String baseInterpreter = bundled || bundle != null ? "" : PackManifest.base(root, state);
                List<String> requested = state.requested().stream().map(Redactor::maskUrlCredentials).toList();
                Map<String, String> choices = PackManifest.maskedChoices(state.installedChoices());
                // The file's own hash is known once it is written; the manifest does not hold it.
                java.util.function.Function<String, EnvironmentArchive> described = fileSha -> EnvironmentArchive.of(
                        file, fileSha, payloadSha, PackManifest.builtFor(state).name(), state.pythonVersion(),
                        baseInterpreter, requested, choices);
                long bytes = items.stream().filter(i -> i.kind() == 'F').mapToLong(PackedEntries.Item::size).sum();
                Optional<LinuxLibc.Libc> libc = PackManifest.libcNeeded(items, bundled || bundle != null);
                byte[] manifest = PackManifest.json(described.apply(""), state, items.size(), bytes, prefixFiles,
                        binaryFiles, bundled || bundle != null, rewritten, libc);
                MessageDigest whole = Sha256.digest();
                try (ArchiveWriter out = format.writer(new BufferedOutputStream(new DigestOutputStream(
                        Files.newOutputStream(temporary), whole), 1 << 16), file.getParent())) {
                    out.file(MANIFEST, 0644, manifest);
                    for (PackedEntries.Item item : items) {
                        PackedEntries.write(out, item);
                    }
                }
                EnvironmentArchive result = described.apply(HexFormat.of().formatHex(whole.digest()));
                move(temporary, file);
                Logging.logger().log(System.Logger.Level.INFO, "isoenv: packed {0} into {1} ({2} entries)", root,
                        file, items.size());
                return result;
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("pack the environment into", file, e), e);
            } finally {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // Left behind: a hidden temporary file beside the archive.
                }
            }
        }
    }

    /**
     * Refuses to bundle the interpreter of an environment built for another platform ({@code target.platform}): its
     * packages are the target's, but its base interpreter is this machine's, which the target cannot run ("Exec format
     * error"), under a manifest that names the target.
     */
    private static void checkBundleable(Path root, StateRecord state) {
        dev.isoenv.internal.platform.TargetPlatform target = PackManifest.builtFor(state);
        if (!target.isCurrent()) {
            throw new InvalidSpecException("Cannot bundle the interpreter of the environment at " + root + ": it was"
                    + " built for " + target.name() + ", but its base interpreter is this machine's, built for "
                    + PackManifest.platform() + ", which a " + target.name() + " machine cannot run. Build and pack the"
                    + " environment with bundleInterpreter(true) on a " + target.name() + " machine, or pack it"
                    + " without bundling (PackOptions.defaults()) for " + target.name() + " machines that have the base Python.");
        }
    }

    /**
     * A zip keeps links as Unix link entries, which isoenv's unpack, Info-ZIP's unzip and Apache Commons Compress
     * (when asked) restore; Hadoop's {@code FileUtil.unZip} (Spark's {@code --archives}, {@code addArchive}), Ray's
     * runtime_env {@code unzip_package} and Python's {@code zipfile} write each as a small file that holds the
     * target's path, so a virtual environment's {@code bin/python} link does not run there.
     */
    private static void warnOfZipLinks(ArchiveFormat format, Path file, List<PackedEntries.Item> items) {
        List<String> links = items.stream().filter(i -> i.kind() == 'L').map(PackedEntries.Item::path).toList();
        if (format == ArchiveFormat.ZIP && !links.isEmpty()) {
            Logging.logger().log(System.Logger.Level.WARNING, "isoenv: the zip {0} holds {1} symbolic link(s) ({2});"
                    + " Isoenv.unpack restores them, but Hadoop''s FileUtil.unZip (Spark''s --archives), Ray''s"
                    + " runtime_env and Python''s zipfile write each as a file holding its target, and the environment"
                    + " does not run: unpack the zip with Isoenv.unpack on the worker, or pack a .tar.gz for those"
                    + " tools", file, links.size(),
                    String.join(", ", links.subList(0, Math.min(5, links.size()))));
        }
    }

    private static byte[] exportLock(Environment environment, Path folder) throws IOException {
        Path directory = Files.createTempDirectory(folder, ".isoenv-pack-lock");
        Path lock = directory.resolve(LOCK);
        try {
            EnvironmentAdministration.exportLockFile(environment, lock);
            return Files.readAllBytes(lock);
        } finally {
            try {
                dev.isoenv.internal.io.FileTrees.delete(directory);
            } catch (IOException e) {
                // Left behind: a hidden folder beside the archive; the export's own outcome matters more.
            }
        }
    }

    /**
     * Unpacks an archive that {@link #pack} wrote; see {@link dev.isoenv.IsoenvClient#unpack(Path, Path)}.
     *
     * @param archive the archive
     * @param location where the environment goes: absent, or an empty directory
     * @param runner runs the environment's commands
     * @param processEnvironment the variables to activate on top of
     * @return the environment
     */
    public static Environment unpack(Path archive, Path location, CommandRunner runner,
                                     Map<String, String> processEnvironment) {
        return unpack(archive, location, null, runner, processEnvironment);
    }

    /**
     * Unpacks an archive that {@link #pack} wrote, first checking the whole file's SHA-256; see
     * {@link dev.isoenv.IsoenvClient#unpack(Path, Path, String)}.
     *
     * @param archive the archive
     * @param location where the environment goes: absent, or an empty directory
     * @param expectedSha256 the file's SHA-256 as published, 64 hex digits; null to check only the payload's hash
     * @param runner runs the environment's commands
     * @param processEnvironment the variables to activate on top of
     * @return the environment
     */
    public static Environment unpack(Path archive, Path location, String expectedSha256, CommandRunner runner,
                                     Map<String, String> processEnvironment) {
        Path file = archive.toAbsolutePath().normalize();
        Path target = EnvironmentAdministration.location(location);
        if (expectedSha256 != null && !expectedSha256.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidSpecException("The expected SHA-256 of " + file + " is not 64 hexadecimal digits: "
                    + Redactor.excerpt(expectedSha256) + ". Give the hash published beside the archive, as"
                    + " EnvironmentArchive.sha256() or sha256sum prints it.");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidArchiveException("There is no archive at " + file + ". Give the path of a .tar.gz or"
                    + " .zip that Environment.pack() wrote.", Reason.NOT_AN_ENVIRONMENT_ARCHIVE);
        }
        EnvironmentSpec plain = EnvironmentSpec.builder(target).build();
        try (EnvironmentLock held = EnvironmentLock.acquire(target, plain.timeouts().lock())) {
            try {
                ArchiveExtraction.checkTarget(target);
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("read", target, e), e);
            }
            String stagingPrefix = "." + target.getFileName() + ".isoenv-unpack-";
            ArchiveExtraction.sweepStale(target, stagingPrefix);
            Path staging = target.resolveSibling(stagingPrefix + UUID.randomUUID());
            // With a published hash, the archive is copied while it is hashed, and the copy, which only this process
            // writes, is what is extracted: a file changed between the check and the extraction cannot slip in.
            Path privateCopy = expectedSha256 == null ? null
                    : target.resolveSibling(staging.getFileName() + ".archive");
            try {
                Path source = file;
                if (privateCopy != null) {
                    source = ArchiveExtraction.checkFileHash(file, privateCopy,
                            expectedSha256.toLowerCase(Locale.ROOT));
                }
                Files.createDirectories(staging);
                JsonNode manifest;
                Optional<StateRecord> read;
                try {
                    manifest = ArchiveExtraction.extract(file, source, staging, target);
                    read = StateRecord.read(staging);
                } catch (IsoenvException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Whatever else a hostile or damaged archive makes fail is reported as the archive's fault.
                    throw damaged(file, e);
                }
                if (read.isEmpty() || !read.get().isCreated()) {
                    throw new InvalidArchiveException("The archive " + file + " holds no complete isoenv"
                            + " environment (its state record is missing or incomplete). Pack the environment again"
                            + " after a successful ensure().", Reason.NOT_AN_ENVIRONMENT_ARCHIVE);
                }
                StateRecord state = read.get();
                ArchiveExtraction.checkState(file, staging, state,
                        manifest.path("python").path("bundled").asBoolean(false));
                boolean emptied = false;
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target);
                    emptied = true;
                }
                try {
                    move(staging, target);
                } catch (IOException e) {
                    if (emptied) {
                        try {
                            Files.createDirectory(target);
                        } catch (IOException again) {
                            e.addSuppressed(again);
                        }
                    }
                    throw e;
                }
                Logging.logger().log(System.Logger.Level.INFO, "isoenv: unpacked {0} into {1}", file, target);
                return new ManagedEnvironment(state.layout(target), state.backend(), spec(target, manifest, state),
                        runner, processEnvironment, state.installedExplanation(), state.installedChoices());
            } catch (IOException e) {
                throw new EnvironmentStateException(FileProblems.describe("unpack the archive into", target, e)
                        + " Nothing was left at " + target + ".", e);
            } finally {
                if (privateCopy != null && Files.exists(privateCopy, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        dev.isoenv.internal.io.FileTrees.delete(privateCopy);
                    } catch (IOException e) {
                        Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not remove {0}: {1}",
                                privateCopy, e);
                    }
                }
                if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        dev.isoenv.internal.io.FileTrees.delete(staging);
                    } catch (IOException e) {
                        Logging.logger().log(System.Logger.Level.WARNING, "isoenv: could not remove {0}: {1}",
                                staging, e);
                    }
                }
            }
        }
    }

    private static EnvironmentSpec spec(Path target, JsonNode manifest, StateRecord state) {
        List<String> requirements = new ArrayList<>();
        manifest.path("requirements").forEach(r -> requirements.add(r.asText()));
        try {
            return EnvironmentSpec.builder(target).backend(state.backend()).requirements(requirements).build();
        } catch (IsoenvException e) {
            return EnvironmentSpec.builder(target).backend(state.backend()).build();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
