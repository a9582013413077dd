package dev.isoenv.internal.pack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reads and rewrites the run paths of an ELF executable or shared library: the {@code DT_RPATH} and
 * {@code DT_RUNPATH} strings of its dynamic section, where the loader looks for the libraries it needs. A Python
 * built with {@code --enable-shared} and an absolute run path ({@code -Wl,-rpath,/opt/python/lib}) loads its
 * {@code libpython} from the building machine's path; written as {@code $ORIGIN/../lib} it loads it from beside
 * itself wherever it is copied.
 *
 * <p>The dynamic section is found as the loader finds it: the {@code PT_DYNAMIC} program header, and the string
 * table's address ({@code DT_STRTAB}) mapped to a file offset through the {@code PT_LOAD} segments. 32- and 64-bit,
 * little- and big-endian files are read. A new run path is written over the old one in place, padded with NUL bytes,
 * so it may not be longer; the file's layout does not change. Linkers share the tails of strings in the string table
 * ({@code "lib"} may be the end of {@code "/opt/python/lib"}), so a rewrite is refused when any other string the file
 * uses (its needed libraries, its soname, its dynamic symbols' names, its version names, another run path) starts
 * inside the run path. {@code DT_RPATH} and {@code DT_RUNPATH} naming the very same string (as older linkers write
 * them) is fine: both are given the same new text.
 */
public final class ElfRunPath {
    private static final long DT_NEEDED = 1;
    private static final long DT_SONAME = 14;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    private static final long DT_AUXILIARY = 0x7ffffffdL;
    private static final long DT_FILTER = 0x7fffffffL;
    private static final int SHT_DYNSYM = 11;
    private static final int SHT_GNU_VERDEF = 0x6ffffffd;
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;

    /** One run path: its tag ({@code DT_RPATH} or {@code DT_RUNPATH}), its text, and where that text is. */
    public record RunPath(String tag, String value, int offset, int length) {
    }

    private final byte[] b;
    private final ElfLayout elf;
    private final boolean is64;

    private ElfRunPath(byte[] bytes) {
        this.b = bytes;
        this.elf = ElfLayout.of(ByteBuffer.wrap(bytes));
        this.is64 = elf.is64();
    }

    /**
     * Whether the bytes start like an ELF file.
     *
     * @param head the file's first bytes
     * @return whether they are ELF's magic number
     */
    public static boolean isElf(byte[] head) {
        return head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    /**
     * The run paths of an ELF file, in the order of its dynamic section; empty for a file without one (a static
     * executable, an object file).
     *
     * @param elf the whole file
     * @return the run paths
     * @throws IllegalArgumentException if the file is not ELF, or is damaged or cut short
     */
    public static List<RunPath> read(byte[] elf) {
        return new ElfRunPath(check(elf)).runPaths();
    }

    /**
     * A copy of the file with each run path replaced by what {@code mapping} makes of it, the rest of the old text
     * filled with NUL bytes; the file itself when no run path changes.
     *
     * @param elf the whole file
     * @param mapping the new run path for an old one (the whole colon-separated text)
     * @return the rewritten file, or {@code elf} itself when nothing changed
     * @throws IllegalArgumentException if the file is not ELF or is damaged, a new run path is longer than the old one,
     *     or another string of the file shares the old run path's bytes
     */
    public static byte[] rewrite(byte[] elf, UnaryOperator<String> mapping) {
        ElfRunPath reader = new ElfRunPath(check(elf));
        List<RunPath> paths = reader.runPaths();
        byte[] out = null;
        for (RunPath p : paths) {
            String now = mapping.apply(p.value());
            if (now.equals(p.value())) {
                continue;
            }
            byte[] text = now.getBytes(StandardCharsets.UTF_8);
            if (text.length > p.length()) {
                throw new IllegalArgumentException("the new run path " + now + " is longer than the old one, "
                        + p.value() + ", and can only be written in its place");
            }
            if (out == null) {
                try {
                    reader.checkNotShared(paths);
                } catch (IndexOutOfBoundsException | ArithmeticException e) {
                    throw new IllegalArgumentException("the file is damaged or cut short", e);
                }
                out = elf.clone();
            }
            System.arraycopy(text, 0, out, p.offset(), text.length);
            Arrays.fill(out, p.offset() + text.length, p.offset() + p.length(), (byte) 0);
        }
        return out == null ? elf : out;
    }

    private static byte[] check(byte[] elf) {
        ElfLayout.of(ByteBuffer.wrap(elf));
        return elf;
    }

    private List<RunPath> runPaths() {
        try {
            long strtab = -1;
            long strsz = -1;
            List<long[]> wanted = new ArrayList<>();
            for (long[] entry : elf.dynamicEntries()) {
                if (entry[0] == ElfLayout.DT_STRTAB) {
                    strtab = entry[1];
                } else if (entry[0] == ElfLayout.DT_STRSZ) {
                    strsz = entry[1];
                } else if (entry[0] == DT_RPATH || entry[0] == DT_RUNPATH) {
                    wanted.add(entry);
                }
            }
            if (wanted.isEmpty()) {
                return List.of();
            }
            long table = elf.fileOffset(strtab);
            if (strtab < 0 || strsz < 0 || table < 0 || table + strsz > b.length) {
                throw new IllegalArgumentException("the dynamic string table is outside the file");
            }
            List<RunPath> out = new ArrayList<>();
            for (long[] w : wanted) {
                if (w[1] >= strsz) {
                    throw new IllegalArgumentException("a run path is outside the string table");
                }
                int start = Math.toIntExact(table + w[1]);
                int end = start;
                while (end < table + strsz && b[end] != 0) {
                    end++;
                }
                if (end >= table + strsz) {
                    throw new IllegalArgumentException("a run path has no end");
                }
                out.add(new RunPath(w[0] == DT_RPATH ? "DT_RPATH" : "DT_RUNPATH",
                        new String(b, start, end - start, StandardCharsets.UTF_8), start, end - start));
            }
            return out;
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException("the file is damaged or cut short", e);
        }
    }

    /**
     * Refuses when a string other than a run path starts inside one: the file's needed libraries, soname and filters,
     * and, from the section headers, its dynamic symbols' names and its version names.
     */
    private void checkNotShared(List<RunPath> paths) {
        long strtab = -1;
        List<Long> names = new ArrayList<>();
        for (long[] entry : elf.dynamicEntries()) {
            long tag = entry[0];
            if (tag == ElfLayout.DT_STRTAB) {
                strtab = entry[1];
            } else if (tag == DT_NEEDED || tag == DT_SONAME || tag == DT_AUXILIARY || tag == DT_FILTER) {
                names.add(entry[1]);
            }
        }
        long table = elf.fileOffset(strtab);
        long shoff = is64 ? elf.word(0x28) : elf.u32(0x20);
        int shentsize = elf.u16(is64 ? 0x3A : 0x2E);
        int shnum = elf.u16(is64 ? 0x3C : 0x30);
        if (shoff == 0 || shnum == 0) {
            throw new IllegalArgumentException("the file has no section headers, so what else uses its run path's"
                    + " bytes cannot be checked");
        }
        for (int i = 0; i < shnum; i++) {
            long sh = shoff + (long) i * shentsize;
            int type = (int) elf.u32(sh + 4);
            long offset = is64 ? elf.word(sh + 0x18) : elf.u32(sh + 0x10);
            long size = is64 ? elf.word(sh + 0x20) : elf.u32(sh + 0x14);
            int link = (int) elf.u32(sh + (is64 ? 0x28 : 0x18));
            long info = elf.u32(sh + (is64 ? 0x2C : 0x1C));
            long entsize = is64 ? elf.word(sh + 0x38) : elf.u32(sh + 0x24);
            if (link >= shnum) {
                continue;
            }
            long linked = shoff + (long) link * shentsize;
            if ((is64 ? elf.word(linked + 0x18) : elf.u32(linked + 0x10)) != table) {
                continue;
            }
            if (type == SHT_DYNSYM && entsize > 0) {
                for (long at = offset; at + entsize <= offset + size; at += entsize) {
                    names.add(elf.u32(at));
                }
            } else if (type == SHT_GNU_VERNEED) {
                long at = offset;
                for (long n = 0; n < info; n++) {
                    names.add(elf.u32(at + 4));
                    long aux = at + elf.u32(at + 8);
                    for (int k = 0; k < elf.u16(at + 2); k++) {
                        names.add(elf.u32(aux + 8));
                        aux += elf.u32(aux + 12);
                    }
                    long next = elf.u32(at + 12);
                    if (next == 0) {
                        break;
                    }
                    at += next;
                }
            } else if (type == SHT_GNU_VERDEF) {
                long at = offset;
                for (long n = 0; n < info; n++) {
                    long aux = at + elf.u32(at + 12);
                    for (int k = 0; k < elf.u16(at + 6); k++) {
                        names.add(elf.u32(aux));
                        aux += elf.u32(aux + 4);
                    }
                    long next = elf.u32(at + 16);
                    if (next == 0) {
                        break;
                    }
                    at += next;
                }
            }
        }
        // DT_RPATH and DT_RUNPATH may name the same string (older linkers write both for one -rpath); one that
        // starts inside the other shares its bytes, and rewriting either would change both.
        for (RunPath p : paths) {
            for (RunPath q : paths) {
                if (p.offset() != q.offset() && p.offset() < q.offset() + q.length()
                        && q.offset() < p.offset() + p.length()) {
                    throw new IllegalArgumentException("the run paths " + p.value() + " (" + p.tag() + ") and "
                            + q.value() + " (" + q.tag() + ") share bytes");
                }
            }
        }
        for (long name : names) {
            long at = table + name;
            for (RunPath p : paths) {
                if (name != 0 && at >= p.offset() && at < p.offset() + p.length()) {
                    throw new IllegalArgumentException("another string of the file shares the bytes of its run path "
                            + p.value());
                }
            }
        }
    }
}
