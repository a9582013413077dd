package dev.isoenv.venv;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.isoenv.internal.io.CacheDirectory;
import dev.isoenv.spi.BackendContext;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.spi.ProcessRequest;
import dev.isoenv.spi.ProcessResult;
import dev.isoenv.venv.interpreter.PythonInterpreter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The interpreter's bundled pip, unpacked and compiled once per user into isoenv's cache folder, so that every new
 * environment gets a pip with bytecode by copying it: pip then starts without compiling itself, even when the
 * caller sets {@code PYTHONDONTWRITEBYTECODE} (Python reads existing bytecode whatever that variable says).
 *
 * <ul>
 *   <li>One folder per wheel and interpreter: {@code pip/<wheel>-py<version>-<stamp>}, where the stamp hashes the
 *       wheel's real path, size and modification time. A new pip or Python gets a folder of its own.</li>
 *   <li>Bytecode is written with {@code --invalidation-mode checked-hash}: a {@code .pyc} names its source by the
 *       source's hash, not its modification time, so it stays valid in every copy, and a source someone edits later
 *       is recompiled, never run stale.</li>
 *   <li>A folder is built under a temporary name and renamed into place when complete, so a reader never sees a
 *       half-built one; of two JVMs that build it at once, one rename wins and the other's copy is deleted. Files in
 *       it are made read-only.</li>
 *   <li>Anything that goes wrong (no cache folder, no permission, a failed compilation) means no compiled copy: the
 *       environment gets pip unpacked from the wheel, as without this cache.</li>
 * </ul>
 */
final class CompiledPip {
    private static final System.Logger LOG = System.getLogger("dev.isoenv");

    /** Marks a complete folder; written last. */
    private static final String COMPLETE = "complete";

    private CompiledPip() {
    }

    /**
     * Returns the folder whose {@code site} subfolder holds pip unpacked and compiled for this interpreter, when one
     * is complete already; starts nothing.
     *
     * @param interpreter the base interpreter
     * @param os the operating system
     * @param environment the process environment, for the cache folder's location
     * @return the {@code site} folder, or empty
     */
    static Optional<Path> find(PythonInterpreter interpreter, OperatingSystem os, Map<String, String> environment) {
        Optional<Path> folder = folder(interpreter, os, environment);
        return folder.filter(f -> Files.isRegularFile(f.resolve(COMPLETE))).map(f -> f.resolve("site"));
    }

    /**
     * Builds the compiled copy: unpacks the wheel into a temporary folder, compiles it with the base interpreter
     * (one process), and renames it into place.
     *
     * @param interpreter the base interpreter
     * @param os the operating system
     * @param context the backend's context, which runs and counts the process
     * @param environment the variables the interpreter runs with
     * @param timeout the compilation's time limit
     * @return the {@code site} folder, or empty when it cannot be built here
     */
    static Optional<Path> build(PythonInterpreter interpreter, OperatingSystem os, BackendContext context,
                                Map<String, String> environment, Duration timeout) {
        Optional<Path> folder = folder(interpreter, os, context.processEnvironment());
        if (folder.isEmpty() || interpreter.pipWheel().isEmpty()) {
            return Optional.empty();
        }
        Path target = folder.get();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(temp);
            Path site = temp.resolve("site");
            PipSeeder.unpack(interpreter.pipWheel().get(), site);
            // -I: no PYTHON* variable (such as PYTHONPYCACHEPREFIX) and no user site decide where bytecode goes.
            ProcessResult compiled = context.run(ProcessRequest.command(List.of(interpreter.executable().toString(),
                            "-I", "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", site.toString()))
                    .environment(environment).timeout(timeout));
            if (!compiled.isSuccess()) {
                LOG.log(Level.DEBUG, "isoenv: compiling pip in {0} failed (exit code {1}); new environments get it"
                        + " uncompiled: {2}", temp, compiled.exitCode(), compiled.tail());
                return Optional.empty();
            }
            readOnly(site);
            Files.write(temp.resolve(COMPLETE), "pip unpacked and compiled by isoenv\n"
                    .getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // Another JVM finished first (or cannot rename atomically here): use what is there, if complete.
                return find(interpreter, os, context.processEnvironment());
            }
            return Optional.of(target.resolve("site"));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "isoenv: could not prepare a compiled pip in {0}: {1}", target, e);
            return Optional.empty();
        } finally {
            deleteQuietly(temp);
        }
    }

    private static Optional<Path> folder(PythonInterpreter interpreter, OperatingSystem os,
                                         Map<String, String> environment) {
        if (interpreter.pipWheel().isEmpty()) {
            return Optional.empty();
        }
        Path wheel = interpreter.pipWheel().get();
        try {
            Path real = wheel.toRealPath();
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            String stamp = Hashing.sha256().hashString(real + "\n" + attributes.size() + "\n"
                    + attributes.lastModifiedTime().toMillis() + "\n" + interpreter.executable() + "\n"
                    + interpreter.version(), StandardCharsets.UTF_8).toString().substring(0, 16);
            String file = real.getFileName().toString();
            String name = file.endsWith(".whl") ? file.substring(0, file.length() - 4) : file;
            return CacheDirectory.of(os, environment)
                    .map(d -> d.resolve("pip").resolve(name + "-py" + interpreter.version() + "-" + stamp));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void readOnly(Path site) throws IOException {
        Files.walkFileTree(site, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                file.toFile().setWritable(false, false);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    dir.toFile().setWritable(true, true);
                    return FileVisitResult.CONTINUE;
                }
            });
            MoreFiles.deleteRecursively(folder, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "isoenv: could not delete {0}: {1}", folder, e);
        }
    }
}
