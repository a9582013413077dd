package dev.isoenv.internal.pack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ElfRunPath} and {@link ElfVersionNeeds} both read of an ELF file: its class (32 or 64 bits) and byte
 * order from the identification bytes, fields of either width, the program headers' {@code PT_DYNAMIC} segment and its
 * entries, and the file offset of a virtual address through the {@code PT_LOAD} segment that holds it. Offsets out of
 * the file throw {@link IndexOutOfBoundsException} or {@link ArithmeticException}, which the callers report as a
 * damaged file. Internal to isoenv and not API.
 */
final class ElfLayout {
    static final long DT_NULL = 0;
    static final long DT_STRTAB = 5;
    static final long DT_STRSZ = 10;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;

    private final ByteBuffer b;
    private final boolean is64;

    private ElfLayout(ByteBuffer bytes) {
        this.b = bytes.duplicate().order(bytes.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        this.is64 = bytes.get(4) == 2;
    }

    /**
     * Reads the identification bytes of a whole file.
     *
     * @param elf the file, from position 0
     * @return its layout
     * @throws IllegalArgumentException if it is not an ELF file of a known class and byte order
     */
    static ElfLayout of(ByteBuffer elf) {
        if (elf.limit() < 52 || elf.get(0) != 0x7f || elf.get(1) != 'E' || elf.get(2) != 'L' || elf.get(3) != 'F'
                || (elf.get(4) != 1 && elf.get(4) != 2) || (elf.get(5) != 1 && elf.get(5) != 2)) {
            throw new IllegalArgumentException("not an ELF file");
        }
        return new ElfLayout(elf);
    }

    boolean is64() {
        return is64;
    }

    int length() {
        return b.limit();
    }

    int u16(long at) {
        return b.getShort(at(at)) & 0xffff;
    }

    long u32(long at) {
        return b.getInt(at(at)) & 0xffffffffL;
    }

    /** An address-sized field: 8 bytes in a 64-bit file, 4 in a 32-bit one. */
    long word(long at) {
        if (!is64) {
            return u32(at);
        }
        long v = b.getLong(at(at));
        if (v < 0) {
            throw new IllegalArgumentException("a field is out of range");
        }
        return v;
    }

    byte get(long at) {
        return b.get(at(at));
    }

    /** The {@code PT_DYNAMIC} segment's file offset and size, or null when there is none. */
    long[] dynamicSection() {
        long phoff = word(is64 ? 0x20 : 0x1C);
        int phentsize = u16(is64 ? 0x36 : 0x2A);
        int phnum = u16(is64 ? 0x38 : 0x2C);
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (u32(ph) == PT_DYNAMIC) {
                long offset = is64 ? word(ph + 8) : u32(ph + 4);
                long size = is64 ? word(ph + 0x20) : u32(ph + 0x10);
                if (offset < 0 || size < 0 || offset + size > b.limit()) {
                    throw new IllegalArgumentException("the dynamic section is outside the file");
                }
                return new long[] {offset, size};
            }
        }
        return null;
    }

    /** The dynamic section's entries up to {@code DT_NULL}, each as {tag, value}; empty when there is none. */
    List<long[]> dynamicEntries() {
        long[] dynamic = dynamicSection();
        List<long[]> entries = new ArrayList<>();
        if (dynamic == null) {
            return entries;
        }
        int size = is64 ? 16 : 8;
        for (long at = dynamic[0]; at + size <= dynamic[0] + dynamic[1]; at += size) {
            long tag = word(at);
            if (tag == DT_NULL) {
                break;
            }
            entries.add(new long[] {tag, word(at + (is64 ? 8 : 4))});
        }
        return entries;
    }

    /** The file offset of a virtual address, through the {@code PT_LOAD} segment that holds it; -1 when none does. */
    long fileOffset(long address) {
        long phoff = word(is64 ? 0x20 : 0x1C);
        int phentsize = u16(is64 ? 0x36 : 0x2A);
        int phnum = u16(is64 ? 0x38 : 0x2C);
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (u32(ph) == PT_LOAD) {
                long offset = is64 ? word(ph + 8) : u32(ph + 4);
                long vaddr = is64 ? word(ph + 0x10) : u32(ph + 8);
                long filesz = is64 ? word(ph + 0x20) : u32(ph + 0x10);
                if (address >= vaddr && address - vaddr < filesz) {
                    return address - vaddr + offset;
                }
            }
        }
        return -1;
    }

    private static int at(long offset) {
        if (offset < 0) {
            throw new IndexOutOfBoundsException("negative offset");
        }
        return Math.toIntExact(offset);
    }
}
