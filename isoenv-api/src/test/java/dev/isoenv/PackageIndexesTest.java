package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageIndexesTest {

    @Test
    void neverShowsCredentials() {
        PackageIndexes indexes = PackageIndexes.builder()
                .indexUrl("https://alice:p%40ss-w0rd@pkgs.example/simple")
                .extraIndexUrl("https://__token__:abc123def@other.example/simple")
                .build();
        String shown = indexes.toString() + EnvironmentSpec.builder(java.nio.file.Path.of("env")).indexes(indexes).build();
        assertFalse(shown.contains("p%40ss-w0rd"), shown);
        assertFalse(shown.contains("abc123def"), shown);
        assertTrue(shown.contains("https://****@pkgs.example/simple"), shown);
        assertEquals("pip said: password **** rejected", indexes.mask("pip said: password p@ss-w0rd rejected"),
                "the decoded form of the password is a secret too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--extra-index-url=https://evil", "ftp://host/simple", "https://host/with space",
            "not a url", "", "javascript:alert(1)"})
    void rejectsBadUrls(String url) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> PackageIndexes.builder().indexUrl(url));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void errorsAboutBadUrlsDoNotLeakTheirCredentials() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> PackageIndexes.builder().extraIndexUrl("ftp://bob:hunter22@host/simple"));
        assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
    }

    @Test
    void exclusiveIndexesNeedAnIndex() {
        assertThrows(InvalidSpecException.class, () -> PackageIndexes.builder().exclusive().build());
        PackageIndexes only = PackageIndexes.only("https://download.pytorch.org/whl/cu126");
        assertTrue(only.isExclusive());
        assertFalse(only.isMachineDefault());
        assertTrue(PackageIndexes.machineDefaults().isMachineDefault());
    }
}
