package dev.isoenv.internal.platform;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.spi.OperatingSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The platform an environment is built for, named as archives name it ({@code linux-x86_64}, {@code linux-aarch64},
 * {@code macos-aarch64}, {@code windows-x86_64}): this machine's, or the one a specification names with the option
 * {@value #OPTION}. A target of another CPU architecture on the same operating system can be built with pip's
 * {@code --platform} and binary wheels only; nothing of it is run on the builder.
 *
 * @param os {@code linux}, {@code macos} or {@code windows}
 * @param arch {@code x86_64}, {@code aarch64}, {@code x86}, or another architecture's name as Linux gives it
 */
public record TargetPlatform(String os, String arch) {
    /** The specification's option that names the target. */
    public static final String OPTION = "target.platform";

    /** The newest glibc whose manylinux wheels a Linux target accepts: the floor of current PyTorch wheels. */
    static final int GLIBC_MINOR = 28;

    private static final List<String> OPERATING_SYSTEMS = List.of("linux", "macos", "windows");

    /**
     * This machine's platform.
     *
     * @return such as {@code linux-x86_64}
     */
    public static TargetPlatform current() {
        return new TargetPlatform(OperatingSystem.current().name().toLowerCase(Locale.ROOT),
                architecture(System.getProperty("os.arch", "")));
    }

    /**
     * The platform a specification names with {@value #OPTION}, checked.
     *
     * @param spec the specification
     * @return the platform, or empty when the option is not set
     * @throws InvalidSpecException if the value is not a platform's name
     */
    public static Optional<TargetPlatform> of(EnvironmentSpec spec) {
        String value = spec.backendOptions().get(OPTION);
        return value == null ? Optional.empty() : Optional.of(parse(value));
    }

    /**
     * The platform a specification is built for: the one it names, else this machine's.
     *
     * @param spec the specification
     * @return the platform
     * @throws InvalidSpecException if the option's value is not a platform's name
     */
    public static TargetPlatform forSpec(EnvironmentSpec spec) {
        return of(spec).orElseGet(TargetPlatform::current);
    }

    /**
     * Parses a platform's name: an operating system ({@code linux}, {@code macos}, {@code windows}), a dash, and an
     * architecture; {@code amd64} and {@code x64} mean {@code x86_64}, {@code arm64} means {@code aarch64}.
     *
     * @param value such as {@code linux-aarch64}
     * @return the platform, its architecture in the archives' spelling
     * @throws InvalidSpecException if it is not one
     */
    public static TargetPlatform parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int dash = v.indexOf('-');
        String os = dash < 0 ? "" : v.substring(0, dash);
        String arch = dash < 0 ? "" : architecture(v.substring(dash + 1));
        if (!OPERATING_SYSTEMS.contains(os) || !arch.matches("[a-z0-9_]{2,16}")) {
            throw new InvalidSpecException("The option " + OPTION + " is '" + shorten(value) + "', which is not a"
                    + " platform: write an operating system (linux, macos or windows), a dash and a CPU architecture,"
                    + " as archives name them: linux-x86_64, linux-aarch64, macos-aarch64, windows-x86_64.");
        }
        return new TargetPlatform(os, arch);
    }

    /**
     * The refusal of a specification for another platform than this machine's, by a backend that builds for this
     * machine only (the default of {@link dev.isoenv.spi.Installer#cannotBuild}, uv, conda).
     *
     * @param spec the specification
     * @return the reason, or empty when the specification is for this machine
     * @throws InvalidSpecException if the option's value is not a platform's name
     */
    public static Optional<String> refusal(EnvironmentSpec spec) {
        return of(spec).filter(t -> !t.isCurrent()).map(t -> "it builds for this machine's platform only ("
                + current().name() + "), and the option " + OPTION + " asks for " + t.name() + "; build on a "
                + t.name() + " machine, or use the venv backend, which installs binary wheels for another CPU"
                + " architecture of this operating system");
    }

    private static String architecture(String name) {
        String a = name.strip().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64", "x64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> a;
        };
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * The name archives use.
     *
     * @return such as {@code linux-aarch64}
     */
    public String name() {
        return os + "-" + arch;
    }

    /**
     * Whether this is the machine's own platform.
     *
     * @return true if it is
     */
    public boolean isCurrent() {
        return equals(current());
    }

    /**
     * Whether the target runs the builder's operating system (with another architecture, perhaps).
     *
     * @return true if it does
     */
    public boolean sameOperatingSystem() {
        return os.equals(current().os());
    }

    /**
     * The operating system of the target.
     *
     * @return the operating system
     */
    public OperatingSystem operatingSystem() {
        return OperatingSystem.valueOf(os.toUpperCase(Locale.ROOT));
    }

    /**
     * The wheel platform tags pip is given with {@code --platform}, one option each, most specific first: on Linux
     * manylinux wheels up to glibc 2.{@value #GLIBC_MINOR} (never {@code linux_*} wheels, which are built for one
     * machine); on macOS 11 and older; on Windows the one tag of the architecture. pip adds the pure-Python
     * ({@code any}) tags itself.
     *
     * @return the tags
     * @throws InvalidSpecException for an architecture with no wheel tags isoenv knows
     */
    public List<String> wheelPlatforms() {
        List<String> tags = new ArrayList<>();
        switch (os) {
            case "linux" -> {
                String machine = arch.equals("x86") ? "i686" : arch;
                for (int minor = GLIBC_MINOR; minor >= 17; minor--) {
                    tags.add("manylinux_2_" + minor + "_" + machine);
                }
                tags.add("manylinux2014_" + machine);
                if (machine.equals("x86_64") || machine.equals("i686")) {
                    tags.add("manylinux2010_" + machine);
                    tags.add("manylinux1_" + machine);
                }
            }
            case "macos" -> {
                if (!arch.equals("x86_64") && !arch.equals("aarch64")) {
                    throw unknown();
                }
                // pip adds the older macOS versions and the universal2 tags of a macosx_11_0 tag itself.
                tags.add("macosx_11_0_" + (arch.equals("aarch64") ? "arm64" : "x86_64"));
            }
            default -> tags.add(switch (arch) {
                case "x86_64" -> "win_amd64";
                case "aarch64" -> "win_arm64";
                case "x86" -> "win32";
                default -> throw unknown();
            });
        }
        return tags;
    }

    private InvalidSpecException unknown() {
        return new InvalidSpecException("The option " + OPTION + " names " + name() + ", for which isoenv knows no"
                + " wheel platform tags: build on a " + name() + " machine instead.");
    }

    /**
     * A marker environment for the target: the builder's interpreter's markers with the target's machine, as PEP 508
     * markers ({@code platform_machine}) see it there.
     *
     * @param builder the markers of the builder's interpreter
     * @return the target's markers; the builder's for its own platform
     */
    public Map<String, String> markers(Map<String, String> builder) {
        if (isCurrent()) {
            return builder;
        }
        Map<String, String> m = new TreeMap<>(builder);
        m.put("platform_machine", switch (os) {
            case "windows" -> arch.equals("x86_64") ? "AMD64" : arch.equals("aarch64") ? "ARM64" : arch;
            case "macos" -> arch.equals("aarch64") ? "arm64" : arch;
            default -> arch.equals("x86") ? "i686" : arch;
        });
        return m;
    }

    /**
     * The architecture as {@code os.arch} names it on the target, for install planners.
     *
     * @return such as {@code aarch64} or {@code amd64}
     */
    public String javaArchitecture() {
        return arch.equals("x86_64") ? "amd64" : arch;
    }

    @Override
    public String toString() {
        return name();
    }
}
