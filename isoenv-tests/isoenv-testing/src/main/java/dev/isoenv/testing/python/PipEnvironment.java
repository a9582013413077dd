package dev.isoenv.testing.python;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment in which tests run pip, so that this machine's pip configuration cannot leak in: every
 * {@code PIP_*} variable is removed (such as {@code PIP_FIND_LINKS} or {@code PIP_INDEX_URL}), and
 * {@code PIP_CONFIG_FILE} is set to the null device, which makes pip load no configuration file at all (global,
 * user or site, with their mirrors, find-links and constraints). The loopback addresses are added to
 * {@code NO_PROXY} and {@code no_proxy}, so a proxy set for the machine cannot stand between pip and a
 * {@link dev.isoenv.testing.index.PackageIndexServer}.
 */
public final class PipEnvironment {
    /** The null device, {@code /dev/null}, or {@code NUL} on Windows. */
    public static final String NULL_DEVICE =
            System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";

    private static final String LOOPBACK = "127.0.0.1,localhost";

    private PipEnvironment() {
    }

    /**
     * Returns a copy of an environment made safe for pip.
     *
     * @param environment e.g. {@code System.getenv()}
     * @return the copy without {@code PIP_*} variables, with {@code PIP_CONFIG_FILE} set to the null device and
     *         the loopback addresses in {@code NO_PROXY}
     */
    public static Map<String, String> isolate(Map<String, String> environment) {
        Map<String, String> isolated = new HashMap<>(environment);
        isolated.keySet().removeIf(name -> name.regionMatches(true, 0, "PIP_", 0, 4));
        isolated.put("PIP_CONFIG_FILE", NULL_DEVICE);
        for (String name : new String[] {"NO_PROXY", "no_proxy"}) {
            String existing = isolated.getOrDefault(name, "");
            if (!existing.contains(LOOPBACK)) {
                isolated.put(name, existing.isBlank() ? LOOPBACK : existing + "," + LOOPBACK);
            }
        }
        return isolated;
    }

    /**
     * Returns the current process's environment made safe for pip.
     *
     * @return the isolated environment
     */
    public static Map<String, String> current() {
        return isolate(System.getenv());
    }
}
