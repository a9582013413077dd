package dev.isoenv;

import java.util.List;

/** Formats process output for exception messages. */
final class ProcessOutput {
    private ProcessOutput() {
    }

    static String describeTail(List<String> tail) {
        if (tail == null || tail.isEmpty()) {
            return "";
        }
        return "\nLast output:\n  " + String.join("\n  ", tail);
    }
}
