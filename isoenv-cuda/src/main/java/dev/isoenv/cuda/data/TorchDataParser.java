package dev.isoenv.cuda.data;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.version.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses one file of PyTorch variant data into a {@link TorchDataLayer}. The format is line based: {@code #}
 * starts a comment line, fields are separated by one or more tabs, a {@code [section]} line starts a table,
 * and three directives come before the first table: {@code format}, {@code data-version} and {@code mode}.
 * Any error is an {@link InvalidSpecException} that names the source and the line.
 */
final class TorchDataParser {
    /** The only format this parser reads. */
    static final String FORMAT = "isoenv-torch-data/1";

    private static final Pattern SPLIT = Pattern.compile("\t+");
    private static final Pattern DRIVER = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern SERIES = Pattern.compile("\\d+\\.\\d+");
    private static final Pattern GFX = Pattern.compile("gfx[0-9a-f]{3,5}");
    private static final Set<String> SECTIONS = Set.of("index", "driver-floors", "releases", "cuda-architectures",
            "rocm-architectures", "platforms", "torch-family");

    private final TorchDataLayer layer;
    private String section;
    private boolean sawFormat;
    private int line;

    private TorchDataParser(String source) {
        this.layer = new TorchDataLayer(source);
    }

    /**
     * Parses a file's text.
     *
     * @param text the text
     * @param source the file or resource, for messages
     * @return the parsed rows
     * @throws InvalidSpecException if a line is not valid
     */
    static TorchDataLayer parse(String text, String source) {
        TorchDataParser parser = new TorchDataParser(source);
        String[] lines = text.split("\r?\n|\r", -1);
        for (int k = 0; k < lines.length; k++) {
            parser.line = k + 1;
            parser.parseLine(lines[k]);
        }
        if (!parser.sawFormat) {
            throw new InvalidSpecException("PyTorch variant data in " + source + " has no 'format' line; start the file"
                    + " with a line 'format<TAB>" + FORMAT + "'.");
        }
        return parser.layer;
    }

    private void parseLine(String raw) {
        String text = raw.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return;
        }
        if (text.startsWith("[")) {
            if (!text.endsWith("]") || !SECTIONS.contains(text.substring(1, text.length() - 1).strip())) {
                throw fail("unknown section " + text + "; the sections are " + new java.util.TreeSet<>(SECTIONS));
            }
            requireFormat();
            section = text.substring(1, text.length() - 1).strip();
            return;
        }
        String[] fields = SPLIT.split(text);
        for (int k = 0; k < fields.length; k++) {
            fields[k] = fields[k].strip();
        }
        if (section == null) {
            directive(fields);
            return;
        }
        switch (section) {
            case "index":
                index(fields);
                break;
            case "driver-floors":
                driverFloor(fields);
                break;
            case "releases":
                release(fields);
                break;
            case "cuda-architectures":
                cudaArchitectures(fields);
                break;
            case "rocm-architectures":
                rocmArchitectures(fields);
                break;
            case "platforms":
                platforms(fields);
                break;
            default:
                torchFamily(fields);
                break;
        }
    }

    private void directive(String[] f) {
        columns(f, 2, "a directive: name<TAB>value");
        switch (f[0]) {
            case "format":
                if (!f[1].equals(FORMAT)) {
                    throw fail("format '" + f[1] + "' is not supported; this version of isoenv reads " + FORMAT);
                }
                sawFormat = true;
                break;
            case "data-version":
                requireFormat();
                layer.dataVersion = f[1];
                break;
            case "mode":
                requireFormat();
                if (!f[1].equals("merge") && !f[1].equals("replace")) {
                    throw fail("mode must be 'merge' or 'replace', not '" + f[1] + "'");
                }
                layer.mode = f[1].equals("merge") ? TorchDataLayer.Mode.MERGE : TorchDataLayer.Mode.REPLACE;
                break;
            default:
                throw fail("'" + f[0] + "' is not a directive; before the first [section] only format, data-version"
                        + " and mode may appear");
        }
    }

    private void index(String[] f) {
        columns(f, 2, "url-pattern<TAB>https://host/whl/{variant}");
        if (!f[0].equals("url-pattern")) {
            throw fail("the [index] section has only 'url-pattern', not '" + f[0] + "'");
        }
        if (!f[1].contains("{variant}")) {
            throw fail("the url-pattern '" + f[1] + "' has no {variant} placeholder");
        }
        layer.indexUrlPattern = f[1];
    }

    private void driverFloor(String[] f) {
        columns(f, 3, "variant<TAB>linux-minimum<TAB>windows-minimum");
        TorchVariant variant = variant(f[0]);
        if (variant.kind() != TorchVariant.Kind.CUDA) {
            throw fail("driver floors are for CUDA variants, not '" + f[0] + "'");
        }
        DriverFloor floor = new DriverFloor(variant, driver(f[1]), driver(f[2]));
        layer.floors.put(variant, new TorchDataLayer.Floor(floor, origin()));
    }

    private void release(String[] f) {
        if (f.length != 4 && f.length != 5) {
            throw fail("expected 4 or 5 tab-separated fields (series, releases, python, variants[, companions]),"
                    + " found " + f.length);
        }
        if (!SERIES.matcher(f[0]).matches()) {
            throw fail("the series '" + f[0] + "' is not of the form X.Y, such as 2.5");
        }
        Version series = Version.parse(f[0]);
        List<Version> releases = new ArrayList<>();
        for (String r : list(f[1], "releases")) {
            if (!Version.isValid(r)) {
                throw fail("'" + r + "' is not a version");
            }
            Version v = Version.parse(r);
            if (v.releasePart(0) != series.releasePart(0) || v.releasePart(1) != series.releasePart(1)
                    || v.local().isPresent()) {
                throw fail("the release " + r + " does not belong to series " + f[0]);
            }
            releases.add(v);
        }
        SeriesRange python = f[2].equals("-") ? null : range(f[2]);
        Set<TorchVariant> variants = new LinkedHashSet<>();
        for (String v : list(f[3], "variants")) {
            if (!variants.add(variant(v))) {
                throw fail("the variant " + v + " is listed twice");
            }
        }
        Map<String, Version> companions = new LinkedHashMap<>();
        if (f.length == 5 && !f[4].equals("-")) {
            for (String c : list(f[4], "companions")) {
                int eq = c.indexOf('=');
                if (eq <= 0 || !SERIES.matcher(c.substring(eq + 1)).matches()) {
                    throw fail("the companion '" + c + "' is not of the form name=X.Y, such as torchvision=0.20");
                }
                companions.put(Requirement.normalize(c.substring(0, eq).strip()), Version.parse(c.substring(eq + 1)));
            }
        }
        TorchRelease release = new TorchRelease(series, releases, python, List.copyOf(variants), companions);
        layer.releases.put(series, new TorchDataLayer.Release(release, origin()));
    }

    private void cudaArchitectures(String[] f) {
        if (f.length != 3 && f.length != 4) {
            throw fail("expected 3 or 4 tab-separated fields (releases, variant, capabilities[, platforms]), found "
                    + f.length);
        }
        SeriesRange releases = range(f[0]);
        TorchVariant variant = variant(f[1]);
        if (variant.kind() != TorchVariant.Kind.CUDA) {
            throw fail("compute capabilities are for CUDA variants, not '" + f[1] + "'");
        }
        List<ComputeCapability> capabilities = new ArrayList<>();
        for (String c : list(f[2], "capabilities")) {
            capabilities.add(ComputeCapability.tryParse(c)
                    .orElseThrow(() -> fail("'" + c + "' is not a compute capability such as 8.6")));
        }
        Set<Platform> platforms = new java.util.HashSet<>();
        if (f.length == 4) {
            for (String p : list(f[3], "platforms")) {
                platforms.add(platform(p));
            }
        }
        layer.cudaArchitectures.add(new TorchDataLayer.ArchitectureRule(releases, variant, List.copyOf(capabilities),
                Set.copyOf(platforms), origin()));
    }

    private void rocmArchitectures(String[] f) {
        columns(f, 2, "variant<TAB>gfx targets");
        TorchVariant variant = variant(f[0]);
        if (variant.kind() != TorchVariant.Kind.ROCM) {
            throw fail("gfx targets are for ROCm variants, not '" + f[0] + "'");
        }
        List<String> targets = new ArrayList<>();
        for (String t : list(f[1], "gfx targets")) {
            if (!GFX.matcher(t).matches()) {
                throw fail("'" + t + "' is not a gfx target such as gfx90a or gfx1100");
            }
            targets.add(t);
        }
        layer.rocmTargets.put(variant, new TorchDataLayer.RocmTargets(variant, List.copyOf(targets), origin()));
    }

    private void platforms(String[] f) {
        if (f.length != 3 && f.length != 4) {
            throw fail("expected 3 or 4 tab-separated fields (releases, variants, platforms[, unlabelled platforms]),"
                    + " found " + f.length);
        }
        SeriesRange releases = range(f[0]);
        List<String> selectors = new ArrayList<>();
        for (String v : list(f[1], "variants")) {
            if (!v.equals("cuda") && !v.equals("rocm")) {
                variant(v);
            }
            selectors.add(v);
        }
        Map<Platform, SeriesRange> python = new java.util.EnumMap<>(Platform.class);
        if (!f[2].equals("-")) {
            for (String item : list(f[2], "platforms")) {
                int colon = item.indexOf(':');
                Platform platform = platform(colon < 0 ? item : item.substring(0, colon));
                if (python.containsKey(platform)) {
                    throw fail("the platform " + platform.id() + " is listed twice");
                }
                python.put(platform, colon < 0 ? null : range(item.substring(colon + 1)));
            }
        }
        Set<Platform> unlabelled = new java.util.HashSet<>();
        if (f.length == 4 && !f[3].equals("-")) {
            for (String item : list(f[3], "unlabelled platforms")) {
                Platform platform = platform(item);
                if (!python.containsKey(platform)) {
                    throw fail("the unlabelled platform " + platform.id() + " is not among the row's platforms");
                }
                unlabelled.add(platform);
            }
        }
        layer.wheelRules.add(new TorchDataLayer.WheelRule(releases, List.copyOf(selectors),
                new WheelPlatforms(python, unlabelled, origin())));
    }

    private Platform platform(String text) {
        return Platform.byId(text).orElseThrow(() -> fail("'" + text + "' is not a platform; the platforms are "
                + java.util.Arrays.stream(Platform.values()).map(Platform::id)
                .collect(java.util.stream.Collectors.joining(", ")) + " (a Python range may follow a colon, as in"
                + " windows-arm64:3.11-3.13)"));
    }

    private void torchFamily(String[] f) {
        columns(f, 2, "distribution<TAB>labelled|unlabelled");
        if (!f[1].equals("labelled") && !f[1].equals("unlabelled")) {
            throw fail("the second field must be 'labelled' or 'unlabelled', not '" + f[1] + "'");
        }
        if (!f[0].matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw fail("'" + f[0] + "' is not a distribution name");
        }
        layer.torchFamily.put(Requirement.normalize(f[0]), f[1].equals("labelled"));
    }

    private TorchVariant variant(String text) {
        return TorchVariant.tryParse(text).filter(v -> v.name().equals(text))
                .orElseThrow(() -> fail("'" + text + "' is not a PyTorch variant such as cpu, xpu, cu126 or rocm6.4"
                        + " (lower case)"));
    }

    private String driver(String text) {
        if (!DRIVER.matcher(text).matches()) {
            throw fail("'" + text + "' is not a driver version such as 525.60.13");
        }
        return text;
    }

    private SeriesRange range(String text) {
        try {
            return SeriesRange.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private List<String> list(String text, String what) {
        List<String> out = new ArrayList<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                throw fail("the " + what + " list '" + text + "' has an empty item");
            }
            out.add(item.strip());
        }
        return out;
    }

    private void columns(String[] f, int expected, String form) {
        if (f.length != expected) {
            throw fail("expected " + expected + " tab-separated fields (" + form + "), found " + f.length);
        }
    }

    private void requireFormat() {
        if (!sawFormat) {
            throw fail("the first line must be 'format<TAB>" + FORMAT + "'");
        }
    }

    private Origin origin() {
        return new Origin(layer.source, line);
    }

    private InvalidSpecException fail(String message) {
        return new InvalidSpecException("Invalid PyTorch variant data in " + layer.source + ", line " + line + ": "
                + message + ".");
    }
}
