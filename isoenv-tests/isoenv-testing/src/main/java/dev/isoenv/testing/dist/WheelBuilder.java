package dev.isoenv.testing.dist;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a real, pip-installable wheel (PEP 427) in memory: the given module files plus a
 * {@code name-version.dist-info} directory with {@code METADATA} (core metadata 2.1), {@code WHEEL}
 * ({@code Root-Is-Purelib: true}), {@code entry_points.txt} when there are entry points, and a {@code RECORD} with
 * SHA-256 digests and sizes. The tag is {@code py3-none-any} unless {@link #tag(String)} says otherwise.
 *
 * <pre>{@code
 * DistributionFile wheel = WheelBuilder.wheel("isoenv-demo-hello", "1.0")
 *         .file("isoenv_demo_hello/__init__.py", "def main():\n    print('hi')\n")
 *         .consoleScript("isoenv-hello", "isoenv_demo_hello:main")
 *         .requires("isoenv-demo-base>=1.0")
 *         .requiresPython(">=3.8")
 *         .build();            // isoenv_demo_hello-1.0-py3-none-any.whl
 * }</pre>
 *
 * <p>A builder is not thread-safe; {@link #build()} may be called more than once and gives equal bytes each time.
 */
public final class WheelBuilder {
    /** The {@code Generator} written in every WHEEL file. */
    public static final String GENERATOR = "isoenv-testing WheelBuilder";

    private static final Pattern ENTRY_POINT_NAME = Pattern.compile("[A-Za-z0-9_.+-]+( [A-Za-z0-9_.+-]+)*");
    private static final Pattern ENTRY_POINT_GROUP = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern OBJECT_REFERENCE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*"
                    + "(\\.[A-Za-z_][A-Za-z0-9_]*)*)?");

    private CoreMetadata metadata;
    private WheelTag tag = WheelTag.PURE;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> entryPoints = new TreeMap<>();

    private WheelBuilder(String name, String version) {
        this.metadata = CoreMetadata.of(name, version);
    }

    /**
     * Starts a wheel.
     *
     * @param name the distribution name as it should appear in METADATA, e.g. {@code isoenv-demo-hello}
     * @param version a normalized PEP 440 version, local labels allowed, e.g. {@code 2.5.1+cu126}
     * @return the builder
     * @throws IllegalArgumentException if the name or the version is not valid
     */
    public static WheelBuilder wheel(String name, String version) {
        return new WheelBuilder(name, version);
    }

    /**
     * Adds a file with UTF-8 text.
     *
     * @param path the path inside the wheel, e.g. {@code torch/cuda/__init__.py}
     * @param content the text
     * @return this builder
     * @throws IllegalArgumentException if the path is not clean, is taken, or lies in the {@code .dist-info}
     *         directory
     */
    public WheelBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a file.
     *
     * @param path the path inside the wheel
     * @param content the bytes (copied)
     * @return this builder
     * @throws IllegalArgumentException if the path is not clean, is taken, or lies in the {@code .dist-info}
     *         directory
     */
    public WheelBuilder file(String path, byte[] content) {
        ArchivePaths.requireRelative(path);
        if (path.split("/")[0].endsWith(".dist-info")) {
            throw new IllegalArgumentException("the .dist-info directory is written by the builder: " + path);
        }
        if (files.putIfAbsent(path, content.clone()) != null) {
            throw new IllegalArgumentException("file added twice: " + path);
        }
        return this;
    }

    /**
     * Adds files with UTF-8 text, in the map's order.
     *
     * @param pathToContent the text of each file by its path inside the wheel
     * @return this builder
     */
    public WheelBuilder files(Map<String, String> pathToContent) {
        pathToContent.forEach(this::file);
        return this;
    }

    /**
     * Adds a Python module by its dotted name: {@code torch.version} becomes {@code torch/version.py}. A
     * package's {@code __init__.py} is added with {@link #file(String, String)}.
     *
     * @param dottedName the module name
     * @param source the module's source
     * @return this builder
     */
    public WheelBuilder module(String dottedName, String source) {
        if (!OBJECT_REFERENCE.matcher(dottedName).matches() || dottedName.contains(":")) {
            throw new IllegalArgumentException("not a dotted module name: " + dottedName);
        }
        return file(dottedName.replace('.', '/') + ".py", source);
    }

    /**
     * Adds a console script, an entry point in the {@code console_scripts} group that pip turns into an executable.
     *
     * @param name the command's name, e.g. {@code isoenv-hello}
     * @param target the object to call, {@code module:function}, e.g. {@code isoenv_demo_hello:main}
     * @return this builder
     */
    public WheelBuilder consoleScript(String name, String target) {
        return entryPoint("console_scripts", name, target);
    }

    /**
     * Adds an entry point in any group.
     *
     * @param group the group, e.g. {@code console_scripts} or {@code myapp.plugins}
     * @param name the entry point's name
     * @param target the object reference, {@code module} or {@code module:attribute}
     * @return this builder
     * @throws IllegalArgumentException if a part is malformed or the name is taken in the group
     */
    public WheelBuilder entryPoint(String group, String name, String target) {
        require(ENTRY_POINT_GROUP, group, "entry point group");
        require(ENTRY_POINT_NAME, name, "entry point name");
        require(OBJECT_REFERENCE, target, "entry point object reference (module:function)");
        if (entryPoints.computeIfAbsent(group, g -> new LinkedHashMap<>()).putIfAbsent(name, target) != null) {
            throw new IllegalArgumentException("entry point added twice: " + group + " " + name);
        }
        return this;
    }

    /**
     * Adds a dependency, a {@code Requires-Dist} line: a PEP 508 requirement with optional extras and marker,
     * e.g. {@code isoenv-demo-hello>=1.0,<2.0} or {@code torch==2.5.1; platform_system != "Darwin"}.
     *
     * @param requirement the requirement
     * @return this builder
     */
    public WheelBuilder requires(String requirement) {
        metadata = metadata.withRequirement(requirement);
        return this;
    }

    /**
     * Declares an extra ({@code Provides-Extra}) and a dependency that only it pulls in:
     * {@code requiresForExtra("cli", "rich>=13")} writes {@code Provides-Extra: cli} and
     * {@code Requires-Dist: rich>=13; extra == "cli"}. A requirement that has a marker already gets
     * {@code (marker) and extra == "cli"}.
     *
     * @param extra the extra's name
     * @param requirement the requirement
     * @return this builder
     */
    public WheelBuilder requiresForExtra(String extra, String requirement) {
        extra(extra);
        String normalized = ProjectNames.normalize(extra);
        int semicolon = requirement.indexOf(';');
        String marker = "extra == \"" + normalized + "\"";
        String line = semicolon < 0
                ? requirement.strip() + "; " + marker
                : requirement.substring(0, semicolon).strip() + "; (" + requirement.substring(semicolon + 1).strip()
                        + ") and " + marker;
        return requires(line);
    }

    /**
     * Declares an extra ({@code Provides-Extra}).
     *
     * @param name the extra's name, normalized as a project name is
     * @return this builder
     */
    public WheelBuilder extra(String name) {
        metadata = metadata.withExtra(name);
        return this;
    }

    /**
     * Sets {@code Requires-Python}, which the index also announces as {@code data-requires-python}.
     *
     * @param specifier e.g. {@code >=3.8}
     * @return this builder
     */
    public WheelBuilder requiresPython(String specifier) {
        metadata = metadata.withRequiresPython(specifier);
        return this;
    }

    /**
     * Sets the one-line {@code Summary}.
     *
     * @param text the summary
     * @return this builder
     */
    public WheelBuilder summary(String text) {
        metadata = metadata.withSummary(text);
        return this;
    }

    /**
     * Overrides the compatibility tag of the file name and of the WHEEL file, e.g. {@code cp311-cp311-win_amd64}
     * for a wheel that only another platform can install. The content stays pure Python.
     *
     * @param wheelTag the tag, {@code python-abi-platform}, possibly compressed ({@code py2.py3-none-any})
     * @return this builder
     */
    public WheelBuilder tag(String wheelTag) {
        this.tag = WheelTag.parse(wheelTag);
        return this;
    }

    /**
     * Returns the file name the wheel will have: the name escaped as the wheel spec says (normalized, {@code -}
     * to {@code _}), the version, and the tag, e.g. {@code isoenv_demo_hello-1.0-py3-none-any.whl}.
     *
     * @return the file name
     */
    public String fileName() {
        return ProjectNames.fileNameComponent(metadata.name()) + "-" + metadata.version() + "-" + tag + ".whl";
    }

    /**
     * Returns the {@code .dist-info} directory name, e.g. {@code isoenv_demo_hello-1.0.dist-info}.
     *
     * @return the directory name
     */
    public String distInfoDirectory() {
        return ProjectNames.fileNameComponent(metadata.name()) + "-" + metadata.version() + ".dist-info";
    }

    /**
     * Builds the wheel.
     *
     * @return the wheel, with its {@code Requires-Python} for the index
     */
    public DistributionFile build() {
        String distInfo = distInfoDirectory();
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        all.put(distInfo + "/METADATA", utf8(metadata.render()));
        all.put(distInfo + "/WHEEL", utf8(wheelFile()));
        if (!entryPoints.isEmpty()) {
            all.put(distInfo + "/entry_points.txt", utf8(entryPointsFile()));
        }
        return DistributionFile.of(fileName(), WheelArchive.write(all, distInfo), metadata.requiresPython());
    }

    /**
     * Builds the wheel and writes it into a directory.
     *
     * @param directory an existing directory
     * @return the written file
     */
    public Path buildTo(Path directory) {
        return build().writeTo(directory);
    }

    private String wheelFile() {
        StringBuilder text = new StringBuilder()
                .append("Wheel-Version: 1.0\n")
                .append("Generator: ").append(GENERATOR).append('\n')
                .append("Root-Is-Purelib: true\n");
        for (String single : tag.expand()) {
            text.append("Tag: ").append(single).append('\n');
        }
        return text.append('\n').toString();
    }

    private String entryPointsFile() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Map<String, String>> group : entryPoints.entrySet()) {
            text.append('[').append(group.getKey()).append("]\n");
            group.getValue().forEach((name, target) -> text.append(name).append(" = ").append(target).append('\n'));
            text.append('\n');
        }
        return text.toString();
    }

    private static void require(Pattern pattern, String value, String what) {
        Objects.requireNonNull(value, what);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("malformed " + what + ": '" + value + "'");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
