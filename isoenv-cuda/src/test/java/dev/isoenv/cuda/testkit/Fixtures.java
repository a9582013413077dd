package dev.isoenv.cuda.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the fixture files under {@code src/test/resources/fixtures} (see its README.md). */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * Returns a fixture's path.
     *
     * @param relative such as {@code h100-ubuntu24.04-driver580/root}
     * @return the path
     */
    public static Path path(String relative) {
        URL url = Fixtures.class.getResource("/fixtures/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a fixture file.
     *
     * @param relative the fixture
     * @return its text
     */
    public static String text(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds a sysfs PCI tree from a listing of lines {@code /sys/bus/pci/devices/ADDR CLASS VENDOR DEVICE}.
     *
     * @param listing the listing fixture, such as {@code pci/intel-arc-a770-with-igpu.txt}
     * @param root the directory that stands for {@code /}
     * @return the root
     */
    public static Path pciTree(String listing, Path root) {
        try {
            for (String line : text(listing).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split("\\s+");
                Path device = root.resolve(f[0].substring(1));
                Files.createDirectories(device);
                Files.writeString(device.resolve("class"), f[1] + "\n");
                Files.writeString(device.resolve("vendor"), f[2] + "\n");
                Files.writeString(device.resolve("device"), f[3] + "\n");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
