package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The API module declares the services it loads, exports its packages but not the engine, and knows no backend. */
class ModuleDescriptorTest {
    private final ModuleDescriptor descriptor = ModuleFinder.of(Path.of("target/classes")).find("dev.isoenv.api")
            .orElseThrow().descriptor();

    @Test
    void usesEveryServiceInterface() {
        assertEquals(Set.of("dev.isoenv.spi.Installer", "dev.isoenv.spi.AcceleratorProbe", "dev.isoenv.spi.InstallPlanner"),
                descriptor.uses());
    }

    @Test
    void exportsTheApiButNotTheEngineAndRequiresNoBackend() {
        Set<String> exported = new TreeSet<>();
        descriptor.exports().forEach(e -> exported.add(e.source()));
        assertFalse(exported.contains("dev.isoenv.ensure"));
        assertEquals(true, exported.containsAll(Set.of("dev.isoenv", "dev.isoenv.spi", "dev.isoenv.process")));
        descriptor.requires().forEach(r -> assertFalse(r.name().startsWith("dev.isoenv"), r.name()));
    }
}
