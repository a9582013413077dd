package dev.isoenv.cuda.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the output of {@code rocm_agent_enumerator}: one gfx target per agent, such as {@code gfx1100}, with
 * {@code gfx000} for the CPU. Feature suffixes such as {@code :xnack-} are dropped.
 */
final class RocmAgentEnumeratorOutput {
    private static final Pattern GFX = Pattern.compile("gfx[0-9a-f]{3,5}");

    private RocmAgentEnumeratorOutput() {
    }

    /**
     * Parses the output.
     *
     * @param stdout what the command printed
     * @return the gfx targets of the GPUs, in order, possibly empty
     * @throws IllegalArgumentException if a line is not a gfx target
     */
    static List<String> parse(String stdout) {
        List<String> targets = new ArrayList<>();
        for (String raw : stdout.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String gfx = colon >= 0 ? line.substring(0, colon) : line;
            if (!GFX.matcher(gfx).matches()) {
                throw new IllegalArgumentException("'" + (line.length() > 60 ? line.substring(0, 57) + "..." : line)
                        + "' is not a gfx target");
            }
            if (!gfx.equals("gfx000")) {
                targets.add(gfx);
            }
        }
        return targets;
    }
}
