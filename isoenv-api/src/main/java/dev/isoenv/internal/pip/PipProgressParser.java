package dev.isoenv.internal.pip;

import dev.isoenv.internal.process.ProgressLineParser;
import dev.isoenv.EnsureEvent.PackageProgress;
import dev.isoenv.EnsureEvent.PackageProgress.Phase;
import java.util.function.Consumer;
import dev.isoenv.Requirement;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the output of {@code pip install} into {@link PackageProgress} events, line by line. The formats are those
 * of pip 23 to 26 (fixtures of real output are in this module's tests):
 *
 * <ul>
 *   <li>{@code Collecting parso<0.9.0,>=0.8.6 (from jedi)}: {@link Phase#RESOLVING}.</li>
 *   <li>{@code Downloading jedi-0.20.0-py2.py3-none-any.whl.metadata (23 kB)} (metadata only, PEP 658) and
 *       {@code Processing /wheels/six-1.17.0-py2.py3-none-any.whl} (a local file): {@link Phase#RESOLVING} with the
 *       version taken from the file name.</li>
 *   <li>{@code Downloading http://host/files/jedi-0.20.0-py2.py3-none-any.whl (4.9 MB)}, or only the file name for
 *       PyPI and pip 25+: {@link Phase#DOWNLOADING} with 0 bytes done and the rounded size, which then becomes the
 *       current download.</li>
 *   <li>{@code Progress 1048576 of 4884812} ({@code --progress-bar raw}, pip 24.1+, only for downloads over
 *       512 kB): {@link Phase#DOWNLOADING} of the current download with exact byte counts.</li>
 *   <li>{@code Using cached six-1.17.0-py2.py3-none-any.whl (11 kB)}: {@link Phase#DOWNLOADING}, complete.</li>
 *   <li>{@code Installing collected packages: six, parso, jedi}: {@link Phase#INSTALLING} for each.</li>
 *   <li>{@code Successfully installed jedi-0.20.0 hello-dash-world-1.0}: {@link Phase#INSTALLED} with versions;
 *       names may contain dashes, the version follows the last one.</li>
 *   <li>{@code Requirement already satisfied: jedi in ./lib/python3.11/site-packages (0.20.0)}:
 *       {@link Phase#INSTALLED} with the version it has, since that is its state when the step ends.</li>
 * </ul>
 *
 * <p>A package keeps the name pip first printed for it (pip writes {@code charset_normalizer} in a requirement,
 * {@code charset-normalizer} elsewhere), and its version once a file name or message gave it. Every other line is
 * ignored; nothing here ever throws. Calls for stdout and stderr may come from two threads, so lines are handled
 * one at a time.
 */
final class PipProgressParser extends ProgressLineParser {
    private static final Pattern COLLECTING = Pattern.compile("Collecting (\\S+)(?: @ \\S+)?.*");
    private static final Pattern PROCESSING = Pattern.compile("Processing (\\S+).*");
    private static final Pattern DOWNLOADING = Pattern.compile("Downloading (\\S+)(?: \\(([^)]*)\\))?");
    private static final Pattern USING_CACHED = Pattern.compile("Using cached (\\S+)(?: \\(([^)]*)\\))?");
    private static final Pattern PROGRESS = Pattern.compile("Progress ([0-9]+) of ([0-9]+)");
    private static final Pattern SATISFIED = Pattern.compile(
            "Requirement already satisfied: (\\S+)(?: in .*?)?(?: \\(([^()\\s]+)\\))?");
    private static final Pattern INSTALLING = Pattern.compile("Installing collected packages: (.+)");
    private static final Pattern INSTALLED = Pattern.compile("Successfully installed (.+)");
    /** A project name at the start of a requirement, as PEP 508 allows it. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
    private static final String[] SDIST_SUFFIXES = {".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar"};

    /** Normalized name to the name pip first printed. */
    private final Map<String, String> names = new HashMap<>();
    /** Normalized name to the version a file name or message gave. */
    private final Map<String, String> versions = new HashMap<>();
    /** Normalized name of the download that {@code Progress} lines are about, or null. */
    private String download;

    /**
     * Creates a parser for one pip run.
     *
     * @param location the environment's directory, for the events
     * @param events receives the events
     */
    PipProgressParser(Path location, Consumer<? super PackageProgress> events) {
        super(location, events);
    }

    @Override
    protected void parse(String line) {
        Matcher m;
        if ((m = PROGRESS.matcher(line)).matches()) {
            if (download != null) {
                long total = Long.parseLong(m.group(2));
                emit(download, Phase.DOWNLOADING, Long.parseLong(m.group(1)), total > 0 ? total : -1);
            }
        } else if ((m = COLLECTING.matcher(line)).matches()) {
            download = null;
            String key = requirementName(m.group(1));
            if (key != null) {
                emit(key, Phase.RESOLVING, -1, -1);
            }
        } else if ((m = DOWNLOADING.matcher(line)).matches()) {
            download = null;
            String key = file(m.group(1));
            if (key != null) {
                if (isMetadata(m.group(1))) {
                    emit(key, Phase.RESOLVING, -1, -1);
                } else {
                    download = key;
                    emit(key, Phase.DOWNLOADING, 0, size(m.group(2)));
                }
            }
        } else if ((m = USING_CACHED.matcher(line)).matches()) {
            download = null;
            String key = file(m.group(1));
            if (key != null) {
                long size = size(m.group(2));
                emit(key, isMetadata(m.group(1)) ? Phase.RESOLVING : Phase.DOWNLOADING, size, size);
            }
        } else if ((m = PROCESSING.matcher(line)).matches()) {
            download = null;
            String key = file(m.group(1));
            if (key != null) {
                emit(key, Phase.RESOLVING, -1, -1);
            }
        } else if ((m = SATISFIED.matcher(line)).matches()) {
            String key = requirementName(m.group(1));
            if (key != null) {
                if (m.group(2) != null) {
                    versions.put(key, m.group(2));
                }
                emit(key, Phase.INSTALLED, -1, -1);
            }
        } else if ((m = INSTALLING.matcher(line)).matches()) {
            download = null;
            for (String name : m.group(1).split(",")) {
                String key = requirementName(name.strip());
                if (key != null) {
                    emit(key, Phase.INSTALLING, -1, -1);
                }
            }
        } else if ((m = INSTALLED.matcher(line)).matches()) {
            for (String item : m.group(1).strip().split("\\s+")) {
                int dash = item.lastIndexOf('-');
                if (dash > 0 && dash < item.length() - 1) {
                    String key = remember(item.substring(0, dash));
                    versions.put(key, item.substring(dash + 1));
                    emit(key, Phase.INSTALLED, -1, -1);
                }
            }
        }
    }

    private void emit(String key, Phase phase, long done, long total) {
        emit(names.get(key), versions.getOrDefault(key, ""), phase, done,
                total);
    }

    /** Remembers the name as printed, unless an earlier line printed it already; returns the normalized name. */
    private String remember(String printed) {
        String key = Requirement.normalize(printed);
        names.putIfAbsent(key, printed);
        return key;
    }

    /** The name at the start of a requirement, or of the file a URL or path names; null if there is none. */
    private String requirementName(String requirement) {
        if (requirement.contains("://") || requirement.startsWith("/") || requirement.startsWith(".")
                || requirement.contains("\\")) {
            return file(requirement);
        }
        Matcher m = NAME.matcher(requirement);
        return m.lookingAt() ? remember(m.group()) : null;
    }

    /** Reads name and version from the wheel or sdist a URL or path ends with; null if it is neither. */
    private String file(String urlOrPath) {
        String file = urlOrPath;
        int end = indexOfAny(file, '#', '?');
        if (end >= 0) {
            file = file.substring(0, end);
        }
        file = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
        file = decode(file);
        if (file.endsWith(".metadata")) {
            file = file.substring(0, file.length() - ".metadata".length());
        }
        String name;
        String version;
        if (file.endsWith(".whl")) {
            String[] parts = file.substring(0, file.length() - 4).split("-");
            if (parts.length < 5) {
                return null;
            }
            name = parts[0];
            version = parts[1];
        } else {
            String stem = null;
            for (String suffix : SDIST_SUFFIXES) {
                if (file.endsWith(suffix)) {
                    stem = file.substring(0, file.length() - suffix.length());
                    break;
                }
            }
            int dash = stem == null ? -1 : lastDashBeforeDigit(stem);
            if (dash <= 0) {
                return null;
            }
            name = stem.substring(0, dash);
            version = stem.substring(dash + 1);
        }
        String key = remember(name);
        versions.put(key, version);
        return key;
    }

    private static boolean isMetadata(String urlOrPath) {
        int end = indexOfAny(urlOrPath, '#', '?');
        return (end >= 0 ? urlOrPath.substring(0, end) : urlOrPath).endsWith(".metadata");
    }

    private static int lastDashBeforeDigit(String stem) {
        for (int i = stem.length() - 2; i > 0; i--) {
            if (stem.charAt(i) == '-' && Character.isDigit(stem.charAt(i + 1))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** Decodes percent escapes, as in {@code torch-2.5.1%2Bcu126-...whl}; a '+' stays a '+'. */
    private static String decode(String file) {
        if (file.indexOf('%') < 0) {
            return file;
        }
        try {
            return URLDecoder.decode(file.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return file;
        }
    }

    /** Reads pip's size, such as {@code 4.9 MB}, {@code 485 bytes} or the older {@code 12kB}; -1 if absent. */
    static long size(String text) {
        if (text == null) {
            return -1;
        }
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        double value = Double.parseDouble(m.group(1));
        double unit;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "":
            case "b":
            case "byte":
            case "bytes":
                unit = 1;
                break;
            case "kb":
                unit = 1e3;
                break;
            case "mb":
                unit = 1e6;
                break;
            case "gb":
                unit = 1e9;
                break;
            case "kib":
                unit = 1024;
                break;
            case "mib":
                unit = 1024 * 1024;
                break;
            case "gib":
                unit = 1024 * 1024 * 1024;
                break;
            default:
                return -1;
        }
        return Math.round(value * unit);
    }
}
