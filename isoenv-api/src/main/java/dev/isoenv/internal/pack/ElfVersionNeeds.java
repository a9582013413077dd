package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_VERNEEDNUM = 0x6fffffffL;
    private static final Pattern GLIBC = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)(?:\\.\\d+)?");

    private final ElfLayout elf;

    private ElfVersionNeeds(ElfLayout elf) {
        this.elf = elf;
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
        ElfLayout layout = ElfLayout.of(elf);
        try {
            return new ElfVersionNeeds(layout).needs();
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
        long strtab = -1;
        long strsz = -1;
        long verneed = -1;
        long count = 0;
        for (long[] entry : elf.dynamicEntries()) {
            long tag = entry[0];
            if (tag == ElfLayout.DT_STRTAB) {
                strtab = entry[1];
            } else if (tag == ElfLayout.DT_STRSZ) {
                strsz = entry[1];
            } else if (tag == DT_VERNEED) {
                verneed = entry[1];
            } else if (tag == DT_VERNEEDNUM) {
                count = entry[1];
            }
        }
        if (verneed < 0 || count <= 0) {
            return List.of();
        }
        long table = elf.fileOffset(strtab);
        long need = elf.fileOffset(verneed);
        if (table < 0 || need < 0 || strsz < 0) {
            throw new IllegalArgumentException("the version needs or the string table are outside the file");
        }
        List<String> names = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            int cnt = elf.u16(need + 2);
            long aux = need + elf.u32(need + 8);
            for (int k = 0; k < cnt; k++) {
                if (names.size() >= 4096) {
                    // A real library needs a few dozen; a chain this long is a damaged or crafted file.
                    throw new IllegalArgumentException("more than 4096 version needs");
                }
                names.add(string(table, strsz, elf.u32(aux + 8)));
                long next = elf.u32(aux + 12);
                if (next == 0) {
                    break;
                }
                aux += next;
            }
            long next = elf.u32(need + 12);
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
        long start = table + offset;
        long end = start;
        while (end < table + size && elf.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[Math.toIntExact(end - start)];
        for (int k = 0; k < text.length; k++) {
            text[k] = elf.get(start + k);
        }
        return new String(text, StandardCharsets.UTF_8);
    }
}
