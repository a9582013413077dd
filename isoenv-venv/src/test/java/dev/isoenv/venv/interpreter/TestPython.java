package dev.isoenv.venv.interpreter;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Finds a working Python 3 for tests of interpreter discovery: {@code python3}, checked by running it. */
final class TestPython {
    private static String command;

    private TestPython() {
    }

    static synchronized String command() {
        if (command == null) {
            for (String candidate : new String[] {"python3", "python"}) {
                try {
                    Process p = new ProcessBuilder(candidate, "-c", "import sys; assert sys.version_info >= (3, 8)")
                            .redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        command = candidate;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // Try the next candidate.
                }
            }
            if (command == null) {
                throw new IllegalStateException("These tests need Python 3.8+ as python3 or python on PATH");
            }
        }
        return command;
    }
}
