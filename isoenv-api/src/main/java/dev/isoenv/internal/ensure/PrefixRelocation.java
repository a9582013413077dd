package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.ArchiveRefusals.inconsistent;
import static dev.isoenv.internal.ensure.ArchiveRefusals.shown;
import static dev.isoenv.internal.ensure.ArchiveRefusals.unsafe;
import static dev.isoenv.internal.ensure.EnvironmentPacking.PLACEHOLDER;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.internal.pack.CondaMeta;
import dev.isoenv.internal.pack.PrefixRewriter;
import dev.isoenv.spi.OperatingSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The environment's path in the archive's files, and the new location written over it when unpacking: the text files
 * that hold {@link EnvironmentPacking#PLACEHOLDER}, and a conda prefix's binary files that name the building machine's
 * path, written over as conda does ({@link PrefixRewriter}), after checking, before anything is extracted, that the
 * new location is not longer. When packing, which binary files of a conda prefix unpacking will rewrite so.
 */
final class PrefixRelocation {
    private PrefixRelocation() {
    }

    /** A binary file of a conda prefix that names the prefix, and the forms of it it holds, which unpack rewrites. */
    record BinaryFile(String path, List<String> prefixes) {
    }

    /**
     * Takes out of {@code binaryFiles} those that unpacking rewrites, as conda and conda-pack do ({@link
     * PrefixRewriter}): each binary file that conda's records ({@code listed}, {@link CondaMeta}) mark
     * {@code file_mode: binary} with a prefix placeholder, up to {@link PrefixRewriter#MAX_FILE_SIZE}. The rewrite
     * shifts the rest of a NUL-terminated string, sound for the C strings that conda's binary files hold the prefix in,
     * not for formats that store a string's length (a marshalled {@code .pyc}, a pickle, a stored zip entry, an SQLite
     * database): every other binary file that names the path stays listed as not rewritten. On Windows none: conda's
     * binary replacement differs there, and they stay listed as not rewritten.
     */
    static List<BinaryFile> rewrittenOnUnpack(Path root, List<String> binaryFiles, Set<String> listed)
            throws IOException {
        List<BinaryFile> out = new ArrayList<>();
        if (OperatingSystem.current() == OperatingSystem.WINDOWS) {
            return out;
        }
        List<String> prefixes = PackedEntries.prefixes(root);
        for (java.util.Iterator<String> it = binaryFiles.iterator(); it.hasNext(); ) {
            String rel = it.next();
            Path p = root.resolve(rel);
            if (listed.contains(rel) && Files.size(p) <= PrefixRewriter.MAX_FILE_SIZE) {
                out.add(new BinaryFile(rel, PrefixRewriter.holds(p, prefixes)));
                it.remove();
            }
        }
        return out;
    }

    /**
     * Refuses, before anything is extracted, a location longer than the path that the archive's binary files name:
     * the new path is written over the old one inside them, padded with NUL bytes, so it cannot be longer.
     */
    static void checkBinaryRoom(Path file, Path target, JsonNode manifest) {
        JsonNode list = manifest.path("prefix").path("binary_files");
        if (list.isMissingNode()) {
            return;
        }
        if (!list.isArray()) {
            throw inconsistent(file, "its list of binary files to rewrite is not a list");
        }
        String shortest = null;
        String example = null;
        for (JsonNode f : list) {
            if (!f.path("path").isTextual() || !f.path("prefixes").isArray() || f.path("prefixes").isEmpty()) {
                throw inconsistent(file, "it lists a binary file to rewrite without its name or the paths it holds: "
                        + shown(f.toString()));
            }
            for (JsonNode prefix : f.path("prefixes")) {
                if (!prefix.isTextual() || prefix.asText().isEmpty()) {
                    throw inconsistent(file, "it lists " + shown(f.path("path").asText()) + " with a path to replace"
                            + " that is no path");
                }
                String p = prefix.asText();
                if (shortest == null || p.getBytes(StandardCharsets.UTF_8).length
                        < shortest.getBytes(StandardCharsets.UTF_8).length) {
                    shortest = p;
                    example = f.path("path").asText("");
                }
            }
        }
        if (shortest != null && !PrefixRewriter.fits(shortest, target.toString())) {
            throw tooLong(file, target, shortest, example);
        }
    }

    static InvalidArchiveException tooLong(Path file, Path target, String built, String example) {
        int room = built.getBytes(StandardCharsets.UTF_8).length;
        return new InvalidArchiveException("The archive " + file + " holds binary files that name the path the"
                + " environment was built at, " + shown(built) + " (" + room + " bytes), such as " + shown(example)
                + ". Unpacking writes the new location over that path inside them, as conda does, which works only"
                + " for a location that is not longer, and " + target + " has " + target.toString()
                .getBytes(StandardCharsets.UTF_8).length + " bytes. Nothing was unpacked. Unpack it at a shorter"
                + " location (at most " + room + " bytes), or build and pack the environment at a longer path.",
                Reason.LOCATION_TOO_LONG);
    }

    /**
     * Writes the target's path into the files the manifest lists. The manifest is not covered by the payload's hash,
     * so what it says is checked against what pack() writes: the built-in placeholder only, each file once, a text file
     * no larger than pack() rewrites, that holds the placeholder.
     */
    static void rewritePrefix(Path file, Path staging, Path target, JsonNode manifest) throws IOException {
        JsonNode prefix = manifest.path("prefix");
        if (!PLACEHOLDER.equals(prefix.path("placeholder").textValue())) {
            throw inconsistent(file, "its placeholder is not " + PLACEHOLDER);
        }
        JsonNode files = prefix.path("files");
        if (!files.isMissingNode() && !files.isArray()) {
            throw inconsistent(file, "its list of files to rewrite is not a list");
        }
        Set<String> seen = new java.util.HashSet<>();
        Path realStaging = staging.toRealPath();
        for (JsonNode f : files) {
            if (!f.isTextual() || !seen.add(f.asText())) {
                throw inconsistent(file, "it lists a file to rewrite twice, or not by name: " + shown(f.toString()));
            }
            Path p;
            try {
                p = staging.resolve(f.asText()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw unsafe(file, f.asText());
            }
            if (!p.startsWith(staging) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    || !p.toRealPath().startsWith(realStaging)) {
                throw unsafe(file, f.asText());
            }
            if (Files.size(p) > PackedEntries.TEXT_LIMIT) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", larger than the "
                        + (PackedEntries.TEXT_LIMIT >> 20)
                        + " MiB of text that pack() rewrites");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            } catch (CharacterCodingException e) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", which is not UTF-8 text");
            }
            if (!text.contains(PLACEHOLDER)) {
                throw inconsistent(file, "it lists " + shown(f.asText()) + ", which does not hold the placeholder");
            }
            Set<PosixFilePermission> perms = posix(p);
            Files.writeString(p, text.replace(PLACEHOLDER, target.toString()), StandardCharsets.UTF_8);
            if (perms != null) {
                Files.setPosixFilePermissions(p, perms);
            }
        }
        rewriteBinaries(file, staging, target, manifest);
    }

    /**
     * Writes the target's path over the building machine's in the binary files the manifest lists, as conda does
     * ({@link PrefixRewriter}). The manifest is not covered by the payload's hash, so each entry is checked as for the
     * text files: each file once, by name, inside the staging folder, not through a link, with non-empty paths.
     */
    static void rewriteBinaries(Path file, Path staging, Path target, JsonNode manifest) throws IOException {
        JsonNode list = manifest.path("prefix").path("binary_files");
        Set<String> seen = new java.util.HashSet<>();
        Path realStaging = staging.toRealPath();
        for (JsonNode f : list) {
            String rel = f.path("path").textValue();
            if (rel == null || !seen.add(rel) || !f.path("prefixes").isArray()) {
                throw inconsistent(file, "it lists a binary file to rewrite twice, or not by name: "
                        + shown(f.toString()));
            }
            List<String> prefixes = new ArrayList<>();
            for (JsonNode prefix : f.path("prefixes")) {
                if (!prefix.isTextual() || prefix.asText().isEmpty()) {
                    throw inconsistent(file, "it lists " + shown(rel) + " with a path to replace that is no path");
                }
                prefixes.add(prefix.asText());
            }
            prefixes.sort((a, b) -> b.length() - a.length());
            Path p;
            try {
                p = staging.resolve(rel).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw unsafe(file, rel);
            }
            if (!p.startsWith(staging) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    || !p.toRealPath().startsWith(realStaging)) {
                throw unsafe(file, rel);
            }
            if (Files.size(p) > PrefixRewriter.MAX_FILE_SIZE) {
                throw inconsistent(file, "it lists " + shown(rel) + ", larger than the binary files that pack()"
                        + " rewrites");
            }
            try {
                PrefixRewriter.rewrite(p, prefixes, target.toString());
            } catch (PrefixRewriter.TooLong e) {
                throw tooLong(file, target, prefixes.get(prefixes.size() - 1), rel);
            }
        }
    }

    static Set<PosixFilePermission> posix(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }
}
