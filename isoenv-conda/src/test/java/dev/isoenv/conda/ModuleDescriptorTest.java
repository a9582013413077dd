package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The backend must be found both on the class path (the services file auto-service writes) and on the module path
 * (module-info's provides), and both must name the same provider; the module exports nothing.
 */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void providesAndTheServicesFileNameTheSameInstaller() throws IOException {
        ModuleDescriptor descriptor = ModuleFinder.of(CLASSES).find("dev.isoenv.conda").orElseThrow().descriptor();
        Set<String> provided = new TreeSet<>();
        for (ModuleDescriptor.Provides p : descriptor.provides()) {
            assertEquals("dev.isoenv.spi.Installer", p.service());
            provided.addAll(p.providers());
        }
        List<String> lines = Files.readAllLines(CLASSES.resolve("META-INF/services/dev.isoenv.spi.Installer"));
        Set<String> registered = new TreeSet<>();
        for (String line : lines) {
            if (!line.isBlank() && !line.startsWith("#")) {
                registered.add(line.strip());
            }
        }
        assertEquals(Set.of(CondaInstaller.class.getName()), provided);
        assertEquals(provided, registered);
        assertEquals(Set.of(), descriptor.exports());
    }
}
