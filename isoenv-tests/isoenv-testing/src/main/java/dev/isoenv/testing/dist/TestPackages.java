package dev.isoenv.testing.dist;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Ready-made distributions for isoenv's tests: a package with a console script, one that depends on it, several
 * versions of one package, and two that cannot be installed. Each call builds the distribution afresh; the same
 * arguments give the same bytes.
 *
 * <ul>
 *   <li>{@link #hello(String)}: {@value #HELLO}, console script {@value #HELLO_SCRIPT} printing
 *       {@link #helloGreeting(String)}; {@link #helloVersions()} gives 1.0, 1.1 and 2.0.</li>
 *   <li>{@link #greeter(String)}: {@value #GREETER}, which requires {@code isoenv-demo-hello>=1.0,<2.0}, with
 *       console script {@value #GREETER_SCRIPT} printing {@link #greeterLine(String, String)}.</li>
 *   <li>{@link #shout(String)}: {@value #SHOUT}, which requires {@code isoenv-demo-hello>=1.0,<2.0}, with
 *       console script {@value #SHOUT_SCRIPT}, a filter that reads standard input line by line and writes
 *       {@link #shoutLine(String, String)} for each line, as {@code RDD.pipe} and other line-oriented callers
 *       need.</li>
 *   <li>{@link #brokenSdist()}: {@value #BROKEN}, an sdist whose {@code setup.py} writes {@value #BROKEN_MARKER}
 *       to stderr and exits 1 when pip builds it.</li>
 *   <li>{@link #orphan()}: {@value #ORPHAN}, a valid wheel whose {@code Requires-Dist} names
 *       {@value #MISSING_DEPENDENCY}, which no index has.</li>
 *   <li>{@link #builtFromSource()}: {@value #BUILT}, a source distribution only, whose in-tree build backend makes a
 *       wheel that records the config settings it was given.</li>
 *   <li>{@link #hello(String)} with {@value #HELLO_PRERELEASE}: a pre-release, chosen only when pre-releases are
 *       allowed.</li>
 * </ul>
 */
public final class TestPackages {
    /** The project with a console script. */
    public static final String HELLO = "isoenv-demo-hello";
    /** The console script of {@link #HELLO}. */
    public static final String HELLO_SCRIPT = "isoenv-hello";
    /** The import name of {@link #HELLO}. */
    public static final String HELLO_MODULE = "isoenv_demo_hello";
    /** The versions that {@link #helloVersions()} builds. */
    public static final List<String> HELLO_VERSIONS = List.of("1.0", "1.1", "2.0");
    /** The requirement on {@link #HELLO} that {@link #greeter(String)} declares. */
    public static final String GREETER_REQUIREMENT = "isoenv-demo-hello>=1.0,<2.0";
    /** The project that depends on {@link #HELLO}. */
    public static final String GREETER = "isoenv-demo-greeter";
    /** The console script of {@link #GREETER}. */
    public static final String GREETER_SCRIPT = "isoenv-greet";
    /** The project whose console script is a line filter. */
    public static final String SHOUT = "isoenv-demo-shout";
    /** The console script of {@link #SHOUT}. */
    public static final String SHOUT_SCRIPT = "isoenv-shout";
    /** The sdist whose build fails. */
    public static final String BROKEN = "isoenv-demo-broken";
    /** The line the broken sdist's {@code setup.py} writes to stderr before it exits 1. */
    public static final String BROKEN_MARKER = "isoenv-demo-broken: setup.py fails on purpose";
    /** The wheel whose dependency is on no index. */
    public static final String ORPHAN = "isoenv-demo-orphan";
    /** The dependency of {@link #ORPHAN} that does not exist. */
    public static final String MISSING_DEPENDENCY = "isoenv-demo-does-not-exist";

    /** A pre-release of {@link #HELLO}; not in {@link #HELLO_VERSIONS}. */
    public static final String HELLO_PRERELEASE = "3.0rc1";
    /** The project that exists only as a source distribution, built by {@link #builtFromSource()}. */
    public static final String BUILT = "isoenv-demo-built";
    /** The import name of {@link #BUILT}; its {@code CONFIG_SETTINGS} holds what the build backend was given. */
    public static final String BUILT_MODULE = "isoenv_demo_built";

    private TestPackages() {
    }

    /**
     * Returns the line that {@value #HELLO_SCRIPT} prints for a version.
     *
     * @param version the installed version of {@value #HELLO}
     * @return e.g. {@code Hello from isoenv-demo-hello 1.0}
     */
    public static String helloGreeting(String version) {
        return "Hello from " + HELLO + " " + version;
    }

    /**
     * Builds {@value #HELLO}: module {@value #HELLO_MODULE} with {@code __version__} and {@code main()}, and the
     * console script {@value #HELLO_SCRIPT}, which prints {@link #helloGreeting(String)}.
     *
     * @param version the version
     * @return the wheel
     */
    public static DistributionFile hello(String version) {
        String source = "\"\"\"" + HELLO + ": a tiny package built by isoenv's test fixture.\"\"\"\n"
                + "__version__ = \"" + version + "\"\n"
                + "GREETING = \"" + helloGreeting(version) + "\"\n\n\n"
                + "def main():\n"
                + "    print(GREETING)\n";
        return WheelBuilder.wheel(HELLO, version)
                .summary("Says hello; built by isoenv's test fixture")
                .requiresPython(">=3.8")
                .file(HELLO_MODULE + "/__init__.py", source)
                .consoleScript(HELLO_SCRIPT, HELLO_MODULE + ":main")
                .build();
    }

    /**
     * Builds {@value #HELLO} in each of {@link #HELLO_VERSIONS}.
     *
     * @return the wheels, oldest first
     */
    public static List<DistributionFile> helloVersions() {
        return HELLO_VERSIONS.stream().map(TestPackages::hello).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Returns the line that {@value #GREETER_SCRIPT} prints.
     *
     * @param greeterVersion the installed version of {@value #GREETER}
     * @param helloVersion the installed version of {@value #HELLO}
     * @return e.g. {@code isoenv-demo-greeter 1.0 greets with isoenv-demo-hello 1.1}
     */
    public static String greeterLine(String greeterVersion, String helloVersion) {
        return GREETER + " " + greeterVersion + " greets with " + HELLO + " " + helloVersion;
    }

    /**
     * Builds {@value #GREETER}, which requires {@value #GREETER_REQUIREMENT} and whose console script
     * {@value #GREETER_SCRIPT} imports {@value #HELLO_MODULE} and prints {@link #greeterLine(String, String)}.
     *
     * @param version the version
     * @return the wheel
     */
    public static DistributionFile greeter(String version) {
        String source = "import " + HELLO_MODULE + "\n\n"
                + "__version__ = \"" + version + "\"\n\n\n"
                + "def main():\n"
                + "    print(\"" + GREETER + " " + version + " greets with " + HELLO + " \" + "
                + HELLO_MODULE + ".__version__)\n";
        return WheelBuilder.wheel(GREETER, version)
                .requires(GREETER_REQUIREMENT)
                .file("isoenv_demo_greeter/__init__.py", source)
                .consoleScript(GREETER_SCRIPT, "isoenv_demo_greeter:main")
                .build();
    }

    /**
     * Returns the line that {@value #SHOUT_SCRIPT} writes for one line it reads.
     *
     * @param input the line read, without its line break, in ASCII
     * @param helloVersion the installed version of {@value #HELLO}
     * @return e.g. {@code HELLO SPARK (isoenv-demo-hello 1.1)} for {@code hello spark}
     */
    public static String shoutLine(String input, String helloVersion) {
        return input.toUpperCase(java.util.Locale.ROOT) + " (" + HELLO + " " + helloVersion + ")";
    }

    /**
     * Builds {@value #SHOUT}, which requires {@value #GREETER_REQUIREMENT} and whose console script
     * {@value #SHOUT_SCRIPT} reads standard input line by line until it ends and, for each line, writes and flushes
     * {@link #shoutLine(String, String)}: the line upper-cased, followed by the version of {@value #HELLO_MODULE} it
     * imported, so that a caller sees both that every line went through and which environment ran it.
     *
     * @param version the version
     * @return the wheel
     */
    public static DistributionFile shout(String version) {
        String source = "import sys\n\n"
                + "import " + HELLO_MODULE + "\n\n"
                + "__version__ = \"" + version + "\"\n\n\n"
                + "def main():\n"
                + "    suffix = \" (" + HELLO + " \" + " + HELLO_MODULE + ".__version__ + \")\"\n"
                + "    for line in sys.stdin:\n"
                + "        sys.stdout.write(line.rstrip(\"\\r\\n\").upper() + suffix + \"\\n\")\n"
                + "        sys.stdout.flush()\n";
        return WheelBuilder.wheel(SHOUT, version)
                .summary("Upper-cases the lines it reads; built by isoenv's test fixture")
                .requires(GREETER_REQUIREMENT)
                .file("isoenv_demo_shout/__init__.py", source)
                .consoleScript(SHOUT_SCRIPT, "isoenv_demo_shout:main")
                .build();
    }

    /**
     * Builds {@value #BROKEN} 1.0, an sdist that pip cannot install. Its {@code pyproject.toml} names an in-tree
     * build backend ({@code backend-path = ["."]}, no build requirements, so nothing is fetched to build it) whose
     * every hook runs {@code setup.py}, and {@code setup.py} writes {@value #BROKEN_MARKER} to stderr and exits 1.
     * pip fails at "Getting requirements to build wheel" and exits non-zero, with the marker in its output.
     *
     * @return the {@code .tar.gz} sdist
     */
    public static DistributionFile brokenSdist() {
        return SdistBuilder.sdist(BROKEN, "1.0")
                .summary("Fails to build on purpose; built by isoenv's test fixture")
                .file("pyproject.toml", "[build-system]\n"
                        + "requires = []\n"
                        + "build-backend = \"isoenv_broken_backend\"\n"
                        + "backend-path = [\".\"]\n")
                .file("isoenv_broken_backend.py", "\"\"\"A PEP 517 backend whose every hook runs setup.py.\"\"\"\n"
                        + "import runpy\n\n\n"
                        + "def _setup_py():\n"
                        + "    runpy.run_path(\"setup.py\", run_name=\"__main__\")\n"
                        + "    raise RuntimeError(\"setup.py returned instead of failing\")\n\n\n"
                        + "def get_requires_for_build_wheel(config_settings=None):\n"
                        + "    _setup_py()\n\n\n"
                        + "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n"
                        + "    _setup_py()\n\n\n"
                        + "def build_sdist(sdist_directory, config_settings=None):\n"
                        + "    _setup_py()\n")
                .file("setup.py", "import sys\n\n"
                        + "sys.stderr.write(\"" + BROKEN_MARKER + "\\n\")\n"
                        + "sys.exit(1)\n")
                .build();
    }

    /**
     * Builds {@value #BUILT} 1.0, a {@code .tar.gz} source distribution with no wheel anywhere. Its {@code
     * pyproject.toml} names an in-tree PEP 517 backend ({@code backend-path = ["."]}, no build requirements, so nothing
     * is fetched to build it) that writes a pure-Python wheel by hand whose module {@value #BUILT_MODULE} holds
     * {@code CONFIG_SETTINGS}, the dictionary of config settings the installer handed to the backend (empty when
     * none). An installer told to take wheels only ({@code --only-binary=:all:}) cannot install it.
     *
     * @return the sdist
     */
    public static DistributionFile builtFromSource() {
        return SdistBuilder.sdist(BUILT, "1.0")
                .summary("Built from source by an in-tree backend; built by isoenv's test fixture")
                .file("pyproject.toml", "[build-system]\n"
                        + "requires = []\n"
                        + "build-backend = \"isoenv_built_backend\"\n"
                        + "backend-path = [\".\"]\n")
                .file("isoenv_built_backend.py", "\"\"\"A PEP 517 backend that writes one pure-Python wheel.\"\"\"\n"
                        + "import base64\nimport hashlib\nimport os\nimport zipfile\n\n"
                        + "DIST = \"" + BUILT_MODULE + "-1.0\"\n\n\n"
                        + "def get_requires_for_build_wheel(config_settings=None):\n"
                        + "    return []\n\n\n"
                        + "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n"
                        + "    settings = {str(k): v for k, v in (config_settings or {}).items()}\n"
                        + "    files = {\n"
                        + "        \"" + BUILT_MODULE + "/__init__.py\": \"CONFIG_SETTINGS = %r\\n\" % (settings,),\n"
                        + "        DIST + \".dist-info/METADATA\": \"Metadata-Version: 2.1\\nName: " + BUILT
                        + "\\nVersion: 1.0\\n\",\n"
                        + "        DIST + \".dist-info/WHEEL\": \"Wheel-Version: 1.0\\nGenerator: isoenv-fixture\\n"
                        + "Root-Is-Purelib: true\\nTag: py3-none-any\\n\",\n"
                        + "    }\n"
                        + "    name = DIST + \"-py3-none-any.whl\"\n"
                        + "    record = []\n"
                        + "    with zipfile.ZipFile(os.path.join(wheel_directory, name), \"w\") as wheel:\n"
                        + "        for path, text in files.items():\n"
                        + "            data = text.encode(\"utf-8\")\n"
                        + "            wheel.writestr(path, data)\n"
                        + "            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b\"=\")\n"
                        + "            record.append(\"%s,sha256=%s,%d\" % (path, digest.decode(\"ascii\"), len(data)))\n"
                        + "        record.append(DIST + \".dist-info/RECORD,,\")\n"
                        + "        wheel.writestr(DIST + \".dist-info/RECORD\", \"\\n\".join(record) + \"\\n\")\n"
                        + "    return name\n")
                .build();
    }

    /**
     * Builds {@value #ORPHAN} 1.0, a valid wheel that requires {@value #MISSING_DEPENDENCY}{@code >=1.0}; pip
     * resolves it, finds no such project on the index, and exits non-zero.
     *
     * @return the wheel
     */
    public static DistributionFile orphan() {
        return WheelBuilder.wheel(ORPHAN, "1.0")
                .requires(MISSING_DEPENDENCY + ">=1.0")
                .file("isoenv_demo_orphan/__init__.py", "__version__ = \"1.0\"\n")
                .build();
    }
}
