package dev.isoenv.internal.ensure;

import java.util.List;

/**
 * The first lines of a packed console script: a {@code /bin/sh} program that Python reads as one string literal (the
 * trick of pip's and uv's relocatable scripts), which runs the {@code python} beside the script's real path:
 *
 * <pre>
 * #!/bin/sh
 * '''true'
 * d="$(realpath -- "$0")" || { echo "isoenv: cannot run $0: ... no realpath command ..." &gt;&amp;2; exit 127; }
 * d="$(dirname -- "$d")"
 * [ -x "$d"/'python3.11' ] || { echo "isoenv: cannot run $0: "'&lt;what is missing&gt;' &gt;&amp;2; exit 127; }
 * exec "$d"/'python3.11' "$0" "$@"
 * ' '''
 * </pre>
 *
 * <p>Where the archive was unpacked by another tool (Spark's or Ray's own tar) on a machine without the base
 * interpreter, {@code bin/python} is a link to nowhere: the script then prints one line naming that interpreter, its
 * version and what to do, and exits with status 127 (the shell's "command not found"), instead of a bare "No such
 * file". It never runs a {@code python} from the current directory, and works for paths with spaces. The text between
 * the quotes holds no backslash and no {@code '''}, so that Python reads it as a plain string on every version.
 */
final class ConsoleScriptTrampoline {
    private ConsoleScriptTrampoline() {
    }

    /**
     * The trampoline's lines, up to and including the one that closes Python's string.
     *
     * @param python the interpreter's file name beside the script, such as {@code python3.11}
     * @param missing what to say when that interpreter cannot be run: what it is and what to do
     * @return the header, ending with a newline
     */
    static String header(String python, String missing) {
        if (!python.matches("python[0-9.]*")) {
            throw new IllegalArgumentException("not an interpreter name: " + python);
        }
        return "#!/bin/sh\n"
                + "'''true'\n"
                + "d=\"$(realpath -- \"$0\")\" || { echo \"isoenv: cannot run $0: it finds the python beside it with"
                + " realpath, and this machine has no realpath command (it needs Linux, or macOS 13 or newer)\" >&2;"
                + " exit 127; }\n"
                + "d=\"$(dirname -- \"$d\")\"\n"
                + "[ -x \"$d\"/'" + python + "' ] || { echo \"isoenv: cannot run $0: \"'" + quotable(missing)
                + "' >&2; exit 127; }\n"
                + "exec \"$d\"/'" + python + "' \"$0\" \"$@\"\n"
                + "' '''\n";
    }

    /**
     * What the script says when the base interpreter of a virtual environment is missing.
     *
     * @param base the base interpreter's path on the building machine
     * @param version its Python version, such as {@code 3.11.7}
     * @return one line
     */
    static String missingBase(String base, String version) {
        return "it runs on the Python interpreter " + base + " (Python " + version + "), which its environment"
                + " does not bundle and this machine does not have. Install Python " + version + " at " + base
                + " (the same installation as on the machine that packed the environment), or pack the environment"
                + " with PackOptions.bundleInterpreter(true) so that it carries its interpreter.";
    }

    /**
     * What the script says when the interpreter bundled beside it is missing: the archive was not unpacked whole.
     *
     * @param python the interpreter's path inside the archive, such as {@code bin/python3.11}
     * @param version its Python version
     * @return one line
     */
    static String missingBundled(String python, String version) {
        return "the Python " + version + " interpreter that its environment bundles (" + python + ") is missing"
                + " or cannot be run here. Unpack the whole archive again, on a machine of the platform it was"
                + " packed for.";
    }

    /**
     * The text as it can stand between single quotes of both the shell and Python's string: a quote, a backslash or
     * a control character becomes {@code ?}.
     */
    static String quotable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(c == '\'' || c == '\\' || Character.isISOControl(c)
                ? '?' : c));
        return b.toString();
    }

    /**
     * A script that starts {@code #!<root>/bin/python...}, or pip's {@code #!/bin/sh} form for a long or spaced path
     * (a second line {@code '''exec' "<root>/bin/python..." "$0" "$@"}), made to run the Python beside it wherever it
     * is: the {@code /bin/sh} trampoline that pip and uv write, which Python reads as a string literal; see
     * {@link #header}. Without a {@code realpath} command it fails, naming it, rather than run a
     * {@code python} from the current directory; when the {@code python} beside it cannot be run (a base interpreter
     * this machine lacks) it prints {@code missing} and exits with status 127.
     */
    static String rewrite(String script, String scripts, List<String> prefixes, String missing) {
        int end = script.indexOf('\n');
        if (!script.startsWith("#!") || end < 0) {
            return script;
        }
        String exe = script.substring(2, end).strip();
        String rest = script.substring(end + 1);
        if (exe.equals("/bin/sh")) {
            int second = script.indexOf('\n', end + 1);
            String line = second < 0 ? "" : script.substring(end + 1, second);
            String tail = " \"$0\" \"$@\"";
            String close = "' '''\n";
            if (!line.startsWith("'''exec' ") || !line.endsWith(tail) || !script.startsWith(close, second + 1)) {
                return script;
            }
            exe = line.substring("'''exec' ".length(), line.length() - tail.length());
            if (exe.length() >= 2 && exe.startsWith("\"") && exe.endsWith("\"")) {
                exe = exe.substring(1, exe.length() - 1);
            }
            rest = script.substring(second + 1 + close.length());
        }
        for (String prefix : prefixes) {
            String dir = prefix + "/" + scripts + "/";
            if (exe.startsWith(dir)) {
                String python = exe.substring(dir.length());
                if (python.matches("python[0-9.]*")) {
                    return ConsoleScriptTrampoline.header(python, missing) + rest;
                }
            }
        }
        return script;
    }
}
