package dev.isoenv.internal.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isoenv.Requirement;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What each install reported it installed, kept in the environment's state folder ({@code .isoenv/artifacts.json}) so
 * that {@link LockExporter} can write the URL and hashes of each distribution's file. pip 22.2 and newer writes an
 * installation report ({@code pip install --report FILE}): for each distribution it installed, its name, version, and
 * where its file came from ({@code download_info.url}) with the file's hashes ({@code archive_info.hashes}, or
 * {@code archive_info.hash} in older pips). URLs are kept without credentials. A distribution installed again replaces
 * its entry; one that a report does not cover (built from a directory, or installed by a backend without reports)
 * keeps no entry, or one whose version no longer matches, which the export ignores.
 */
public final class ArtifactRecord {
    /** The record's file name in the state folder. */
    public static final String FILE = "artifacts.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One distribution's file. */
    public static final class Entry {
        final String version;
        final String url;
        final Map<String, String> hashes;
        final boolean direct;

        Entry(String version, String url, Map<String, String> hashes, boolean direct) {
            this.version = version;
            this.url = url;
            this.hashes = Map.copyOf(hashes);
            this.direct = direct;
        }

        /**
         * Makes an entry, as the shared store hands one on with a distribution it links.
         *
         * @param version the version installed from the file
         * @param url the file's URL, without credentials
         * @param hashes the file's hashes by algorithm
         * @param direct whether it was a direct URL reference
         * @return the entry
         */
        public static Entry of(String version, String url, Map<String, String> hashes, boolean direct) {
            return new Entry(version, withoutCredentials(url), hashes, direct);
        }

        /**
         * Returns the version installed from the file.
         *
         * @return the version
         */
        public String version() {
            return version;
        }

        /**
         * Returns the file's URL, without credentials.
         *
         * @return the URL
         */
        public String url() {
            return url;
        }

        /**
         * Returns the file's hashes by algorithm.
         *
         * @return the hashes
         */
        public Map<String, String> hashes() {
            return hashes;
        }

        /**
         * Tells whether it was installed from a direct URL reference ({@code name @ url}).
         *
         * @return true for a direct URL
         */
        public boolean direct() {
            return direct;
        }
    }

    private ArtifactRecord() {
    }

    /**
     * Adds what a pip installation report says to the record, replacing the entries of the distributions it names.
     * An unreadable report is ignored: the export then says the files are unknown.
     *
     * @param stateFolder the environment's {@code .isoenv} folder
     * @param report the report pip wrote
     * @throws IOException if the record cannot be written
     */
    public static void addReport(Path stateFolder, Path report) throws IOException {
        Map<String, Entry> found = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(report.toFile());
            for (JsonNode item : root.path("install")) {
                String name = item.path("metadata").path("name").asText("");
                String version = item.path("metadata").path("version").asText("");
                JsonNode info = item.path("download_info");
                String url = info.path("url").asText("");
                JsonNode archive = info.path("archive_info");
                if (name.isEmpty() || version.isEmpty() || url.isEmpty() || archive.isMissingNode()) {
                    continue;
                }
                Map<String, String> hashes = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = archive.path("hashes").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> h = it.next();
                    hashes.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText().toLowerCase(Locale.ROOT));
                }
                String single = archive.path("hash").asText("");
                int eq = single.indexOf('=');
                if (eq > 0) {
                    hashes.putIfAbsent(single.substring(0, eq).toLowerCase(Locale.ROOT),
                            single.substring(eq + 1).toLowerCase(Locale.ROOT));
                }
                found.put(Requirement.normalize(name), new Entry(version, withoutCredentials(url), hashes,
                        item.path("is_direct").asBoolean(false)));
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (found.isEmpty()) {
            return;
        }
        Map<String, Entry> all = new TreeMap<>(read(stateFolder));
        all.putAll(found);
        write(stateFolder, all);
    }

    /**
     * Adds or replaces one distribution's entry, as when the shared store links a distribution that was installed
     * from that file elsewhere.
     *
     * @param stateFolder the environment's {@code .isoenv} folder
     * @param name the distribution's normalized name
     * @param entry its file
     * @throws IOException if the record cannot be written
     */
    public static void put(Path stateFolder, String name, Entry entry) throws IOException {
        Map<String, Entry> all = new TreeMap<>(read(stateFolder));
        all.put(name, entry);
        write(stateFolder, all);
    }

    /**
     * Reads the record.
     *
     * @param stateFolder the environment's {@code .isoenv} folder
     * @return the entries by normalized name; empty when there is no readable record
     */
    public static Map<String, Entry> read(Path stateFolder) {
        Path file = stateFolder.resolve(FILE);
        Map<String, Entry> entries = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("distributions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode d = e.getValue();
                Map<String, String> hashes = new TreeMap<>();
                d.path("hashes").fields().forEachRemaining(h -> hashes.put(h.getKey(), h.getValue().asText()));
                entries.put(e.getKey(), new Entry(d.path("version").asText(), d.path("url").asText(), hashes,
                        d.path("direct").asBoolean(false)));
            }
        } catch (IOException | RuntimeException e) {
            return new TreeMap<>();
        }
        return entries;
    }

    /**
     * Forgets everything, as when an environment is built anew.
     *
     * @param stateFolder the environment's {@code .isoenv} folder
     * @throws IOException if the record cannot be deleted
     */
    public static void clear(Path stateFolder) throws IOException {
        Files.deleteIfExists(stateFolder.resolve(FILE));
    }

    private static void write(Path stateFolder, Map<String, Entry> entries) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        ObjectNode distributions = root.putObject("distributions");
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            ObjectNode d = distributions.putObject(e.getKey());
            d.put("version", e.getValue().version);
            d.put("url", e.getValue().url);
            ObjectNode hashes = d.putObject("hashes");
            new TreeMap<>(e.getValue().hashes).forEach(hashes::put);
            d.put("direct", e.getValue().direct);
        }
        Files.createDirectories(stateFolder);
        Path temporary = Files.createTempFile(stateFolder, FILE, ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), root);
            Files.move(temporary, stateFolder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Removes the user information (user name, password, token) from a URL.
     *
     * @param url the URL
     * @return it without credentials; a URL that does not parse is returned with its credentials masked
     */
    public static String withoutCredentials(String url) {
        try {
            URI u = new URI(url);
            if (u.getRawUserInfo() == null) {
                return url;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), null, null, null).toString()
                    + Optional.ofNullable(u.getRawPath()).orElse("")
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
                    + (u.getRawFragment() == null ? "" : "#" + u.getRawFragment());
        } catch (URISyntaxException e) {
            return dev.isoenv.internal.process.Redactor.maskUrlCredentials(url);
        }
    }
}
