package dev.isoenv.internal.metadata;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.internal.version.Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads which distributions are installed in a site-packages directory from their metadata files
 * ({@code *.dist-info/METADATA}, {@code *.egg-info/PKG-INFO}), without starting a Python process.
 * Leftovers of interrupted pip runs ({@code ~name} directories) are skipped, as pip itself does.
 */
public final class DistributionScanner {
    private DistributionScanner() {
    }

    /**
     * Lists the distributions in {@code sitePackages}.
     *
     * @param sitePackages a site-packages directory; a missing one holds nothing
     * @return the distributions, sorted by normalized name
     */
    public static List<InstalledDistribution> scan(Path sitePackages) {
        Map<String, InstalledDistribution> found = new LinkedHashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sitePackages)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.startsWith("~")) {
                    continue;
                }
                Path metadata;
                if (file.endsWith(".dist-info")) {
                    metadata = entry.resolve("METADATA");
                } else if (file.endsWith(".egg-info")) {
                    metadata = Files.isDirectory(entry) ? entry.resolve("PKG-INFO") : entry;
                } else {
                    continue;
                }
                InstalledDistribution d = read(metadata);
                if (d != null) {
                    // Two metadata directories for one name (left by an interrupted upgrade): the newer version is
                    // the one Python imports, as importlib.metadata would also report it first.
                    found.merge(d.normalizedName(), d, DistributionScanner::newer);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + sitePackages, e);
        }
        List<InstalledDistribution> result = new ArrayList<>(found.values());
        result.sort(Comparator.comparing(InstalledDistribution::normalizedName));
        return result;
    }

    /**
     * Lists the names of leftovers from interrupted pip runs ({@code ~name} entries), which make later pip runs
     * warn about invalid distributions.
     *
     * @param sitePackages a site-packages directory
     * @return the leftover paths
     */
    public static List<Path> interruptedLeftovers(Path sitePackages) {
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sitePackages, "~*")) {
            entries.forEach(leftovers::add);
        } catch (IOException e) {
            return List.of();
        }
        return leftovers;
    }

    private static InstalledDistribution newer(InstalledDistribution a, InstalledDistribution b) {
        if (Version.isValid(a.version()) && Version.isValid(b.version())) {
            return Version.parse(b.version()).compareTo(Version.parse(a.version())) > 0 ? b : a;
        }
        return a.version().compareTo(b.version()) >= 0 ? a : b;
    }

    private static InstalledDistribution read(Path metadata) {
        if (!Files.isRegularFile(metadata)) {
            return null;
        }
        String name = null;
        String version = null;
        try (BufferedReader reader = Files.newBufferedReader(metadata, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty()) {
                if (name == null && line.regionMatches(true, 0, "Name:", 0, 5)) {
                    name = line.substring(5).strip();
                } else if (version == null && line.regionMatches(true, 0, "Version:", 0, 8)) {
                    version = line.substring(8).strip();
                }
                if (name != null && version != null) {
                    break;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return name == null || version == null || name.isEmpty() ? null : InstalledDistribution.of(name, version);
    }
}
