package dev.isoenv.internal.ensure;

import dev.isoenv.EnvironmentStateException;
import dev.isoenv.internal.io.FileProblems;
import dev.isoenv.internal.process.ProcessMarker;
import dev.isoenv.internal.process.ProcessTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The record of the processes that one {@code ensure()} started to change an environment, kept in
 * {@code .<name>.isoenv-processes} beside it while they run, so that it outlives a JVM that dies.
 *
 * <p>A JVM killed with SIGKILL releases its file lock at once, but its children (a {@code python -m venv}, a
 * {@code pip install}, a build backend) run on and keep writing into the environment. The next {@code ensure()} that
 * takes the lock calls {@link #endOrphans} before it repairs anything: it ends each recorded process that is still
 * alive (matched by pid and by start time to within a second, in the same boot of the same machine, so a reused pid
 * is not killed) with its descendants, and, on Linux, every
 * process that carries a recorded {@link ProcessMarker marker}, which finds descendants that left the tree. Each
 * start is recorded before the process exists (its marker first, its pid once known), so a JVM killed in between
 * still leaves the marker. The file is deleted when the last recorded process has ended.
 *
 * <p>One line per process: {@code marker TAB pid TAB start-millis TAB command}, with {@code -} for a value not
 * known yet. The command is the masked display form.
 */
final class ProcessLedger implements ProcessTracker, AutoCloseable {
    private static final String HEADER = "# isoenv: processes started to change this environment; deleted when they"
            + " have ended. A later ensure() ends any left running.";
    private static final Duration ORPHAN_WAIT = Duration.ofSeconds(10);
    private static final String BOOT_PREFIX = "# boot ";
    /** This boot of this machine, where the OS says (Linux); pids of another boot or machine are never matched. */
    private static final Optional<String> BOOT_ID = readBootId();

    private final Path file;
    private final Map<String, Entry> live = new LinkedHashMap<>();

    private ProcessLedger(Path file) {
        this.file = file;
    }

    /**
     * Returns the ledger file of an environment: {@code .<name>.isoenv-processes} beside it.
     *
     * @param root the environment's directory
     * @return the file
     */
    static Path ledgerFile(Path root) {
        return root.resolveSibling("." + root.getFileName() + ".isoenv-processes");
    }

    /**
     * Opens an empty ledger for an environment; the caller holds the environment's lock. Nothing is written until
     * the first process starts.
     *
     * @param root the environment's directory
     * @return the ledger
     */
    static ProcessLedger open(Path root) {
        return new ProcessLedger(ledgerFile(root));
    }

    /**
     * Ends the processes that an earlier {@code ensure()} recorded and that are still running, with their
     * descendants, and deletes the record. The caller holds the environment's lock.
     *
     * @param root the environment's directory
     * @return a description of each process ended; empty when there was no record or nothing was running
     * @throws EnvironmentStateException if a recorded process could not be ended (it may still be writing), or the
     *     record cannot be deleted
     */
    static List<String> endOrphans(Path root) {
        Path file = ledgerFile(root);
        List<String> lines;
        try {
            // Decoded leniently: a record torn by a crash must not stop every later ensure().
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("read the record of running processes", file, e)
                    + " isoenv reads it to end processes that an earlier ensure() left running.", e);
        }
        // Pids mean something only on the machine, and in the boot, that wrote them (a shared file system, a
        // reboot); markers are random and safe to look for anywhere.
        boolean sameBoot = lines.stream().filter(l -> l.startsWith(BOOT_PREFIX)).findFirst()
                .map(l -> l.substring(BOOT_PREFIX.length()).equals(BOOT_ID.orElse(""))).orElse(true);
        Map<ProcessHandle, String> targets = new LinkedHashMap<>();
        for (String line : lines) {
            Optional<Entry> entry = Entry.parse(line);
            if (entry.isEmpty()) {
                continue;
            }
            Entry e = entry.get();
            for (ProcessHandle marked : ProcessMarker.find(e.token)) {
                targets.putIfAbsent(marked, describe(marked, "started by " + e.command));
            }
            if (e.pid > 0 && sameBoot) {
                ProcessHandle.of(e.pid).filter(ProcessMarker::isRunning).filter(h -> sameStart(h, e))
                        .ifPresent(h -> targets.putIfAbsent(h, describe(h, e.command)));
            }
        }
        for (ProcessHandle process : targets.keySet()) {
            ProcessMarker.killTree(process);
        }
        Set<ProcessHandle> all = new LinkedHashSet<>(targets.keySet());
        for (String line : lines) {
            Entry.parse(line).ifPresent(e -> all.addAll(ProcessMarker.killMarked(e.token, Duration.ZERO)));
        }
        List<ProcessHandle> alive = ProcessMarker.awaitEnd(all, ORPHAN_WAIT);
        if (!alive.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (ProcessHandle h : alive) {
                names.add(targets.getOrDefault(h, describe(h, "a descendant")));
            }
            throw new EnvironmentStateException("An earlier ensure() of " + root + " did not finish, and processes it"
                    + " started are still running and could not be ended: " + String.join("; ", names) + ". They may"
                    + " still be writing into the environment, so isoenv does not repair it now. End them (they may"
                    + " belong to another user), then call ensure() again.");
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("delete the record of running processes", file,
                    e), e);
        }
        List<String> ended = new ArrayList<>();
        for (ProcessHandle h : all) {
            ended.add(targets.getOrDefault(h, describe(h, "a descendant")));
        }
        return ended;
    }

    private static Optional<String> readBootId() {
        try {
            return Optional.of(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip())
                    .filter(id -> !id.isEmpty());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean sameStart(ProcessHandle process, Entry entry) {
        if (entry.startMillis < 0) {
            return false;
        }
        Optional<Long> start = ProcessMarker.startMillis(process);
        // Start times are read from the OS in both JVMs; allow for rounding to its clock ticks.
        return start.isPresent() && Math.abs(start.get() - entry.startMillis) <= 1000;
    }

    private static String describe(ProcessHandle process, String command) {
        return "pid " + process.pid() + " (" + command + ")";
    }

    @Override
    public synchronized void starting(String token, String command) {
        live.put(token, new Entry(token, -1, -1, command.replaceAll("[\\t\\r\\n]", " ")));
        write();
    }

    @Override
    public synchronized void started(String token, ProcessHandle process) {
        Entry entry = live.get(token);
        if (entry != null) {
            live.put(token, new Entry(token, process, ProcessMarker.startMillis(process).orElse(-1L), entry.command));
            write();
        }
    }

    @Override
    public synchronized void ended(String token) {
        Entry entry = live.get(token);
        if (entry != null && (entry.handle == null || !ProcessMarker.isRunning(entry.handle))) {
            live.remove(token);
            try {
                write();
            } catch (RuntimeException e) {
                // A record of an ended process is harmless (the next ensure() finds nothing running and deletes
                // it); failing here would hide the process's own result.
            }
        }
    }

    /** Deletes the record if every recorded process has ended; otherwise leaves it for the next ensure(). */
    @Override
    public synchronized void close() {
        live.values().removeIf(e -> e.handle != null && !ProcessMarker.isRunning(e.handle));
        if (live.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // The next ensure() finds only ended processes in it, and deletes it.
            }
        }
    }

    private void write() {
        if (live.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Harmless: a record of ended processes is ignored and deleted by the next ensure().
            }
            return;
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        BOOT_ID.ifPresent(id -> text.append(BOOT_PREFIX).append(id).append('\n'));
        for (Entry e : live.values()) {
            text.append(e.token).append('\t').append(e.pid < 0 ? "-" : Long.toString(e.pid)).append('\t')
                    .append(e.startMillis < 0 ? "-" : Long.toString(e.startMillis)).append('\t')
                    .append(e.command).append('\n');
        }
        // Written beside and moved into place, so that a crash never leaves a truncated record.
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EnvironmentStateException(FileProblems.describe("record a running process", file, e)
                    + " isoenv records the processes it starts beside the environment, so that a later ensure() can"
                    + " end them if this JVM dies.", e);
        }
    }

    /** One recorded process. */
    private static final class Entry {
        final String token;
        final long pid;
        final long startMillis;
        final String command;
        final ProcessHandle handle;

        Entry(String token, long pid, long startMillis, String command) {
            this.token = token;
            this.pid = pid;
            this.startMillis = startMillis;
            this.command = command;
            this.handle = null;
        }

        Entry(String token, ProcessHandle handle, long startMillis, String command) {
            this.token = token;
            this.pid = handle.pid();
            this.startMillis = startMillis;
            this.command = command;
            this.handle = handle;
        }

        static Optional<Entry> parse(String line) {
            if (line.startsWith("#") || line.isBlank()) {
                return Optional.empty();
            }
            String[] parts = line.split("\t", 4);
            if (parts.length < 4 || !parts[0].matches("[0-9a-f]{8,64}")) {
                return Optional.empty();
            }
            try {
                long pid = parts[1].equals("-") ? -1 : Long.parseLong(parts[1]);
                long start = parts[2].equals("-") ? -1 : Long.parseLong(parts[2]);
                return Optional.of(new Entry(parts[0], pid, start, parts[3]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
