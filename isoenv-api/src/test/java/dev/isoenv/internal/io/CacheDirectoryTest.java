package dev.isoenv.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.spi.OperatingSystem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The cache directory follows each operating system's convention, and a setting overrides it. */
class CacheDirectoryTest {
    private static final Path HOME = Path.of(System.getProperty("java.io.tmpdir"), "home").toAbsolutePath();
    private static final UnaryOperator<String> NO_PROPERTIES = name -> null;

    private static Optional<Path> of(OperatingSystem os, Map<String, String> env) {
        return CacheDirectory.of(os, env, NO_PROPERTIES);
    }

    @Test
    void linuxUsesXdgCacheHomeElseDotCache() {
        Path xdg = HOME.resolve("xdg");
        assertEquals(Optional.of(xdg.resolve("isoenv")),
                of(OperatingSystem.LINUX, Map.of("XDG_CACHE_HOME", xdg.toString(), "HOME", HOME.toString())));
        assertEquals(Optional.of(HOME.resolve(".cache").resolve("isoenv")),
                of(OperatingSystem.LINUX, Map.of("HOME", HOME.toString())));
        assertEquals(Optional.of(HOME.resolve(".cache").resolve("isoenv")),
                of(OperatingSystem.OTHER_POSIX, Map.of("XDG_CACHE_HOME", "relative/is/ignored", "HOME",
                        HOME.toString())), "the XDG specification ignores a relative path");
    }

    @Test
    void macOsUsesLibraryCaches() {
        assertEquals(Optional.of(HOME.resolve("Library").resolve("Caches").resolve("isoenv")),
                of(OperatingSystem.MACOS, Map.of("HOME", HOME.toString(), "XDG_CACHE_HOME", "/elsewhere")));
    }

    @Test
    void windowsUsesLocalAppDataElseTheProfile() {
        Path local = HOME.resolve("AppData").resolve("Local");
        assertEquals(Optional.of(local.resolve("isoenv").resolve("Cache")),
                of(OperatingSystem.WINDOWS, Map.of("LocalAppData", local.toString())), "names in any case");
        assertEquals(Optional.of(local.resolve("isoenv").resolve("Cache")),
                of(OperatingSystem.WINDOWS, Map.of("USERPROFILE", HOME.toString())));
    }

    @Test
    void thePropertyThenTheVariableOverrideTheConvention() {
        Path property = HOME.resolve("by-property");
        Path variable = HOME.resolve("by-variable");
        Map<String, String> env = Map.of(CacheDirectory.VARIABLE, variable.toString(), "HOME", HOME.toString());
        assertEquals(Optional.of(property), CacheDirectory.of(OperatingSystem.LINUX, env,
                name -> name.equals(CacheDirectory.PROPERTY) ? property.toString() : null));
        assertEquals(Optional.of(variable), of(OperatingSystem.LINUX, env));
        assertEquals(Optional.of(variable), CacheDirectory.of(OperatingSystem.LINUX, env,
                name -> name.equals(CacheDirectory.PROPERTY) ? "  " : null), "a blank setting is no setting");
    }

    @Test
    void withoutAHomeTheUserHomePropertyIsUsedAndWithoutThatThereIsNoCache() {
        assertEquals(Optional.of(HOME.resolve(".cache").resolve("isoenv")), CacheDirectory.of(OperatingSystem.LINUX,
                Map.of(), name -> name.equals("user.home") ? HOME.toString() : null));
        assertEquals(Optional.empty(), of(OperatingSystem.LINUX, Map.of()));
    }
}
