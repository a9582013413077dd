package dev.isoenv.internal.metadata;

import java.util.Map;
import java.util.TreeMap;

/**
 * The PEP 508 marker environment of an interpreter ({@code python_version}, {@code sys_platform},
 * {@code platform_machine}, ...), read once by running it, and recorded with the environment so that
 * {@code Requires-Dist} markers can be evaluated in Java afterwards.
 */
public final class MarkerEnvironment {
    /**
     * A Python script that prints the marker environment as {@code key=value} lines, UTF-8; it runs on Python 3.6
     * and newer, with {@code -I}.
     */
    public static final String SCRIPT = String.join("\n",
            "import os, sys, platform",
            "def full(info):",
            "    v = '%d.%d.%d' % (info.major, info.minor, info.micro)",
            "    if info.releaselevel != 'final':",
            "        v += info.releaselevel[0] + str(info.serial)",
            "    return v",
            "m = {",
            "    'implementation_name': sys.implementation.name,",
            "    'implementation_version': full(sys.implementation.version),",
            "    'os_name': os.name,",
            "    'platform_machine': platform.machine(),",
            "    'platform_python_implementation': platform.python_implementation(),",
            "    'platform_release': platform.release(),",
            "    'platform_system': platform.system(),",
            "    'platform_version': platform.version(),",
            "    'python_full_version': platform.python_version(),",
            "    'python_version': '.'.join(platform.python_version_tuple()[:2]),",
            "    'sys_platform': sys.platform,",
            "}",
            "out = ['marker.%s=%s' % (k, ' '.join(str(v).split())) for k, v in sorted(m.items())]",
            "sys.stdout.buffer.write(('\\n'.join(out) + '\\n').encode('utf-8'))",
            "");

    private MarkerEnvironment() {
    }

    /**
     * Tells whether a marker is one isoenv can evaluate.
     *
     * @param marker a PEP 508 marker, or a PEP 751 one that also tests {@code extras} and {@code dependency_groups}
     * @return true if it parses
     */
    public static boolean isValid(String marker) {
        return MarkerExpression.parse(marker).isPresent();
    }

    /**
     * Evaluates a marker against a marker environment. A variable the environment lacks makes the comparison that
     * uses it true. {@code extras} and {@code dependency_groups} (PEP 751) are sets: give each as one comma-separated
     * value, empty for none.
     *
     * @param marker the marker
     * @param environment the marker variables
     * @return the result
     * @throws IllegalArgumentException if the marker does not parse
     */
    public static boolean evaluate(String marker, Map<String, String> environment) {
        return MarkerExpression.parse(marker)
                .orElseThrow(() -> new IllegalArgumentException("not a valid environment marker: " + marker))
                .evaluate(environment, "");
    }

    /**
     * Reads the {@code marker.key=value} lines of {@link #SCRIPT}'s output, ignoring any other line.
     *
     * @param output what the script printed, possibly among other lines
     * @return the marker variables
     */
    public static Map<String, String> parse(String output) {
        Map<String, String> markers = new TreeMap<>();
        for (String line : output.split("\r?\n")) {
            if (line.startsWith("marker.")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    markers.put(line.substring("marker.".length(), eq), line.substring(eq + 1));
                }
            }
        }
        return markers;
    }
}
