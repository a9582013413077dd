package dev.isoenv.internal.pack;

/**
 * Searching bytes for bytes, as packing does to find an environment's path in binary files. Internal to isoenv and not
 * API.
 */
public final class Bytes {
    private Bytes() {
    }

    /**
     * Where {@code search} first occurs in {@code data}.
     *
     * @param data the bytes to search
     * @param search the bytes to find
     * @return the index of the first occurrence, or -1 when there is none
     */
    public static int indexOf(byte[] data, byte[] search) {
        return indexOf(data, search, 0, data.length);
    }

    /**
     * Where {@code search} first occurs in {@code data} at or after {@code from}, ending at or before {@code to}.
     *
     * @param data the bytes to search
     * @param search the bytes to find
     * @param from the first index to look at
     * @param to the index the occurrence must end at or before
     * @return the index of the first occurrence, or -1 when there is none
     */
    public static int indexOf(byte[] data, byte[] search, int from, int to) {
        outer:
        for (int i = from; i + search.length <= to; i++) {
            for (int j = 0; j < search.length; j++) {
                if (data[i + j] != search[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
