package dev.isoenv.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Marks every process isoenv starts, and finds marked processes again after they left the tree.
 *
 * <p>Each process gets the variable {@value #VARIABLE} with a token unique to that start, and every descendant
 * inherits it, including one that double-forks, calls {@code setsid} and is re-parented to init. On Linux,
 * {@code /proc/<pid>/environ} shows the variables a process started with, so {@link #find(String)} can find such an
 * escaped descendant, which {@link ProcessHandle#descendants()} no longer lists. Limits: on macOS and Windows a
 * process's variables cannot be read, so only the tree is found there; and a descendant that clears its environment
 * before it execs ({@code env -i}) loses the marker on every OS.
 */
public final class ProcessMarker {
    /** The environment variable that carries the marker. */
    public static final String VARIABLE = "ISOENV_PROCESS_TOKEN";
    private static final Path PROC = Path.of("/proc");
    private static final int SWEEP_ROUNDS = 5;

    private ProcessMarker() {
    }

    /**
     * Returns a new token: random, 32 hexadecimal digits, with no secret value (it only tells starts apart).
     *
     * @return the token
     */
    public static String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    /**
     * Says whether {@link #find(String)} can find processes by their marker here: where {@code /proc} shows
     * process environments (Linux).
     *
     * @return whether marked processes can be found
     */
    public static boolean canFind() {
        return Files.isReadable(PROC.resolve("self").resolve("environ"));
    }

    /**
     * Finds the running processes that carry {@code token}, other than this JVM.
     *
     * @param token a token from {@link #newToken()}
     * @return the processes; empty where {@link #canFind()} is false
     */
    public static List<ProcessHandle> find(String token) {
        List<ProcessHandle> found = new ArrayList<>();
        if (!canFind()) {
            return found;
        }
        byte[] needle = (VARIABLE + "=" + token).getBytes(StandardCharsets.US_ASCII);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == self) {
                    continue;
                }
                // The handle first: it remembers the start time, so a pid reused after the check is not killed.
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (handle.isPresent() && carries(entry.resolve("environ"), needle) && isRunning(handle.get())) {
                    found.add(handle.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc changes under us; what was found so far is still right.
        }
        return found;
    }

    /**
     * Kills every process that carries {@code token}, with its descendants, in rounds until none is found (one may
     * fork while the others die), then waits up to {@code wait} for them to end.
     *
     * @param token the token
     * @param wait how long to wait for the killed processes to end
     * @return the processes that were killed
     */
    public static Set<ProcessHandle> killMarked(String token, Duration wait) {
        Set<ProcessHandle> killed = new LinkedHashSet<>();
        for (int round = 0; round < SWEEP_ROUNDS; round++) {
            List<ProcessHandle> found = find(token);
            if (found.isEmpty()) {
                break;
            }
            for (ProcessHandle process : found) {
                killTree(process);
                killed.add(process);
            }
        }
        awaitEnd(killed, wait);
        return killed;
    }

    /**
     * Kills a process and its descendants, the descendants first so that none is re-parented past the sweep.
     *
     * @param process the process
     */
    public static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Waits until every given process has ended, or the time is up.
     *
     * @param processes the processes
     * @param wait the longest wait in all
     * @return the processes still alive
     */
    public static List<ProcessHandle> awaitEnd(Iterable<ProcessHandle> processes, Duration wait) {
        long deadline = System.nanoTime() + ProcessRunner.saturatedNanos(wait);
        List<ProcessHandle> alive = new ArrayList<>();
        processes.forEach(alive::add);
        // Polled rather than onExit(): a zombie that nobody reaps never "exits" for the JDK, yet it writes nothing.
        while (true) {
            alive.removeIf(p -> !isRunning(p));
            if (alive.isEmpty() || System.nanoTime() - deadline >= 0) {
                return alive;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    /**
     * Says whether a process is running: alive, and on Linux not a zombie. A zombie (a process that ended and
     * that its parent has not reaped, common in containers whose first process reaps nothing) counts as ended,
     * since it can no longer do anything, and no signal could end it.
     *
     * @param process the process
     * @return whether it runs
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = PROC.resolve(Long.toString(process.pid())).resolve("stat");
        try {
            String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
            int close = text.lastIndexOf(')');
            if (close > 0 && close + 2 < text.length()) {
                char state = text.charAt(close + 2);
                return state != 'Z' && state != 'X' && state != 'x';
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (macOS, Windows), or the process just went: isAlive() decides.
        }
        return process.isAlive();
    }

    /**
     * Returns when a process started, where the OS says.
     *
     * @param process the process
     * @return its start, in milliseconds since the epoch
     */
    public static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    private static boolean carries(Path environ, byte[] needle) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(environ);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        // Variables are NUL-separated: the needle must start an entry and end at its NUL (or the end).
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (i > 0 && bytes[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            int end = i + needle.length;
            if (end == bytes.length || bytes[end] == 0) {
                return true;
            }
        }
        return false;
    }
}
