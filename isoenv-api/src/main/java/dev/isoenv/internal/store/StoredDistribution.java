package dev.isoenv.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store knows of one distribution: its name, version and Python, and each of its files in site-packages
 * with the hash of the object that holds it. {@code LINK} files are shared (hard-linked); {@code COPY} files
 * ({@code RECORD}, {@code INSTALLER}, {@code direct_url.json}) are copied into each environment, which owns them.
 * Console scripts are not stored: each environment gets launchers for its own interpreter.
 *
 * <p>The text form is one field per line, tab-separated, written once and never changed.
 */
final class StoredDistribution {
    static final String HEADER = "isoenv-store-distribution 1";

    enum Kind { LINK, COPY }

    /** One file of the distribution. */
    static final class File {
        final Kind kind;
        final String sha256;
        final boolean executable;
        final String path;

        File(Kind kind, String sha256, boolean executable, String path) {
            this.kind = kind;
            this.sha256 = sha256;
            this.executable = executable;
            this.path = path;
        }
    }

    final String key;
    final String name;
    final String version;
    final String python;
    final String platform;
    final boolean hasScripts;
    final List<File> files;
    /** Where pip got the distribution's file, as its report said: {@code url}, {@code direct}, {@code hash.ALG}. */
    final java.util.Map<String, String> artifact;

    StoredDistribution(String key, String name, String version, String python, String platform, boolean hasScripts,
                       List<File> files, java.util.Map<String, String> artifact) {
        this.key = key;
        this.artifact = java.util.Map.copyOf(artifact);
        this.name = name;
        this.version = version;
        this.python = python;
        this.platform = platform;
        this.hasScripts = hasScripts;
        this.files = List.copyOf(files);
    }

    String text() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        b.append("key\t").append(key).append('\n');
        b.append("name\t").append(name).append('\n');
        b.append("version\t").append(version).append('\n');
        b.append("python\t").append(python).append('\n');
        b.append("platform\t").append(platform).append('\n');
        b.append("scripts\t").append(hasScripts).append('\n');
        new java.util.TreeMap<>(artifact).forEach((k, v) -> b.append("artifact\t").append(k).append('\t').append(v)
                .append('\n'));
        for (File f : files) {
            b.append(f.kind == Kind.LINK ? "link" : "copy").append('\t').append(f.sha256).append('\t')
                    .append(f.executable ? 'x' : '-').append('\t').append(f.path).append('\n');
        }
        return b.toString();
    }

    static StoredDistribution read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException("not a store manifest of this isoenv: " + file);
        }
        String key = null;
        String name = null;
        String version = null;
        String python = null;
        String platform = "";
        boolean scripts = false;
        List<File> files = new ArrayList<>();
        java.util.Map<String, String> artifact = new java.util.TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", 4);
            switch (f[0]) {
                case "key": key = f[1]; break;
                case "name": name = f[1]; break;
                case "version": version = f[1]; break;
                case "python": python = f[1]; break;
                case "platform": platform = f[1]; break;
                case "scripts": scripts = Boolean.parseBoolean(f[1]); break;
                case "artifact":
                    if (f.length >= 3) {
                        artifact.put(f[1], line.substring(line.indexOf('\t', "artifact\t".length()) + 1));
                    }
                    break;
                case "link":
                case "copy":
                    if (f.length != 4 || f[1].length() != 64) {
                        throw new IOException("damaged store manifest " + file + ": " + line);
                    }
                    files.add(new File(f[0].equals("link") ? Kind.LINK : Kind.COPY, f[1], f[2].equals("x"), f[3]));
                    break;
                default:
                    throw new IOException("damaged store manifest " + file + ": " + line);
            }
        }
        if (key == null || name == null || version == null || python == null) {
            throw new IOException("damaged store manifest " + file);
        }
        return new StoredDistribution(key, name, version, python, platform, scripts, files, artifact);
    }
}
