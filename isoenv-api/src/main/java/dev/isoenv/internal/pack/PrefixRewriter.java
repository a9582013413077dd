package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Replaces a path (an environment's prefix) inside binary files, in place and without changing their size, the way
 * conda does when it installs a package whose {@code conda-meta/<package>.json} lists a file with
 * {@code "file_mode": "binary"} ({@code binary_replace} in {@code conda/core/portability.py}; conda-pack does the same
 * when it unpacks). Self-contained: it knows nothing of environments, manifests or archives, and can be used for any
 * file that names a path in C strings (an ELF {@code RUNPATH}, a compiled-in install prefix).
 *
 * <p><b>The rule.</b> Only an occurrence of the old path that starts a run of non-NUL bytes ended by a NUL byte is
 * replaced: a C string that starts with the path (such as {@code /build/env/lib\0}) or holds it further on
 * ({@code -L/build/env/lib:/usr/lib\0} from the point where the path starts). Every occurrence of the old path in that
 * run becomes the new path, the rest of the run moves up behind it, and the run's end is padded with as many NUL bytes
 * as it got shorter, so that every offset after the string stays where it was. The new path must therefore not be
 * longer than the old one (in UTF-8 bytes): {@link #replace} refuses with {@link TooLong} and changes nothing when it
 * is. An occurrence with no NUL after it (the file ends first) is left as it is, as conda leaves it. conda matches the
 * run with a regular expression whose {@code .} stops at a newline; this class, like conda-pack, lets the run hold
 * newlines too.
 *
 * <p><b>Windows.</b> conda treats binary files on Windows differently (it also rewrites the path's forward-slash form
 * and relies on launchers that find their Python relative to themselves); this class implements the POSIX rule only,
 * and callers do not use it for Windows prefixes. On macOS on Apple silicon conda also re-signs a rewritten Mach-O file
 * (ad hoc, with {@code codesign}), since a changed signed binary is refused; this class does not.
 *
 * <p><b>Memory.</b> A file is rewritten in memory, as conda does: {@link #rewrite} reads it whole, so it takes files up
 * to {@link #MAX_FILE_SIZE} bytes. {@link #holds} scans a file of any size in blocks.
 */
public final class PrefixRewriter {
    /** The largest file that {@link #rewrite} takes: 1 GiB. */
    public static final long MAX_FILE_SIZE = 1L << 30;

    private PrefixRewriter() {
    }

    /** The new path is longer than the old one, so a C string that names the old one cannot hold it. */
    public static final class TooLong extends Exception {
        private static final long serialVersionUID = 1L;

        private final int oldLength;
        private final int newLength;

        TooLong(int oldLength, int newLength) {
            super("the new path has " + newLength + " bytes, the old one " + oldLength + ": a path written into a"
                    + " binary file can only be replaced by one that is not longer");
            this.oldLength = oldLength;
            this.newLength = newLength;
        }

        /**
         * Returns the old path's length.
         *
         * @return its length in UTF-8 bytes
         */
        public int oldLength() {
            return oldLength;
        }

        /**
         * Returns the new path's length.
         *
         * @return its length in UTF-8 bytes
         */
        public int newLength() {
            return newLength;
        }
    }

    /**
     * Returns whether the new path fits where the old one is written in binary files: whether it is not longer, in
     * UTF-8 bytes.
     *
     * @param oldPath the path the files hold
     * @param newPath the path to write instead
     * @return true when {@link #replace} can write {@code newPath} over {@code oldPath}
     */
    public static boolean fits(String oldPath, String newPath) {
        return utf8(newPath).length <= utf8(oldPath).length;
    }

    /**
     * Returns a copy of {@code data} in which every occurrence of {@code oldPath} inside a NUL-terminated string is
     * {@code newPath}, padded with NUL bytes to the same length; see the class description.
     *
     * @param data the file's bytes; not changed
     * @param oldPath the path to replace, not empty
     * @param newPath the path to write instead
     * @return the new bytes, as long as {@code data}; {@code data} itself when nothing is replaced
     * @throws TooLong if {@code newPath} is longer than {@code oldPath} and {@code data} holds an occurrence to replace
     */
    public static byte[] replace(byte[] data, String oldPath, String newPath) throws TooLong {
        byte[] search = utf8(oldPath);
        byte[] replacement = utf8(newPath);
        if (search.length == 0) {
            throw new IllegalArgumentException("the path to replace is empty");
        }
        int at = Bytes.indexOf(data, search, 0, data.length);
        if (at < 0) {
            return data;
        }
        byte[] out = null;
        while (at >= 0) {
            int end = indexOfNul(data, at + search.length);
            if (end < 0) {
                break;
            }
            if (replacement.length > search.length) {
                throw new TooLong(search.length, replacement.length);
            }
            if (out == null) {
                out = data.clone();
            }
            // The string [at, end) becomes its replaced form, then NULs up to end (its terminator included).
            int write = at;
            int read = at;
            while (read < end) {
                if (matches(data, read, search) && read + search.length <= end) {
                    System.arraycopy(replacement, 0, out, write, replacement.length);
                    write += replacement.length;
                    read += search.length;
                } else {
                    out[write++] = data[read++];
                }
            }
            Arrays.fill(out, write, end + 1, (byte) 0);
            at = Bytes.indexOf(data, search, end + 1, data.length);
        }
        return out == null ? data : out;
    }

    /**
     * Rewrites a file in place with {@link #replace} for each old path in turn, keeping its permissions and its
     * modification time. Nothing is written when nothing changes or when a path does not fit.
     *
     * @param file the file, at most {@link #MAX_FILE_SIZE} bytes
     * @param oldPaths the paths the file may hold, longest first (so that a path that starts another is not replaced
     *     inside the longer one first)
     * @param newPath the path to write instead
     * @return how many NUL-terminated strings named one of the old paths
     * @throws TooLong if {@code newPath} does not fit where the file names an old path; the file is left as it was
     * @throws IOException if the file cannot be read or written, or is larger than {@link #MAX_FILE_SIZE}
     */
    public static int rewrite(Path file, List<String> oldPaths, String newPath) throws TooLong, IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new IOException(file + " has " + size + " bytes, more than the " + MAX_FILE_SIZE + " that a path is"
                    + " rewritten in");
        }
        byte[] original = Files.readAllBytes(file);
        byte[] data = original;
        int strings = 0;
        for (String oldPath : oldPaths) {
            strings += count(data, utf8(oldPath));
            data = replace(data, oldPath, newPath);
        }
        if (data != original) {
            FileTime modified = Files.getLastModifiedTime(file);
            // Written over the same file, which keeps its permissions and links.
            Files.write(file, data);
            Files.setLastModifiedTime(file, modified);
        }
        return strings;
    }

    /**
     * Returns which of the paths a file holds anywhere (terminated by a NUL or not), reading it in blocks.
     *
     * @param file the file, of any size
     * @param paths the paths to look for
     * @return those found, in the order given
     * @throws IOException if the file cannot be read
     */
    public static List<String> holds(Path file, List<String> paths) throws IOException {
        List<byte[]> needles = new ArrayList<>();
        int longest = 0;
        for (String p : paths) {
            byte[] b = utf8(p);
            needles.add(b);
            longest = Math.max(longest, b.length);
        }
        boolean[] found = new boolean[needles.size()];
        byte[] buffer = new byte[(1 << 20) + longest];
        int kept = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buffer, kept, buffer.length - kept)) > 0) {
                int filled = kept + n;
                for (int i = 0; i < needles.size(); i++) {
                    found[i] |= Bytes.indexOf(buffer, needles.get(i), 0, filled) >= 0;
                }
                // Keep the tail that could start a path cut at the block's end.
                kept = Math.min(filled, Math.max(0, longest - 1));
                System.arraycopy(buffer, filled - kept, buffer, 0, kept);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < found.length; i++) {
            if (found[i]) {
                out.add(paths.get(i));
            }
        }
        return out;
    }

    /** How many runs {@link #replace} would rewrite: occurrences that start a NUL-terminated run, counted once each. */
    private static int count(byte[] data, byte[] search) {
        int strings = 0;
        int at = Bytes.indexOf(data, search, 0, data.length);
        while (at >= 0) {
            int end = indexOfNul(data, at + search.length);
            if (end < 0) {
                break;
            }
            strings++;
            at = Bytes.indexOf(data, search, end + 1, data.length);
        }
        return strings;
    }

    private static byte[] utf8(String s) {
        return Objects.requireNonNull(s, "path").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean matches(byte[] data, int at, byte[] search) {
        if (at + search.length > data.length) {
            return false;
        }
        for (int j = 0; j < search.length; j++) {
            if (data[at + j] != search[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfNul(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
