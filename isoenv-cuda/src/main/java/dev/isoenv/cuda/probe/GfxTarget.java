package dev.isoenv.cuda.probe;

import java.util.Optional;

/**
 * Turns the KFD topology's {@code gfx_target_version} number into an AMD gfx target name: major is
 * {@code v / 10000}, minor {@code (v / 100) % 100} and stepping {@code v % 100}, and the name is {@code gfx}
 * followed by the major version in decimal and minor and stepping in hexadecimal. So 90010 is {@code gfx90a},
 * 90402 is {@code gfx942} and 110000 is {@code gfx1100}. Zero stands for a CPU node.
 */
final class GfxTarget {
    private GfxTarget() {
    }

    /**
     * Decodes a {@code gfx_target_version}.
     *
     * @param version the number from a node's properties
     * @return the gfx target, or empty for 0 (a CPU) or a negative number
     */
    static Optional<String> fromKfdVersion(long version) {
        if (version <= 0) {
            return Optional.empty();
        }
        long major = version / 10000;
        long minor = (version / 100) % 100;
        long stepping = version % 100;
        return Optional.of("gfx" + major + Long.toHexString(minor) + Long.toHexString(stepping));
    }
}
