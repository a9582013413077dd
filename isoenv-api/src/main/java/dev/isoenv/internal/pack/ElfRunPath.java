package dev.isoenv.internal.pack;

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
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
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
    private final boolean is64;
    private final boolean little;

    private ElfRunPath(byte[] bytes) {
        this.b = bytes;
        this.is64 = bytes[4] == 2;
        this.little = bytes[5] == 1;
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
        if (!isElf(elf) || elf.length < 52 || (elf[4] != 1 && elf[4] != 2) || (elf[5] != 1 && elf[5] != 2)) {
            throw new IllegalArgumentException("not an ELF file");
        }
        return elf;
    }

    private List<RunPath> runPaths() {
        try {
            long[] dynamic = dynamicSection();
            if (dynamic == null) {
                return List.of();
            }
            long strtab = -1;
            long strsz = -1;
            List<long[]> wanted = new ArrayList<>();
            for (long at = dynamic[0]; at + entrySize() <= dynamic[0] + dynamic[1]; at += entrySize()) {
                long tag = word(at);
                long val = word(at + (is64 ? 8 : 4));
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                } else if (tag == DT_STRSZ) {
                    strsz = val;
                } else if (tag == DT_RPATH || tag == DT_RUNPATH) {
                    wanted.add(new long[] {tag, val});
                }
            }
            if (wanted.isEmpty()) {
                return List.of();
            }
            long table = fileOffset(strtab);
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
        long[] dynamic = dynamicSection();
        long strtab = -1;
        List<Long> names = new ArrayList<>();
        for (long at = dynamic[0]; at + entrySize() <= dynamic[0] + dynamic[1]; at += entrySize()) {
            long tag = word(at);
            long val = word(at + (is64 ? 8 : 4));
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_NEEDED || tag == DT_SONAME || tag == DT_AUXILIARY || tag == DT_FILTER) {
                names.add(val);
            }
        }
        long table = fileOffset(strtab);
        long shoff = is64 ? word(0x28) : u32(0x20);
        int shentsize = u16(is64 ? 0x3A : 0x2E);
        int shnum = u16(is64 ? 0x3C : 0x30);
        if (shoff == 0 || shnum == 0) {
            throw new IllegalArgumentException("the file has no section headers, so what else uses its run path's"
                    + " bytes cannot be checked");
        }
        for (int i = 0; i < shnum; i++) {
            long sh = shoff + (long) i * shentsize;
            int type = (int) u32(sh + 4);
            long offset = is64 ? word(sh + 0x18) : u32(sh + 0x10);
            long size = is64 ? word(sh + 0x20) : u32(sh + 0x14);
            int link = (int) u32(sh + (is64 ? 0x28 : 0x18));
            long info = u32(sh + (is64 ? 0x2C : 0x1C));
            long entsize = is64 ? word(sh + 0x38) : u32(sh + 0x24);
            if (link >= shnum) {
                continue;
            }
            long linked = shoff + (long) link * shentsize;
            if ((is64 ? word(linked + 0x18) : u32(linked + 0x10)) != table) {
                continue;
            }
            if (type == SHT_DYNSYM && entsize > 0) {
                for (long at = offset; at + entsize <= offset + size; at += entsize) {
                    names.add(u32(at));
                }
            } else if (type == SHT_GNU_VERNEED) {
                long at = offset;
                for (long n = 0; n < info; n++) {
                    names.add(u32(at + 4));
                    long aux = at + u32(at + 8);
                    for (int k = 0; k < u16(at + 2); k++) {
                        names.add(u32(aux + 8));
                        aux += u32(aux + 12);
                    }
                    long next = u32(at + 12);
                    if (next == 0) {
                        break;
                    }
                    at += next;
                }
            } else if (type == SHT_GNU_VERDEF) {
                long at = offset;
                for (long n = 0; n < info; n++) {
                    long aux = at + u32(at + 12);
                    for (int k = 0; k < u16(at + 6); k++) {
                        names.add(u32(aux));
                        aux += u32(aux + 4);
                    }
                    long next = u32(at + 16);
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

    /** The PT_DYNAMIC segment's file offset and size, or null when there is none. */
    private long[] dynamicSection() {
        long phoff = is64 ? word(0x20) : u32(0x1C);
        int phentsize = u16(is64 ? 0x36 : 0x2A);
        int phnum = u16(is64 ? 0x38 : 0x2C);
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (u32(ph) == PT_DYNAMIC) {
                long offset = is64 ? word(ph + 8) : u32(ph + 4);
                long size = is64 ? word(ph + 0x20) : u32(ph + 0x10);
                if (offset < 0 || size < 0 || offset + size > b.length) {
                    throw new IllegalArgumentException("the dynamic section is outside the file");
                }
                return new long[] {offset, size};
            }
        }
        return null;
    }

    /** The file offset of a virtual address, through the PT_LOAD segment that holds it; -1 when none does. */
    private long fileOffset(long address) {
        long phoff = is64 ? word(0x20) : u32(0x1C);
        int phentsize = u16(is64 ? 0x36 : 0x2A);
        int phnum = u16(is64 ? 0x38 : 0x2C);
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (u32(ph) == PT_LOAD) {
                long offset = is64 ? word(ph + 8) : u32(ph + 4);
                long vaddr = is64 ? word(ph + 0x10) : u32(ph + 8);
                long filesz = is64 ? word(ph + 0x20) : u32(ph + 0x10);
                if (address >= vaddr && address < vaddr + filesz) {
                    return address - vaddr + offset;
                }
            }
        }
        return -1;
    }

    private int entrySize() {
        return is64 ? 16 : 8;
    }

    /** An address-sized field: 8 bytes in a 64-bit file, 4 in a 32-bit one. */
    private long word(long at) {
        return is64 ? u64(at) : u32(at);
    }

    private int u16(long at) {
        int i = Math.toIntExact(at);
        return little ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private long u32(long at) {
        int i = Math.toIntExact(at);
        long v = 0;
        for (int k = 0; k < 4; k++) {
            v |= (b[i + (little ? k : 3 - k)] & 0xffL) << (8 * k);
        }
        return v;
    }

    private long u64(long at) {
        int i = Math.toIntExact(at);
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v |= (b[i + (little ? k : 7 - k)] & 0xffL) << (8 * k);
        }
        if (v < 0) {
            throw new IllegalArgumentException("a field is out of range");
        }
        return v;
    }
}
