package dev.isoenv.internal.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C library a Linux environment needs, and the one a Linux machine has. Compiled wheels say what they need in
 * their platform tags: {@code manylinux_2_28_x86_64} runs on glibc 2.28 or newer, {@code manylinux2014_x86_64} on
 * 2.17, {@code musllinux_1_2_x86_64} on musl 1.2. An environment needs the newest of what its distributions need,
 * where each distribution needs the oldest of its tags (any one of them is enough). The machine's C library is the one
 * this JVM runs on, found in {@code /proc/self/maps} and read without starting a process. Internal to isoenv and not
 * API.
 */
public final class LinuxLibc {
    private static final Pattern MANYLINUX = Pattern.compile("manylinux_(\\d+)_(\\d+)_\\w+");
    private static final Pattern MUSLLINUX = Pattern.compile("musllinux_(\\d+)_(\\d+)_\\w+");
    private static final Pattern LEGACY = Pattern.compile("manylinux(1|2010|2014)_\\w+");
    private static final Pattern RELEASE = Pattern.compile("release version (\\d+)\\.(\\d+)");
    private static final Pattern SYMBOL = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)");

    private LinuxLibc() {
    }

    /**
     * A C library and version: {@code glibc 2.28}, {@code musl 1.2}.
     *
     * @param kind {@code glibc} or {@code musl}
     * @param major the major version
     * @param minor the minor version
     * @param neededBy what needs it (a distribution and its tag), or where it was found
     */
    public record Libc(String kind, int major, int minor, String neededBy) {
        /** Returns {@code kind major.minor}. */
        @Override
        public String toString() {
            return kind + " " + version();
        }

        /** Returns {@code major.minor}. */
        public String version() {
            return major + "." + minor;
        }

        boolean olderThan(Libc other) {
            return major != other.major ? major < other.major : minor < other.minor;
        }
    }

    /**
     * What one wheel's tags need: the oldest C library any of its Linux tags runs on, or empty for a pure or
     * non-Linux wheel.
     *
     * @param tags the {@code Tag:} values of a {@code WHEEL} file, such as {@code cp311-cp311-manylinux_2_28_x86_64}
     * @param distribution the distribution, for {@link Libc#neededBy()}
     * @return the C library, if the wheel names one
     */
    public static Optional<Libc> neededByTags(List<String> tags, String distribution) {
        Libc oldest = null;
        for (String tag : tags) {
            String platform = tag.substring(tag.lastIndexOf('-') + 1);
            for (String one : platform.split("\\.")) {
                Libc libc = parse(one, distribution + " (" + one + ")");
                if (libc != null && (oldest == null || libc.olderThan(oldest))) {
                    oldest = libc;
                }
            }
        }
        return Optional.ofNullable(oldest);
    }

    private static Libc parse(String platformTag, String neededBy) {
        Matcher m = MANYLINUX.matcher(platformTag);
        if (m.matches()) {
            return new Libc("glibc", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), neededBy);
        }
        m = MUSLLINUX.matcher(platformTag);
        if (m.matches()) {
            return new Libc("musl", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), neededBy);
        }
        m = LEGACY.matcher(platformTag);
        if (m.matches()) {
            int minor = switch (m.group(1)) {
                case "1" -> 5;
                case "2010" -> 12;
                default -> 17;
            };
            return new Libc("glibc", 2, minor, neededBy);
        }
        return null;
    }

    /**
     * What an environment needs: the newest of what its wheels need, read from their {@code .dist-info/WHEEL} files.
     * A distribution installed from an sdist (tag {@code linux_x86_64}, built on this machine) says nothing and is not
     * counted.
     *
     * @param wheelFiles the {@code WHEEL} files of the environment's distributions
     * @return the C library the environment needs, if any wheel names one
     * @throws IOException if a file cannot be read
     */
    public static Optional<Libc> needed(List<Path> wheelFiles) throws IOException {
        Libc newest = null;
        for (Path wheel : wheelFiles) {
            List<String> tags = new ArrayList<>();
            for (String line : Files.readAllLines(wheel, StandardCharsets.UTF_8)) {
                if (line.startsWith("Tag:")) {
                    tags.add(line.substring(4).strip());
                }
            }
            String dist = wheel.getParent() == null ? "?" : wheel.getParent().getFileName().toString()
                    .replaceAll("\\.dist-info$", "").replace('-', ' ');
            Optional<Libc> libc = neededByTags(tags, dist);
            if (libc.isPresent() && (newest == null
                    || newest.kind().equals(libc.get().kind()) && newest.olderThan(libc.get()))) {
                newest = libc.get();
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * The C library this JVM runs on: glibc with the version its banner ("... stable release version 2.36.") or,
     * failing that, its newest {@code GLIBC_2.N} symbol version gives; musl by its loader's name (version unknown:
     * 0.0). Empty where this is not Linux or nothing is recognised.
     *
     * @return the machine's C library, if known
     */
    public static Optional<Libc> current() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(maps, StandardCharsets.UTF_8)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Path file = Path.of(line.substring(slash).strip());
                String name = file.getFileName().toString();
                if (name.startsWith("ld-musl-") || name.startsWith("libc.musl-")) {
                    return Optional.of(new Libc("musl", 0, 0, file.toString()));
                }
                if (name.equals("libc.so.6") || name.matches("libc-2\\.\\d+\\.so")) {
                    return glibcVersion(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Reads glibc's version from its shared object.
     *
     * @param libcFile the {@code libc.so.6}
     * @return the version, if found
     * @throws IOException if the file cannot be read
     */
    static Optional<Libc> glibcVersion(Path libcFile) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(libcFile)) {
            bytes = in.readNBytes(64 << 20);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Matcher release = RELEASE.matcher(text);
        if (release.find()) {
            return Optional.of(new Libc("glibc", Integer.parseInt(release.group(1)),
                    Integer.parseInt(release.group(2)), libcFile.toString()));
        }
        Matcher symbol = SYMBOL.matcher(text);
        Libc newest = null;
        while (symbol.find()) {
            Libc one = new Libc("glibc", Integer.parseInt(symbol.group(1)), Integer.parseInt(symbol.group(2)),
                    libcFile.toString());
            if (newest == null || newest.olderThan(one)) {
                newest = one;
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * Why this machine cannot run an environment that needs {@code needed}, or empty when it can (or when either side
     * is unknown: a musl version, a machine whose C library was not recognised).
     *
     * @param needed what the environment needs
     * @param here what this machine has
     * @return the reason, in words, if it cannot
     */
    public static Optional<String> refusal(Libc needed, Libc here) {
        if (!needed.kind().equals(here.kind())) {
            return Optional.of("its compiled packages need " + needed.kind() + " (" + needed.neededBy()
                    + "), and this machine's C library is " + here.kind());
        }
        if (here.major() == 0 && here.minor() == 0) {
            return Optional.empty();
        }
        if (here.olderThan(needed)) {
            return Optional.of("its compiled packages need " + needed + " or newer (" + needed.neededBy()
                    + "), and this machine has " + here);
        }
        return Optional.empty();
    }
}
