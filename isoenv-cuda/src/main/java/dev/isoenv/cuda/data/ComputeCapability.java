package dev.isoenv.cuda.data;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An NVIDIA compute capability such as {@code 8.6}. A CUDA binary built for {@code X.y} runs on every GPU of
 * major version {@code X} with minor version {@code y} or higher, so a build that carries {@code 6.0} code
 * covers a {@code 6.1} GPU, and one that carries {@code 8.6} covers an {@code 8.9} GPU; it never covers
 * another major version.
 *
 * <p>Two spellings are read: NVIDIA's {@code major.minor} ({@code 8.6}, as {@code nvidia-smi} prints it) and
 * PyTorch's {@code sm_XY} ({@code sm_86}, {@code sm_120}, as {@code torch.cuda.get_arch_list()} prints it, where
 * the last digit is the minor version; an arch-specific suffix, {@code sm_90a}, names the same capability).
 * Nothing else is a compute capability.
 */
public final class ComputeCapability implements Comparable<ComputeCapability> {
    /** How a compute capability is written, for messages. */
    public static final String FORMS = "write major.minor as nvidia-smi prints it (8.6, 12.0) or sm_XY as PyTorch"
            + " does (sm_86, sm_120)";

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern SM = Pattern.compile("(?i)sm_(\\d{1,3})(\\d)[af]?");

    private final int major;
    private final int minor;

    private ComputeCapability(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    /**
     * Parses a compute capability.
     *
     * @param text such as {@code 8.6} or {@code sm_86}
     * @return the capability, or empty when the text is neither {@code major.minor} nor {@code sm_XY}
     */
    public static Optional<ComputeCapability> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            m = SM.matcher(text.strip());
            if (!m.matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(new ComputeCapability(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }

    /**
     * Parses a compute capability.
     *
     * @param text such as {@code 8.6} or {@code sm_86}
     * @return the capability
     * @throws IllegalArgumentException if the text is neither {@code major.minor} nor {@code sm_XY}
     */
    public static ComputeCapability parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("'" + text
                + "' is not a compute capability; " + FORMS));
    }


    /**
     * Returns the major version.
     *
     * @return the major version, such as 8
     */
    public int major() {
        return major;
    }

    /**
     * Returns the minor version.
     *
     * @return the minor version, such as 6
     */
    public int minor() {
        return minor;
    }

    /**
     * Tells whether a build carrying code for {@code built} runs on a GPU of this capability: same major
     * version, and a built minor version no higher than this one.
     *
     * @param built the architectures a build carries
     * @return true if one of them runs on this GPU
     */
    public boolean isCoveredBy(Collection<ComputeCapability> built) {
        for (ComputeCapability c : built) {
            if (c.major == major && c.minor <= minor) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int compareTo(ComputeCapability o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComputeCapability && ((ComputeCapability) o).major == major
                && ((ComputeCapability) o).minor == minor;
    }

    @Override
    public int hashCode() {
        return major * 1000 + minor;
    }

    /** Returns {@code major.minor}. */
    @Override
    public String toString() {
        return major + "." + minor;
    }
}
