package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.ArchiveRefusals.inconsistent;
import static dev.isoenv.internal.ensure.ArchiveRefusals.shown;
import static dev.isoenv.internal.ensure.EnvironmentPacking.LOCK;
import static dev.isoenv.internal.ensure.EnvironmentPacking.PLACEHOLDER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.internal.pack.ElfRunPath;
import dev.isoenv.internal.pack.ElfVersionNeeds;
import dev.isoenv.internal.pack.LinuxLibc;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The archive's manifest, {@value EnvironmentPacking#MANIFEST}: what {@link EnvironmentPacking#pack} writes into it
 * (the format, the backend, the interpreter, the platform and the C library the environment needs, the requirements
 * and choices, the payload's entries, bytes and hash, the files that name the environment's path), and, when
 * unpacking, the checks of its fields made before anything is extracted: the declared payload counts, the platform
 * and C library, and the base interpreter and its version.
 */
final class PackManifest {
    /** The manifest's format, which unpacking requires. */
    static final int FORMAT = 1;

    /** Reads and writes the manifest. */
    static final ObjectMapper JSON = new ObjectMapper();

    private PackManifest() {
    }

    /**
     * The manifest's bytes, as pretty-printed JSON with {@code \n} line ends.
     */
    static byte[] json(EnvironmentArchive archive, StateRecord state, int entries, long bytes,
                       List<String> prefixFiles, List<String> binaryFiles, boolean bundled,
                       List<PrefixRelocation.BinaryFile> rewritten, Optional<LinuxLibc.Libc> libc) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("isoenv", version());
        m.put("backend", state.backend());
        ObjectNode python = m.putObject("python");
        python.put("version", state.pythonVersion());
        python.put("request", state.pythonRequest());
        python.put("base", archive.baseInterpreter().orElse(""));
        python.put("bundled", bundled);
        ObjectNode platform = m.putObject("platform");
        platform.put("name", archive.platform());
        dev.isoenv.internal.platform.TargetPlatform target = builtFor(state);
        platform.put("os", target.os());
        platform.put("arch", target.arch());
        Map<String, String> markers = state.markers();
        platform.put("sys_platform", markers.getOrDefault("sys_platform", ""));
        platform.put("platform_machine", markers.getOrDefault("platform_machine", ""));
        if (libc.isPresent()) {
            // What the compiled wheels need, which unpacking checks against the machine's C library.
            ObjectNode needs = platform.putObject("libc");
            needs.put("kind", libc.get().kind());
            needs.put("version", libc.get().version());
            needs.put("needed_by", libc.get().neededBy());
        }
        ArrayNode requirements = m.putArray("requirements");
        archive.requirements().forEach(requirements::add);
        ObjectNode choices = m.putObject("choices");
        archive.choices().forEach(choices::put);
        m.put("accelerator", archive.choices().getOrDefault("torch.variant", "none"));
        m.put("lock", LOCK);
        ObjectNode payload = m.putObject("payload");
        payload.put("entries", entries);
        // The files' content bytes, uncompressed: unpack stops as soon as the archive holds more than declared.
        payload.put("bytes", bytes);
        payload.put("sha256", archive.payloadSha256());
        ObjectNode prefix = m.putObject("prefix");
        prefix.put("placeholder", PLACEHOLDER);
        ArrayNode files = prefix.putArray("files");
        prefixFiles.forEach(files::add);
        // Compiled modules (.pyc) name their source's path for tracebacks only, and are not checked.
        ArrayNode binary = prefix.putArray("binary_files_not_rewritten");
        binaryFiles.forEach(binary::add);
        if (!rewritten.isEmpty()) {
            ArrayNode rewrite = prefix.putArray("binary_files");
            for (PrefixRelocation.BinaryFile b : rewritten) {
                ObjectNode f = rewrite.addObject();
                f.put("path", b.path());
                b.prefixes().forEach(f.putArray("prefixes")::add);
            }
        }
        return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m).replace("\r\n", "\n") + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The C library the environment needs: what its Linux wheels need, from their {@code .dist-info/WHEEL} files,
     * and, when the archive carries its interpreter ({@code scanElf}: a bundled interpreter, a conda prefix), also the
     * newest {@code GLIBC_x.y} version that any ELF file going into the archive needs ({@link ElfVersionNeeds}): the
     * interpreter, its {@code libpython} and a conda package's libraries say so in no wheel tag.
     */
    static Optional<LinuxLibc.Libc> libcNeeded(List<PackedEntries.Item> items, boolean scanElf) throws IOException {
        if (OperatingSystem.current() != OperatingSystem.LINUX) {
            return Optional.empty();
        }
        List<Path> wheels = new ArrayList<>();
        for (PackedEntries.Item item : items) {
            if (item.kind() == 'F' && item.source() != null && item.path().endsWith(".dist-info/WHEEL")) {
                wheels.add(item.source());
            }
        }
        Optional<LinuxLibc.Libc> needed = LinuxLibc.needed(wheels);
        if (!scanElf || needed.isPresent() && !needed.get().kind().equals("glibc")) {
            return needed;
        }
        LinuxLibc.Libc newest = needed.orElse(null);
        for (PackedEntries.Item item : items) {
            if (item.kind() != 'F') {
                continue;
            }
            Optional<LinuxLibc.Libc> elf = item.content() != null
                    ? ElfRunPath.isElf(item.content())
                        ? ElfVersionNeeds.glibcNeeded(ByteBuffer.wrap(item.content()), item.path()) : Optional.empty()
                    : ElfVersionNeeds.glibcNeeded(item.source(), item.path());
            if (elf.isPresent() && (newest == null || newer(elf.get(), newest))) {
                newest = elf.get();
            }
        }
        return Optional.ofNullable(newest);
    }

    static boolean newer(LinuxLibc.Libc a, LinuxLibc.Libc b) {
        return a.major() != b.major() ? a.major() > b.major() : a.minor() > b.minor();
    }

    static Map<String, String> maskedChoices(Map<String, String> choices) {
        Map<String, String> out = new TreeMap<>();
        choices.forEach((k, v) -> out.put(k, Redactor.maskUrlCredentials(v)));
        return out;
    }

    /** The base interpreter: {@code pyvenv.cfg}'s {@code executable}, else what the state record says. */
    static String base(Path root, StateRecord state) {
        Path cfg = root.resolve("pyvenv.cfg");
        try {
            for (String line : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).strip().equals("executable")) {
                    return line.substring(eq + 1).strip();
                }
            }
        } catch (IOException e) {
            // A conda prefix has none; the record says.
        }
        return state.baseInterpreter();
    }

    static String version() {
        String v = EnvironmentPacking.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** This machine's platform, as an archive names it: {@code linux-x86_64}, {@code macos-aarch64}. */
    static String platform() {
        return dev.isoenv.internal.platform.TargetPlatform.current().name();
    }

    /**
     * The platform the environment was built for: the one its specification named ({@code target.platform}), else
     * this machine's.
     */
    static dev.isoenv.internal.platform.TargetPlatform builtFor(StateRecord state) {
        return state.targetPlatform().map(dev.isoenv.internal.platform.TargetPlatform::parse)
                .orElseGet(dev.isoenv.internal.platform.TargetPlatform::current);
    }

    /**
     * What the manifest declares the payload holds ({@code payload.entries}, {@code payload.bytes}): a whole number
     * from 0 up. Extraction stops as soon as the archive holds more.
     */
    static long declared(Path file, JsonNode manifest, String field) {
        JsonNode n = manifest.path("payload").path(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw inconsistent(file, "its payload." + field + " is " + (n.isMissingNode() ? "missing"
                    : shown(n.toString())) + ", where pack() writes a whole number");
        }
        return n.asLong();
    }

    static void checkPlatform(Path file, JsonNode manifest) {
        String built = shown(manifest.path("platform").path("name").asText(""));
        String here = platform();
        if (!built.equals(here)) {
            throw new InvalidArchiveException("The archive " + file + " was built for " + built + ", and this machine"
                    + " is " + here + ": its interpreter and compiled packages cannot run here. Unpack it on a "
                    + built + " machine, or build and pack the environment on a " + here + " machine.",
                    Reason.OTHER_PLATFORM);
        }
        JsonNode libc = manifest.path("platform").path("libc");
        if (libc.isObject() && OperatingSystem.current() == OperatingSystem.LINUX) {
            java.util.regex.Matcher version = java.util.regex.Pattern.compile("(\\d{1,4})\\.(\\d{1,4})")
                    .matcher(libc.path("version").asText(""));
            String kind = libc.path("kind").asText("");
            Optional<LinuxLibc.Libc> machine = LinuxLibc.current();
            if (version.matches() && (kind.equals("glibc") || kind.equals("musl")) && machine.isPresent()) {
                LinuxLibc.Libc needed = new LinuxLibc.Libc(kind, Integer.parseInt(version.group(1)),
                        Integer.parseInt(version.group(2)), shown(libc.path("needed_by").asText("")));
                Optional<String> why = LinuxLibc.refusal(needed, machine.get());
                if (why.isPresent()) {
                    throw new InvalidArchiveException("The archive " + file + " cannot run on this machine: "
                            + why.get() + ". Unpack it on a machine with " + needed + " or newer, or build the"
                            + " environment on the oldest machine it must run on (pip then picks wheels for that C"
                            + " library).", Reason.OTHER_PLATFORM);
                }
            }
        }
    }

    static void checkInterpreter(Path file, JsonNode manifest) {
        String base = manifest.path("python").path("base").asText("");
        String shownBase = shown(base);
        if (base.isEmpty() || manifest.path("python").path("bundled").asBoolean(false)) {
            return;
        }
        Path p;
        try {
            p = Path.of(base);
        } catch (java.nio.file.InvalidPathException e) {
            p = null;
        }
        if (p == null || !p.isAbsolute() || !Files.isRegularFile(p)) {
            String version = shown(manifest.path("python").path("version").asText("?"));
            throw new PythonNotFoundException("The archive " + file + " runs on the Python interpreter " + shownBase
                    + " (CPython " + version + "), which it does not bundle, and this machine has none at that path."
                    + " Install Python " + version + " at that path on this machine (the same installation as on the"
                    + " building machine, such as the same pyenv version or system package), or pack an environment"
                    + " built on an interpreter installed where every worker has it.");
        }
        String needed = majorMinor(manifest.path("python").path("version").asText(""));
        if (needed == null || OperatingSystem.current() == OperatingSystem.WINDOWS) {
            return;
        }
        String found = foundVersion(p, needed);
        if (found != null) {
            throw new PythonNotFoundException("The archive " + file + " runs on the Python interpreter " + shownBase
                    + ": found " + found + " at " + shownBase + ", the environment needs " + needed + "; install"
                    + " Python " + needed + " at that path or rebuild the archive on an interpreter that every worker"
                    + " has.");
        }
    }

    /** {@code 3.11} of {@code 3.11.7}, or null when the text is no version. */
    static String majorMinor(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(\\D.*)?").matcher(version);
        return m.matches() ? m.group(1) + "." + m.group(2) : null;
    }

    /**
     * What is wrong with the interpreter at {@code base} for an environment of Python {@code needed} (such as
     * {@code 3.11}), as "3.12" or a description, or null when it looks right. Nothing is run: the interpreter's real
     * file name ({@code python3.12}) gives its version where it has one, and its installation must hold the standard
     * library {@code <prefix>/lib/python3.11} (or {@code lib64}), where {@code <prefix>} is the folder above the
     * interpreter's {@code bin}, for the base as named or as its links resolve.
     */
    static String foundVersion(Path base, String needed) {
        Path real;
        try {
            real = base.toRealPath();
        } catch (IOException e) {
            real = base;
        }
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("python(\\d+\\.\\d+)[a-z]*")
                .matcher(real.getFileName().toString());
        if (name.matches() && !name.group(1).equals(needed)) {
            return name.group(1);
        }
        for (Path p : List.of(real, base)) {
            Path prefix = p.getParent() == null ? null : p.getParent().getParent();
            if (prefix != null && (Files.isDirectory(prefix.resolve("lib").resolve("python" + needed))
                    || Files.isDirectory(prefix.resolve("lib64").resolve("python" + needed)))) {
                return null;
            }
        }
        Path prefix = real.getParent() == null ? null : real.getParent().getParent();
        java.util.TreeSet<String> others = new java.util.TreeSet<>();
        if (prefix != null) {
            for (String lib : List.of("lib", "lib64")) {
                try (var children = Files.newDirectoryStream(prefix.resolve(lib), "python[0-9]*.[0-9]*")) {
                    for (Path c : children) {
                        if (Files.isDirectory(c) && Files.isRegularFile(c.resolve("os.py"))) {
                            others.add(c.getFileName().toString().substring("python".length()));
                        }
                    }
                } catch (IOException e) {
                    // No such folder.
                }
            }
        }
        return others.isEmpty() ? "an interpreter without the standard library of Python " + needed + " (no "
                + (prefix == null ? "lib/python" + needed : prefix.resolve("lib").resolve("python" + needed))
                + ")" : String.join(", ", others);
    }
}
