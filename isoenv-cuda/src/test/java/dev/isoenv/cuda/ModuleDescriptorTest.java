package dev.isoenv.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The services files written by auto-service must list the same providers as module-info's provides. */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find("dev.isoenv.cuda").orElseThrow().descriptor();
    }

    @Test
    void servicesFilesMatchModuleInfoProvides() throws IOException {
        Map<String, Set<String>> fromModuleInfo = new TreeMap<>();
        for (ModuleDescriptor.Provides p : descriptor().provides()) {
            fromModuleInfo.put(p.service(), new TreeSet<>(p.providers()));
        }
        Map<String, Set<String>> fromServicesFiles = new TreeMap<>();
        try (var files = Files.list(CLASSES.resolve("META-INF/services"))) {
            for (Path file : files.toList()) {
                Set<String> providers = Files.readAllLines(file).stream().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toCollection(TreeSet::new));
                fromServicesFiles.put(file.getFileName().toString(), providers);
            }
        }
        assertEquals(fromModuleInfo, fromServicesFiles);
        assertEquals(Set.of("dev.isoenv.spi.AcceleratorProbe", "dev.isoenv.spi.InstallPlanner"), fromModuleInfo.keySet());
        assertEquals(5, fromModuleInfo.get("dev.isoenv.spi.AcceleratorProbe").size());
    }

    @Test
    void theModuleRequiresOnlyTheApiAndAutoServiceStaticallyAndExportsNothing() {
        ModuleDescriptor d = descriptor();
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = new TreeMap<>();
        for (ModuleDescriptor.Requires r : d.requires()) {
            if (!r.name().equals("java.base")) {
                requires.put(r.name(), r.modifiers());
            }
        }
        assertEquals(Set.of("dev.isoenv.api", "com.google.auto.service"), requires.keySet());
        assertTrue(requires.get("com.google.auto.service").contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertFalse(requires.get("dev.isoenv.api").contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertEquals(Set.of(), d.exports(), "users reach this module through the API; provides needs no export");
    }
}
