package dev.isoenv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The fixtures are published for backends outside this repository, and depend on no isoenv module. */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void theFixturesExportTheirPackagesAndRequireNoIsoenvModule() {
        ModuleDescriptor descriptor = ModuleFinder.of(CLASSES).find("dev.isoenv.testing").orElseThrow().descriptor();
        Set<String> exports = new TreeSet<>();
        descriptor.exports().forEach(e -> exports.add(e.source()));
        assertEquals(Set.of("dev.isoenv.testing.dist", "dev.isoenv.testing.index", "dev.isoenv.testing.modules",
                "dev.isoenv.testing.python"),
                exports);
        descriptor.requires().forEach(r -> assertFalse(r.name().startsWith("dev.isoenv."), r.toString()));
    }
}
