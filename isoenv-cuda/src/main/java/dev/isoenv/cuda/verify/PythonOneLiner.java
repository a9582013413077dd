package dev.isoenv.cuda.verify;

/**
 * Turns a Python script into a single {@code python -c} argument without line breaks or double quotes, which
 * survive Windows command-line quoting: {@code exec('...')} with the script's backslashes, quotes and line
 * breaks escaped.
 */
final class PythonOneLiner {
    private PythonOneLiner() {
    }

    static String encode(String script) {
        if (script.indexOf('"') >= 0) {
            throw new IllegalArgumentException("the script must not contain double quotes");
        }
        return "exec('" + script.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "").replace("\n", "\\n")
                + "')";
    }
}
