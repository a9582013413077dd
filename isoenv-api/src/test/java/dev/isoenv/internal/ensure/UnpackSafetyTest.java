package dev.isoenv.internal.ensure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isoenv.Environment;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.internal.io.FileTrees;
import dev.isoenv.internal.pack.ArchiveWriter;
import dev.isoenv.internal.pack.TarWriter;
import dev.isoenv.internal.pack.ZipWriter;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.OperatingSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacking hand-built hostile archives: each carries a self-consistent payload hash, as anyone who edits an archive
 * can write, so only the checks on the content and the manifest stand between it and the target.
 */
class UnpackSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PH = EnvironmentPacking.PLACEHOLDER;
    private static final CommandRunner NO_PROCESS = request -> {
        throw new AssertionError("unpack starts no process");
    };

    @TempDir
    Path tmp;
    private Path base;
    private Path target;

    private record E(char kind, String path, int mode, byte[] content, String link) {
    }

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createDirectories(tmp.resolve("python/bin")).resolve("python3.11");
        Files.writeString(base, "");
        // The base's standard library, as an installed Python has it beside its bin folder.
        Files.createDirectories(tmp.resolve("python/lib/python3.11"));
        target = tmp.resolve("unpacked env");
    }

    private static E dir(String path) {
        return new E('D', path, 0755, null, "");
    }

    private static E file(String path, String text) {
        return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    private static E file(String path, byte[] content) {
        return new E('F', path, 0644, content, "");
    }

    private static E link(String path, String to) {
        return new E('L', path, 0777, null, to);
    }

    private static String state(String backend, String kind, String os, String site) {
        return "format=1\nbackend=" + backend + "\ncreated=true\npython.version=3.11.0\npython.request=\n"
                + "layout.kind=" + kind + "\nlayout.os=" + os + "\nlayout.sitePackages=" + site + "\n";
    }

    private List<E> environment() {
        List<E> entries = new ArrayList<>(List.of(dir(".isoenv"),
                file(".isoenv/state.properties", state("venv", "VIRTUAL_ENVIRONMENT",
                        OperatingSystem.current().name(), "lib/python3.11/site-packages")),
                dir("bin"), link("bin/python", base.toString()), link("bin/python3", "python"),
                new E('F', "bin/tool", 0755, ("#!" + PH + "/bin/python\nprint('hi')\n")
                        .getBytes(StandardCharsets.UTF_8), ""),
                dir("lib"), dir("lib/python3.11"), dir("lib/python3.11/site-packages"),
                file("lib/python3.11/site-packages/a.txt", "plain\n"), link("lib64", "lib")));
        return entries;
    }

    private Path archive(List<E> entries, Consumer<ObjectNode> edit) throws IOException {
        return gzip(tar(entries, edit));
    }

    private byte[] tar(List<E> entries, Consumer<ObjectNode> edit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(new TarWriter(out), entries, edit);
        return out.toByteArray();
    }

    /** The same archive as a zip, as pack() writes one for a name that ends with .zip. */
    private Path zip(List<E> entries, Consumer<ObjectNode> edit) throws IOException {
        Path file = Files.createTempFile(tmp, "archive", ".zip");
        write(new ZipWriter(Files.newOutputStream(file), tmp), entries, edit);
        return file;
    }

    private void write(ArchiveWriter archive, List<E> entries, Consumer<ObjectNode> edit) throws IOException {
        MessageDigest payload = sha();
        for (E e : entries) {
            String rest = switch (e.kind()) {
                case 'L' -> e.link();
                case 'F' -> HexFormat.of().formatHex(sha().digest(e.content())) + "\0" + e.content().length;
                default -> "";
            };
            payload.update((e.kind() + "\0" + Integer.toOctalString(e.mode()) + "\0" + e.path() + "\0" + rest + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("format", 1);
        m.putObject("python").put("version", "3.11.0").put("base", base.toString()).put("bundled", false);
        m.putObject("platform").put("name", PackManifest.platform());
        m.putArray("requirements");
        m.putObject("payload").put("entries", entries.size()).put("bytes", bytes(entries)).put("sha256",
                HexFormat.of().formatHex(payload.digest()));
        ObjectNode prefix = m.putObject("prefix");
        prefix.put("placeholder", PH);
        prefix.putArray("files").add("bin/tool");
        edit.accept(m);
        try (ArchiveWriter tar = archive) {
            tar.file(EnvironmentPacking.MANIFEST, 0644, JSON.writeValueAsBytes(m));
            for (E e : entries) {
                switch (e.kind()) {
                    case 'D' -> tar.directory(e.path(), e.mode());
                    case 'L' -> tar.symlink(e.path(), e.link());
                    default -> tar.file(e.path(), e.mode(), e.content());
                }
            }
        }
    }

    private static long bytes(List<E> entries) {
        return entries.stream().filter(e -> e.kind() == 'F').mapToLong(e -> e.content().length).sum();
    }

    private Path gzip(byte[] tar) throws IOException {
        Path file = Files.createTempFile(tmp, "archive", ".tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(tar);
        }
        return file;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Environment unpack(Path archive) {
        return EnvironmentPacking.unpack(archive, target, NO_PROCESS, Map.of());
    }

    private void assertRefused(Reason reason, Path archive, String what) throws IOException {
        InvalidArchiveException e = assertThrows(InvalidArchiveException.class, () -> unpack(archive), what);
        assertEquals(reason, e.reason(), what + ": " + e.getMessage());
        assertNothingLeft(what);
    }

    private void assertNothingLeft(String what) throws IOException {
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), what);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains("isoenv-unpack"))
                    .toList(), what);
        }
    }

    private static List<E> with(List<E> entries, E... more) {
        List<E> out = new ArrayList<>(entries);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void aWellFormedArchiveUnpacksAndGetsItsPath() throws IOException {
        Environment env = unpack(archive(environment(), m -> { }));
        assertEquals(target, env.root());
        assertTrue(Files.readString(target.resolve("bin/tool")).startsWith("#!" + target + "/bin/python\n"));
        assertEquals(base, Files.readSymbolicLink(target.resolve("bin/python")));
    }

    /** The overload with the file's published hash: checked before anything is extracted. */
    @Test
    void theFilesPublishedHashIsCheckedBeforeExtracting() throws Exception {
        for (Path archive : List.of(archive(environment(), m -> { }), zip(environment(), m -> { }))) {
            String right = HexFormat.of().formatHex(sha().digest(Files.readAllBytes(archive)));
            String wrong = right.substring(0, 63) + (right.charAt(63) == '0' ? '1' : '0');
            InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
                    () -> EnvironmentPacking.unpack(archive, target, wrong, NO_PROCESS, Map.of()));
            assertEquals(Reason.NOT_THE_PUBLISHED_FILE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("has SHA-256 " + right + ", and the expected SHA-256 is " + wrong)
                    && e.getMessage().contains("Fetch the archive again"), e.getMessage());
            assertNothingLeft("wrong hash");
            assertThrows(dev.isoenv.InvalidSpecException.class,
                    () -> EnvironmentPacking.unpack(archive, target, "sha256:" + right, NO_PROCESS, Map.of()));
            assertNothingLeft("not a hash");
            // Either case: sha256sum prints lower case, some tools upper.
            Environment env = EnvironmentPacking.unpack(archive, target, right.toUpperCase(java.util.Locale.ROOT),
                    NO_PROCESS, Map.of());
            assertTrue(Files.isRegularFile(env.root().resolve("bin/tool")));
            // The private copy that was hashed and extracted is gone too.
            try (Stream<Path> siblings = Files.list(tmp)) {
                assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains("isoenv-unpack"))
                        .toList());
            }
            FileTrees.delete(target);
        }
    }

    /** A zip goes through the same checks as a tar; the zip reader adds its own on the zip's structure. */
    @Test
    void zipArchivesGetTheSameChecks() throws IOException {
        Environment env = unpack(zip(environment(), m -> { }));
        assertEquals(target, env.root());
        assertTrue(Files.readString(target.resolve("bin/tool")).startsWith("#!" + target + "/bin/python\n"));
        assertTrue(Files.isExecutable(target.resolve("bin/tool")), "the mode the zip carries");
        assertEquals(base, Files.readSymbolicLink(target.resolve("bin/python")));
        assertEquals(Path.of("python"), Files.readSymbolicLink(target.resolve("bin/python3")));
        FileTrees.delete(target);

        assertRefused(Reason.UNSAFE_ENTRY, zip(with(environment(), file("/escaped.txt", "x")), m -> { }), "absolute");
        assertRefused(Reason.UNSAFE_ENTRY, zip(with(environment(), file("../escaped.txt", "x")), m -> { }), "..");
        assertRefused(Reason.UNSAFE_ENTRY, zip(with(environment(), file("lib/../../escaped.txt", "x")), m -> { }),
                "inner ..");
        assertRefused(Reason.UNSAFE_ENTRY, zip(with(environment(), link("etc-link", "/etc")), m -> { }),
                "a link outside");
        assertRefused(Reason.UNSAFE_ENTRY, zip(with(environment(), link("out", tmp.toString()),
                file("out/escaped.txt", "x")), m -> { }), "a path through a link");
        assertFalse(Files.exists(tmp.resolve("escaped.txt")));
        assertRefused(Reason.DAMAGED, zip(with(environment(), file("lib/python3.11/site-packages/a.txt", "again")),
                m -> { }), "two entries of one name");
        List<E> entries = environment();
        assertRefused(Reason.DAMAGED, zip(with(entries, dir("zz1")), m -> payload(m).put("entries", entries.size())),
                "more entries than declared");
        assertRefused(Reason.DAMAGED, zip(with(entries, file("zz-bomb.bin", new byte[1 << 20])),
                m -> payload(m).put("entries", entries.size() + 1).put("bytes", bytes(entries))),
                "more bytes than declared");
        assertRefused(Reason.HASH_MISMATCH, zip(entries, m -> payload(m).put("sha256", "0".repeat(64))),
                "payload hash");
        Path whole = zip(entries, m -> { });
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(whole, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertRefused(Reason.DAMAGED, whole, "cut short");
        Files.write(whole, bytes);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(whole, bytes);
        assertRefused(Reason.DAMAGED, whole, "a flipped byte");
    }

    @Test
    void theManifestCannotDriveTheRewrite() throws IOException {
        assertRefused(Reason.DAMAGED, archive(environment(), m -> ((ObjectNode) m.get("prefix"))
                .put("placeholder", "")), "empty placeholder");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> ((ObjectNode) m.get("prefix"))
                .put("placeholder", "print")), "another placeholder");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> ((ObjectNode) m.get("prefix")).remove(
                "placeholder")), "no placeholder");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> ((ObjectNode) m.get("prefix"))
                .putArray("files").add("bin/tool").add("bin/tool")), "listed twice");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> ((ObjectNode) m.get("prefix"))
                .putArray("files").add("lib/python3.11/site-packages/a.txt")), "no placeholder in the file");
        assertRefused(Reason.DAMAGED, archive(with(environment(), file("bin/latin1", new byte[] {'#', (byte) 0xff})),
                m -> ((ObjectNode) m.get("prefix")).putArray("files").add("bin/latin1")), "not UTF-8");
        byte[] big = (PH + "x".repeat(4 << 20)).getBytes(StandardCharsets.UTF_8);
        assertRefused(Reason.DAMAGED, archive(with(environment(), file("big.txt", big)),
                m -> ((ObjectNode) m.get("prefix")).putArray("files").add("big.txt")), "larger than pack rewrites");
    }

    @Test
    void linksThatLeaveTheTargetAreRefused() throws IOException {
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("etc-link", "/etc")), m -> { }),
                "absolute");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("up", "../../../..")), m -> { }), "up");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("lib/up", "../..")), m -> { }), "lib/up");
        // Lexically inside, but d1 is the root itself, so d1/d1/../.. is its parent's parent.
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("d1", "."),
                link("esc", "d1/d1/../..")), m -> { }), "through a link");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("x", "bin/python/..")), m -> { }),
                "through the interpreter link");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("bin/python3.9", "/etc/passwd")),
                m -> { }), "an interpreter link elsewhere");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("lib/python", base.toString())),
                m -> { }), "the interpreter, not from the scripts folder");
        // Beside the base interpreter, but not a Python: refused too.
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(environment(), link("bin/python3.9",
                base.resolveSibling("sudo").toString())), m -> { }), "another program of the base's folder");
    }

    @Test
    void aStateRecordForAnotherLayoutIsRefused() throws IOException {
        String os = OperatingSystem.current().name();
        String other = OperatingSystem.current() == OperatingSystem.LINUX ? "MACOS" : "LINUX";
        for (String[] bad : List.of(new String[] {"venv", "VIRTUAL_ENVIRONMENT", os, "../outside-site"},
                new String[] {"venv", "VIRTUAL_ENVIRONMENT", os, "lib/python3.11/missing"},
                new String[] {"venv", "CONDA_PREFIX", os, "lib/python3.11/site-packages"},
                new String[] {"venv", "VIRTUAL_ENVIRONMENT", other, "lib/python3.11/site-packages"},
                new String[] {"made-up", "VIRTUAL_ENVIRONMENT", os, "lib/python3.11/site-packages"})) {
            List<E> entries = environment();
            entries.set(1, file(".isoenv/state.properties", state(bad[0], bad[1], bad[2], bad[3])));
            assertRefused(Reason.UNSAFE_ENTRY, archive(entries, m -> { }), String.join(" ", bad));
        }
    }

    /** A conda prefix: its own interpreter, and a binary file naming where it was built in C strings. */
    private List<E> condaPrefix(String built) {
        List<E> entries = new ArrayList<>(List.of(dir(".isoenv"),
                file(".isoenv/state.properties", state("conda", "CONDA_PREFIX", OperatingSystem.current().name(),
                        "lib/python3.11/site-packages")),
                dir("bin"), new E('F', "bin/python3.11", 0755, new byte[] {0x7f, 'E', 'L', 'F', 0}, ""),
                link("bin/python", "python3.11"), dir("conda-meta"), file("conda-meta/history", "# cmd: install -p "
                        + PH + "\n"),
                dir("lib"), file("lib/libdemo.so", libdemo(built)), dir("lib/python3.11"),
                dir("lib/python3.11/site-packages")));
        return entries;
    }

    private static byte[] libdemo(String prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 0});
        for (String s : List.of(prefix + "/lib", prefix)) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
            // Each string in a field of 300 bytes, as a long build placeholder left it.
            out.writeBytes(new byte[300 - b.length]);
        }
        return out.toByteArray();
    }

    private Consumer<ObjectNode> bundled(String built, Consumer<ObjectNode> more) {
        return m -> {
            ((ObjectNode) m.get("python")).put("base", "").put("bundled", true);
            ObjectNode prefix = (ObjectNode) m.get("prefix");
            prefix.putArray("files").add("conda-meta/history");
            prefix.putArray("binary_files").addObject().put("path", "lib/libdemo.so").putArray("prefixes").add(built);
            more.accept(m);
        };
    }

    @Test
    void aCondaArchiveNeedsNoBaseInterpreterAndGetsItsBinaryFilesRewritten() throws IOException {
        String built = tmp.resolve("where the building machine had the environment").toString();
        Files.delete(base);
        Environment env = unpack(archive(condaPrefix(built), bundled(built, m -> { })));
        assertEquals(target, env.root());
        assertEquals(target.resolve("bin/python"), env.python());
        assertTrue(java.util.Arrays.equals(libdemo(target.toString()),
                Files.readAllBytes(target.resolve("lib/libdemo.so"))), "rewritten, padded with NULs");
        assertEquals("# cmd: install -p " + target + "\n", Files.readString(target.resolve("conda-meta/history")));
    }

    @Test
    void aCondaArchiveRefusesALongerLocationAndAManifestThatMisdirectsTheBinaryRewrite() throws IOException {
        String built = tmp.resolve("short").toString();
        InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
                () -> unpack(archive(condaPrefix(built), bundled(built, m -> { }))));
        assertEquals(Reason.LOCATION_TOO_LONG, e.reason());
        assertTrue(e.getMessage().contains("Unpack it at a shorter location (at most " + built.length() + " bytes)"),
                e.getMessage());
        assertNothingLeft("longer location");

        String fits = tmp.resolve("where the building machine had the environment").toString();
        List<E> entries = condaPrefix(fits);
        assertRefused(Reason.UNSAFE_ENTRY, archive(entries, bundled(fits, m -> ((ObjectNode) m.get("prefix"))
                .putArray("binary_files").addObject().put("path", "../outside").putArray("prefixes").add(fits))),
                "outside");
        assertRefused(Reason.UNSAFE_ENTRY, archive(with(entries, link("lib/escape", "/etc/passwd")), bundled(fits,
                m -> ((ObjectNode) m.get("prefix")).putArray("binary_files").addObject().put("path", "lib/escape")
                        .putArray("prefixes").add(fits))), "a link");
        assertRefused(Reason.DAMAGED, archive(entries, bundled(fits, m -> {
            var list = ((ObjectNode) m.get("prefix")).putArray("binary_files");
            list.addObject().put("path", "lib/libdemo.so").putArray("prefixes").add(fits);
            list.addObject().put("path", "lib/libdemo.so").putArray("prefixes").add(fits);
        })), "twice");
        assertRefused(Reason.DAMAGED, archive(entries, bundled(fits, m -> ((ObjectNode) m.get("prefix"))
                .putArray("binary_files").addObject().put("path", "lib/libdemo.so").putArray("prefixes").add(""))),
                "an empty path to replace");
        assertRefused(Reason.DAMAGED, archive(entries, bundled(fits, m -> ((ObjectNode) m.get("prefix"))
                .put("binary_files", "lib/libdemo.so"))), "not a list");
        List<E> venvState = new ArrayList<>(entries);
        venvState.set(1, file(".isoenv/state.properties", state("conda", "VIRTUAL_ENVIRONMENT",
                OperatingSystem.current().name(), "lib/python3.11/site-packages")));
        assertRefused(Reason.UNSAFE_ENTRY, archive(venvState, bundled(fits, m -> { })), "conda, not a conda prefix");
    }

    @Test
    void hostileHeadersAreRefusedAsDamaged() throws IOException {
        byte[] tar = tar(environment(), m -> { });
        // The second header (the first entry after the manifest) gets the size -1, with a checksum that holds.
        int second = 512 + (int) ((Long.parseLong(new String(tar, 124, 11, StandardCharsets.US_ASCII).strip(), 8)
                + 511) / 512 * 512);
        byte[] negative = tar.clone();
        System.arraycopy("-0000000001\0".getBytes(StandardCharsets.US_ASCII), 0, negative, second + 124, 12);
        checksum(negative, second);
        assertRefused(Reason.DAMAGED, gzip(negative), "negative size");
        byte[] base256 = tar.clone();
        for (int i = 0; i < 12; i++) {
            base256[second + 124 + i] = (byte) 0xff;
        }
        checksum(base256, second);
        assertRefused(Reason.DAMAGED, gzip(base256), "negative base-256 size");
        byte[] cut = java.util.Arrays.copyOf(tar, second + 700);
        assertRefused(Reason.DAMAGED, gzip(cut), "cut short");
    }

    private static void checksum(byte[] tar, int header) {
        for (int i = 0; i < 8; i++) {
            tar[header + 148 + i] = ' ';
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, header + 148, 8);
    }

    private static boolean validHeader(byte[] tar, int at) {
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : tar[at + i] & 0xff;
        }
        String stored = new String(tar, at + 148, 8, StandardCharsets.US_ASCII).replace("\0", " ").strip();
        return !stored.isEmpty() && stored.matches("[0-7]+") && Long.parseLong(stored, 8) == sum;
    }

    /** Mutated headers, with checksums that still hold: every outcome is a success or a refusal, nothing else. */
    @Test
    void mutatedHeadersGiveOnlySuccessOrRefusal() throws IOException {
        byte[] tar = tar(environment(), m -> { });
        List<Integer> headers = new ArrayList<>();
        for (int at = 0; at + 512 <= tar.length; at += 512) {
            if (validHeader(tar, at)) {
                headers.add(at);
            }
        }
        assertTrue(headers.size() > 5, headers.toString());
        Random random = new Random(12);
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            byte[] mutated = tar.clone();
            int header = headers.get(random.nextInt(headers.size()));
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int at = random.nextInt(512);
                if (at >= 148 && at < 156) {
                    continue;
                }
                mutated[header + at] = random.nextBoolean() ? (byte) random.nextInt(256)
                        : (byte) (mutated[header + at] ^ (1 << random.nextInt(8)));
            }
            checksum(mutated, header);
            Path archive = gzip(mutated);
            try {
                unpack(archive);
                FileTrees.delete(target);
            } catch (InvalidArchiveException e) {
                refused++;
                assertNothingLeft("round " + round + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("round " + round + " (header at " + header + ") threw " + e, e);
            }
            Files.delete(archive);
        }
        assertTrue(refused > 10, "refused " + refused);
    }

    @Test
    void whatAKilledUnpackLeftBesideTheLocationIsRemoved() throws IOException {
        Path stale = Files.createDirectories(tmp.resolve(".unpacked env.isoenv-unpack-dead/lib"));
        Files.writeString(stale.resolve("big.bin"), "left");
        Path other = Files.createDirectories(tmp.resolve(".other.isoenv-unpack-dead"));
        unpack(archive(environment(), m -> { }));
        assertFalse(Files.exists(stale.getParent()));
        assertTrue(Files.isDirectory(other), "another location's folder is not this unpack's to remove");
        assertTrue(Files.isRegularFile(target.resolve("bin/tool")));
    }

    private static ObjectNode payload(ObjectNode manifest) {
        return (ObjectNode) manifest.get("payload");
    }

    /** An archive that holds more than its manifest declares is refused as soon as it passes the total. */
    @Test
    void moreThanTheManifestDeclaresStopsExtraction() throws IOException {
        List<E> entries = environment();
        long small = bytes(entries);
        // 64 MiB of zeros: a few hundred KiB compressed, and a manifest that declares only the small files.
        List<E> bomb = with(entries, file("zz-bomb.bin", new byte[64 << 20]), file("zz-later.txt", "later"));
        Path archive = archive(bomb, m -> payload(m).put("bytes", small + 5).put("entries", entries.size() + 1));
        assertTrue(Files.size(archive) < 1 << 20, "the archive is small: " + Files.size(archive));
        InvalidArchiveException e = assertThrows(InvalidArchiveException.class, () -> unpack(archive));
        assertEquals(Reason.DAMAGED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("declares " + (small + 5) + " bytes")
                && e.getMessage().contains("zz-bomb.bin alone has " + (64 << 20) + " bytes")
                && e.getMessage().contains("stopped before writing it"), e.getMessage());
        assertNothingLeft("bomb");

        // Each file within the total, but together over it: the last one is refused before it is written.
        assertRefused(Reason.DAMAGED, archive(with(entries, file("zz-one.txt", "12345")),
                m -> payload(m).put("bytes", small + 4)), "running total");

        // More entries than declared, with the bytes declared right.
        List<E> many = with(entries, dir("zz1"), dir("zz2"), dir("zz3"));
        InvalidArchiveException count = assertThrows(InvalidArchiveException.class, () -> unpack(archive(many,
                m -> payload(m).put("entries", entries.size()))));
        assertEquals(Reason.DAMAGED, count.reason(), count.getMessage());
        assertTrue(count.getMessage().contains("declares " + entries.size() + " entries")
                && count.getMessage().contains("zz1"), count.getMessage());
        assertNothingLeft("entries");
    }

    @Test
    void theManifestMustDeclareWhatItHolds() throws IOException {
        assertRefused(Reason.DAMAGED, archive(environment(), m -> payload(m).remove("bytes")), "no bytes");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> payload(m).remove("entries")), "no entries");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> payload(m).put("bytes", -1)), "negative bytes");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> payload(m).put("bytes", "12")), "text bytes");
        assertRefused(Reason.DAMAGED, archive(environment(), m -> payload(m).put("bytes", 1.5)), "fraction");
        long actual = bytes(environment());
        InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
                () -> unpack(archive(environment(), m -> payload(m).put("bytes", actual + 1))));
        assertEquals(Reason.DAMAGED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("declares " + (actual + 1) + " bytes of file content, and the archive"
                + " holds " + actual), e.getMessage());
        assertNothingLeft("fewer bytes than declared");
    }

    @Test
    void notEnoughSpaceIsRefusedBeforeExtracting() throws IOException {
        long huge = 1L << 60;
        Path archive = archive(environment(), m -> payload(m).put("bytes", huge));
        dev.isoenv.EnvironmentStateException e = assertThrows(dev.isoenv.EnvironmentStateException.class,
                () -> unpack(archive));
        assertTrue(e.getMessage().contains("Not enough disk space") && e.getMessage().contains(huge + " bytes")
                && e.getMessage().contains("free") && e.getMessage().contains("Free space there"), e.getMessage());
        assertNothingLeft("no space");
    }

    private void assertWrongPython(Path archive, String found, String at, String needed) throws IOException {
        dev.isoenv.PythonNotFoundException e = assertThrows(dev.isoenv.PythonNotFoundException.class,
                () -> unpack(archive));
        assertTrue(e.getMessage().contains("found " + found + " at " + at + ", the environment needs " + needed
                + "; install Python " + needed + " at that path or rebuild the archive"), e.getMessage());
        assertNothingLeft(found + " at " + at);
    }

    @Test
    void aBaseInterpreterOfAnotherVersionIsRefused() throws IOException {
        Assumptions.assumeTrue(OperatingSystem.current() != OperatingSystem.WINDOWS, "POSIX layout");
        // The manifest says 3.10; the base is python3.11 with lib/python3.11.
        assertWrongPython(archive(environment(), m -> ((ObjectNode) m.get("python")).put("version", "3.10.4")),
                "3.11", base.toString(), "3.10");
        // A python3 link that resolves to python3.12, as /usr/bin/python3 does on a newer system.
        Path other = Files.createDirectories(tmp.resolve("usr/bin")).resolve("python3.12");
        Files.writeString(other, "");
        Files.createDirectories(tmp.resolve("usr/lib/python3.12"));
        Path python3 = Files.createSymbolicLink(other.resolveSibling("python3"), other.getFileName());
        assertWrongPython(archive(environment(), m -> ((ObjectNode) m.get("python")).put("base",
                python3.toString())), "3.12", python3.toString(), "3.11");
        // A base whose name says no version: its installation's standard library does.
        Path plain = Files.createDirectories(tmp.resolve("opt/bin")).resolve("python");
        Files.writeString(plain, "");
        Files.writeString(Files.createDirectories(tmp.resolve("opt/lib/python3.12")).resolve("os.py"), "");
        assertWrongPython(archive(environment(), m -> ((ObjectNode) m.get("python")).put("base",
                plain.toString())), "3.12", plain.toString(), "3.11");
        // The same plain base with a 3.11 standard library is right.
        Files.createDirectories(tmp.resolve("opt/lib/python3.11"));
        assertEquals(null, PackManifest.foundVersion(plain, "3.11"));
        assertEquals("3.11", PackManifest.majorMinor("3.11.7"));
        assertEquals("3.13", PackManifest.majorMinor("3.13.0rc1"));
        assertEquals(null, PackManifest.majorMinor("three"));
    }
}
