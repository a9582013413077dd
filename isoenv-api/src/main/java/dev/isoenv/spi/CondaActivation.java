package dev.isoenv.spi;

import dev.isoenv.internal.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables that {@code conda activate} sets in a prefix beyond {@code PATH} and {@code CONDA_PREFIX}, read from
 * the prefix's files without starting a process, in conda's order ({@code conda/activate.py},
 * {@code _get_environment_env_vars} and {@code _get_activate_scripts}):
 *
 * <ol>
 *   <li>the JSON objects of {@code etc/conda/env_vars.d/*}, in file-name order (packages' variables);</li>
 *   <li>the {@code env_vars} object of {@code conda-meta/state}, which overrides them (the environment's own, as
 *       {@code conda env config vars set} writes them). A value of {@code ***unset***} sets nothing, and
 *       {@code PATH} is reserved and ignored, as in conda;</li>
 *   <li>the {@code etc/conda/activate.d} scripts ({@code *.sh} on POSIX, {@code *.bat} on Windows), in file-name
 *       order, but only those that do nothing but set variables: {@code export NAME=value} lines (with
 *       {@code $CONDA_PREFIX} or {@code ${CONDA_PREFIX}} the only expansion, plain, single- or double-quoted) or
 *       {@code set NAME=value} and {@code set "NAME=value"} lines (with {@code %CONDA_PREFIX%}), besides comments,
 *       blank lines and {@code @echo off}. A script with any other line (a condition, a command, another
 *       expansion) is skipped whole and logged: isoenv runs no shell to activate a prefix.</li>
 * </ol>
 */
final class CondaActivation {
    /** conda's marker for a variable that {@code conda env config vars unset} removed. */
    static final String UNSET = "***unset***";
    private static final System.Logger LOG = System.getLogger("dev.isoenv");
    private static final Pattern EXPORT = Pattern.compile("export\\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    private static final Pattern SET_QUOTED = Pattern.compile("@?set\\s+\"([A-Za-z_][A-Za-z0-9_]*)=([^\"]*)\"",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SET = Pattern.compile("@?set\\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BATCH_NOISE = Pattern.compile("(@?echo\\s+off|@?rem(\\s.*)?|::.*)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern POSIX_PREFIX = Pattern.compile("\\$\\{CONDA_PREFIX}|\\$CONDA_PREFIX(?![A-Za-z0-9_])");
    private static final Pattern BATCH_PREFIX = Pattern.compile("%CONDA_PREFIX%", Pattern.CASE_INSENSITIVE);

    private CondaActivation() {
    }

    /**
     * Returns the variables to set, in order; later entries were meant to override earlier ones.
     *
     * @param root the prefix
     * @param os the operating system, which decides the scripts' kind
     * @return the variables, never {@code PATH}
     */
    static Map<String, String> variables(Path root, OperatingSystem os) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Path file : files(root.resolve("etc/conda/env_vars.d"), "")) {
            readStrings(file, Optional.empty()).forEach(vars::put);
        }
        readStrings(root.resolve("conda-meta/state"), Optional.of("env_vars")).forEach(vars::put);
        vars.values().removeIf(UNSET::equals);
        for (Path script : files(root.resolve("etc/conda/activate.d"), os.isWindows() ? ".bat" : ".sh")) {
            Optional<Map<String, String>> set = settings(script, root.toString(), os.isWindows());
            if (set.isPresent()) {
                vars.putAll(set.get());
            } else {
                LOG.log(System.Logger.Level.INFO, "isoenv: {0} does more than set variables, so isoenv does not apply"
                        + " it; run the environment through conda run if the tool needs it", script);
            }
        }
        vars.keySet().removeIf(k -> k.equalsIgnoreCase("PATH"));
        return vars;
    }

    private static List<Path> files(Path dir, String suffix) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "isoenv: cannot list {0}: {1}", dir, e.toString());
        }
        found.sort(null);
        return found;
    }

    /** The string members of a JSON object file, or of one of its member objects; nothing if unreadable. */
    private static Map<String, String> readStrings(Path file, Optional<String> member) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return strings;
        }
        try {
            Object value = JsonReader.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            if (member.isPresent()) {
                value = ((Map<?, ?>) value).get(member.get());
            }
            if (value instanceof Map) {
                ((Map<?, ?>) value).forEach((k, v) -> {
                    if (v instanceof String) {
                        strings.put((String) k, (String) v);
                    }
                });
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "isoenv: ignoring {0}, which is not a JSON object: {1}", file,
                    e.toString());
        }
        return strings;
    }

    /** What a script sets, if it does nothing else. */
    static Optional<Map<String, String>> settings(Path script, String prefix, boolean batch) {
        List<String> lines;
        try {
            lines = Files.readAllLines(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || (!batch && line.startsWith("#")) || (batch && BATCH_NOISE.matcher(line).matches())) {
                continue;
            }
            Matcher m = batch ? SET_QUOTED.matcher(line) : EXPORT.matcher(line);
            if (batch && !m.matches()) {
                m = SET.matcher(line);
            }
            if (!m.matches()) {
                return Optional.empty();
            }
            String value = batch ? batchValue(m.group(2), prefix) : posixValue(m.group(2).strip(), prefix);
            if (value == null) {
                return Optional.empty();
            }
            set.put(m.group(1), value);
        }
        return Optional.of(set);
    }

    private static String posixValue(String raw, String prefix) {
        if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'")) {
            String inner = raw.substring(1, raw.length() - 1);
            return inner.indexOf('\'') < 0 ? inner : null;
        }
        boolean quoted = raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"");
        String inner = quoted ? raw.substring(1, raw.length() - 1) : raw;
        String forbidden = quoted ? "\"\\`" : "\"'\\` \t;&|<>()";
        for (char c : forbidden.toCharArray()) {
            if (inner.indexOf(c) >= 0) {
                return null;
            }
        }
        return POSIX_PREFIX.matcher(inner).replaceAll("").indexOf('$') >= 0 ? null
                : POSIX_PREFIX.matcher(inner).replaceAll(Matcher.quoteReplacement(prefix));
    }

    private static String batchValue(String raw, String prefix) {
        for (char c : "\"^&|<>!".toCharArray()) {
            if (raw.indexOf(c) >= 0) {
                return null;
            }
        }
        return BATCH_PREFIX.matcher(raw).replaceAll("").indexOf('%') >= 0 ? null
                : BATCH_PREFIX.matcher(raw).replaceAll(Matcher.quoteReplacement(prefix));
    }
}
