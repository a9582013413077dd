package dev.isoenv.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The kit is a library that backends outside this repository (and users, for the JUnit extension) add in test scope:
 * its descriptor must export the kit and the extension,
 * be open for JUnit, and require isoenv's API and the fixtures but no backend.
 */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");
    private static final Set<String> BACKENDS = Set.of("dev.isoenv.venv", "dev.isoenv.uv", "dev.isoenv.conda",
            "dev.isoenv.cuda");

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find("dev.isoenv.tck").orElseThrow().descriptor();
    }

    @Test
    void theKitIsOpenAndExported() {
        ModuleDescriptor descriptor = descriptor();
        assertTrue(descriptor.isOpen(), "JUnit reaches the kit's tests reflectively");
        Set<String> exports = new TreeSet<>();
        descriptor.exports().forEach(e -> {
            assertTrue(e.targets().isEmpty(), "exported to everyone: " + e);
            exports.add(e.source());
        });
        assertEquals(Set.of("dev.isoenv.tck", "dev.isoenv.junit"), exports, "the kit and the JUnit extension");
    }

    @Test
    void theKitRequiresNoBackend() {
        Set<String> required = new TreeSet<>();
        descriptor().requires().forEach(r -> required.add(r.name()));
        assertTrue(required.containsAll(Set.of("dev.isoenv.api", "dev.isoenv.testing", "org.junit.jupiter.api")),
                required.toString());
        for (String backend : BACKENDS) {
            assertTrue(!required.contains(backend), "the kit requires the backend " + backend + ": " + required);
        }
        assertEquals(Set.of(), descriptor().provides(), "the kit registers no service");
    }
}
