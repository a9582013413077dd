package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbol versions an ELF file needs from the libraries it loads, as {@code readelf -V} shows them under
 * "Version needs section": {@code GLIBC_2.17}, {@code GLIBC_2.34}, {@code GCC_3.0}. They are found as the loader finds
 * them: the dynamic section's {@code DT_VERNEED} (the address of the {@code Elf_Verneed} entries) and
 * {@code DT_VERNEEDNUM} (their number), each entry's {@code Elf_Vernaux} entries naming a version in the dynamic string
 * table ({@code DT_STRTAB}); addresses are mapped to file offsets through the {@code PT_LOAD} segments. 32- and 64-bit,
 * little- and big-endian files are read. A file is mapped, not read into memory, so a large library costs no heap.
 * Internal to isoenv and not API.
 */
public final class ElfVersionNeeds {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NULL = 0;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_VERNEEDNUM = 0x6fffffffL;
    private static final Pattern GLIBC = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)(?:\\.\\d+)?");

    private final ByteBuffer b;
    private final boolean is64;

    private ElfVersionNeeds(ByteBuffer bytes) {
        this.b = bytes.duplicate().order(bytes.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        this.is64 = bytes.get(4) == 2;
    }

    /**
     * The version names the file needs, in the order of its version needs section; empty for a file without one
     * (a static executable, a file that uses no versioned symbol).
     *
     * @param elf the whole file, from position 0
     * @return the version names, such as {@code GLIBC_2.17}
     * @throws IllegalArgumentException if the file is not ELF, or is damaged or cut short
     */
    public static List<String> read(ByteBuffer elf) {
        if (elf.limit() < 52 || elf.get(0) != 0x7f || elf.get(1) != 'E' || elf.get(2) != 'L' || elf.get(3) != 'F'
                || (elf.get(4) != 1 && elf.get(4) != 2) || (elf.get(5) != 1 && elf.get(5) != 2)) {
            throw new IllegalArgumentException("not an ELF file");
        }
        try {
            return new ElfVersionNeeds(elf).needs();
        } catch (IndexOutOfBoundsException | BufferUnderflowException | ArithmeticException e) {
            throw new IllegalArgumentException("the file is damaged or cut short", e);
        }
    }

    /**
     * The newest glibc a file needs: its highest {@code GLIBC_x.y} version need ({@code GLIBC_PRIVATE} aside), or
     * empty for a file that is not ELF, needs no glibc version, or cannot be read as ELF.
     *
     * @param elf the whole file, from position 0
     * @param neededBy what to name as needing it, such as the file's path in the archive
     * @return the C library it needs, if any
     */
    public static Optional<LinuxLibc.Libc> glibcNeeded(ByteBuffer elf, String neededBy) {
        List<String> names;
        try {
            names = read(elf);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        LinuxLibc.Libc newest = null;
        for (String name : names) {
            Matcher m = GLIBC.matcher(name);
            if (m.matches()) {
                LinuxLibc.Libc one = new LinuxLibc.Libc("glibc", Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)), neededBy + " (" + name + ")");
                if (newest == null || newest.olderThan(one)) {
                    newest = one;
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * {@link #glibcNeeded(ByteBuffer, String)} of a file, which is mapped only when it starts like ELF; empty for
     * another file and one of 2 GiB or more.
     *
     * @param file the file
     * @param neededBy what to name as needing it
     * @return the C library it needs, if any
     * @throws IOException if the file cannot be read
     */
    public static Optional<LinuxLibc.Libc> glibcNeeded(Path file, String neededBy) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (!ElfRunPath.isElf(head)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size >= Integer.MAX_VALUE) {
                return Optional.empty();
            }
            return glibcNeeded(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), neededBy);
        }
    }

    private List<String> needs() {
        long phoff = is64 ? b.getLong(0x20) : u32(0x1C);
        int phentsize = b.getShort(is64 ? 0x36 : 0x2A) & 0xffff;
        int phnum = b.getShort(is64 ? 0x38 : 0x2C) & 0xffff;
        long dynamic = -1;
        long dynamicSize = 0;
        for (int i = 0; i < phnum; i++) {
            int ph = at(phoff + (long) i * phentsize);
            if (b.getInt(ph) == PT_DYNAMIC) {
                dynamic = is64 ? b.getLong(ph + 8) : u32(ph + 4);
                dynamicSize = is64 ? b.getLong(ph + 0x20) : u32(ph + 0x10);
            }
        }
        if (dynamic < 0) {
            return List.of();
        }
        long strtab = -1;
        long strsz = -1;
        long verneed = -1;
        long count = 0;
        int entry = is64 ? 16 : 8;
        for (long e = dynamic; e + entry <= dynamic + dynamicSize; e += entry) {
            long tag = is64 ? b.getLong(at(e)) : u32(e);
            long val = is64 ? b.getLong(at(e + 8)) : u32(e + 4);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_VERNEED) {
                verneed = val;
            } else if (tag == DT_VERNEEDNUM) {
                count = val;
            }
        }
        if (verneed < 0 || count <= 0) {
            return List.of();
        }
        long table = fileOffset(strtab, phoff, phentsize, phnum);
        long need = fileOffset(verneed, phoff, phentsize, phnum);
        if (table < 0 || need < 0 || strsz < 0) {
            throw new IllegalArgumentException("the version needs or the string table are outside the file");
        }
        List<String> names = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            int cnt = b.getShort(at(need + 2)) & 0xffff;
            long aux = need + u32(need + 8);
            for (int k = 0; k < cnt; k++) {
                if (names.size() >= 4096) {
                    // A real library needs a few dozen; a chain this long is a damaged or crafted file.
                    throw new IllegalArgumentException("more than 4096 version needs");
                }
                names.add(string(table, strsz, u32(aux + 8)));
                long next = u32(aux + 12);
                if (next == 0) {
                    break;
                }
                aux += next;
            }
            long next = u32(need + 12);
            if (next == 0) {
                break;
            }
            need += next;
        }
        return names;
    }

    private String string(long table, long size, long offset) {
        if (offset >= size) {
            throw new IllegalArgumentException("a version name is outside the string table");
        }
        int start = at(table + offset);
        int end = start;
        while (end < table + size && b.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[end - start];
        b.get(start, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    private long fileOffset(long address, long phoff, int phentsize, int phnum) {
        for (int i = 0; i < phnum; i++) {
            int ph = at(phoff + (long) i * phentsize);
            if (b.getInt(ph) == PT_LOAD) {
                long offset = is64 ? b.getLong(ph + 8) : u32(ph + 4);
                long vaddr = is64 ? b.getLong(ph + 0x10) : u32(ph + 8);
                long filesz = is64 ? b.getLong(ph + 0x20) : u32(ph + 0x10);
                if (address >= vaddr && address - vaddr < filesz) {
                    return address - vaddr + offset;
                }
            }
        }
        return -1;
    }

    private long u32(long offset) {
        return b.getInt(at(offset)) & 0xffffffffL;
    }

    private static int at(long offset) {
        if (offset < 0) {
            throw new IndexOutOfBoundsException("negative offset");
        }
        return Math.toIntExact(offset);
    }
}
