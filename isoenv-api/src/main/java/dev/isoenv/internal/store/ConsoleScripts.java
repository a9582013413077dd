package dev.isoenv.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import dev.isoenv.spi.OperatingSystem;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console and GUI scripts a distribution declares in {@code entry_points.txt}, and the launcher pip writes for
 * each: a Python file whose first line names the environment's own interpreter. A distribution linked from the store
 * gets them written for the new environment, never copied from the one it came from.
 */
final class ConsoleScripts {
    /** One declared script: {@code name = module:attribute}. */
    static final class Script {
        private final String name;
        private final String module;
        private final String attribute;

        Script(String name, String module, String attribute) {
            this.name = name;
            this.module = module;
            this.attribute = attribute;
        }

        String name() {
            return name;
        }

        /** The launcher's text after its first line, as pip's script maker writes it. */
        String body() {
            String importName = attribute.split("\\.", 2)[0];
            return "# -*- coding: utf-8 -*-\n"
                    + "import re\n"
                    + "import sys\n"
                    + "from " + module + " import " + importName + "\n"
                    + "if __name__ == '__main__':\n"
                    + "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                    + "    sys.exit(" + attribute + "())\n";
        }
    }

    private static final Pattern SECTION = Pattern.compile("\\s*\\[([^\\]]+)\\]\\s*");
    private static final Pattern ENTRY = Pattern.compile(
            "\\s*([^=\\s][^=]*?)\\s*=\\s*([A-Za-z_][\\w.]*)\\s*:\\s*([A-Za-z_][\\w.]*)\\s*(\\[[^\\]]*\\])?\\s*");

    private ConsoleScripts() {
    }

    /**
     * Reads the console and GUI scripts of an {@code entry_points.txt}.
     *
     * @param text the file's text
     * @return the scripts
     * @throws IOException if an entry of those sections is not {@code name = module:attribute}, which pip would not
     *     install as a script either
     */
    static List<Script> parse(String text) throws IOException {
        List<Script> scripts = new ArrayList<>();
        boolean inScripts = false;
        for (String line : text.split("\r?\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                String name = section.group(1).strip().toLowerCase(Locale.ROOT);
                inScripts = name.equals("console_scripts") || name.equals("gui_scripts");
                continue;
            }
            if (!inScripts) {
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches() || entry.group(1).contains("/") || entry.group(1).contains("\\")) {
                throw new IOException("entry point is not name = module:attribute: " + trimmed);
            }
            scripts.add(new Script(entry.group(1), entry.group(2), entry.group(3)));
        }
        return scripts;
    }

    /**
     * The first line of a launcher for {@code python}, as pip (distlib) writes it: {@code #!python} when the path
     * has no space and fits the kernel's limit (127 bytes with {@code #!} and the line end; 512 on macOS), else a
     * {@code /bin/sh} line that runs the interpreter. Empty for a path that form cannot quote safely ({@code $},
     * a backquote, a backslash or a double quote in it), whose launchers isoenv leaves to pip.
     */
    static Optional<String> shebang(Path python, OperatingSystem os) {
        String exe = python.toString();
        int limit = os == OperatingSystem.MACOS ? 512 : 127;
        if (exe.indexOf(' ') < 0 && exe.getBytes(StandardCharsets.UTF_8).length + 3 <= limit) {
            return Optional.of("#!" + exe + "\n");
        }
        for (char c : new char[] {'$', '`', '\\', '"'}) {
            if (exe.indexOf(c) >= 0) {
                return Optional.empty();
            }
        }
        return Optional.of("#!/bin/sh\n'''exec' \"" + exe + "\" \"$0\" \"$@\"\n' '''\n");
    }

    /**
     * Writes the launchers into {@code scriptsDirectory}, executable, replacing what is there.
     *
     * @param scripts the scripts
     * @param scriptsDirectory the environment's {@code bin}
     * @param python the environment's interpreter
     * @param os the operating system
     * @return the files written
     * @throws IOException if one cannot be written
     */
    static List<Path> write(List<Script> scripts, Path scriptsDirectory, Path python, OperatingSystem os)
            throws IOException {
        String shebang = shebang(python, os).orElseThrow(() -> new IOException("the interpreter's path " + python
                + " cannot be written into a launcher safely"));
        List<Path> written = new ArrayList<>();
        Files.createDirectories(scriptsDirectory);
        for (Script s : scripts) {
            Path file = scriptsDirectory.resolve(s.name());
            Path temporary = scriptsDirectory.resolve("." + s.name() + ".isoenv-tmp");
            Files.writeString(temporary, shebang + s.body(), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system; the store does not link distributions with scripts there.
            }
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            written.add(file);
        }
        return written;
    }
}
