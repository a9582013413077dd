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

    /**
     * Property: for a few hundred passwords drawn from RFC 3986's unreserved and reserved characters plus space
     * and '%', no form of the secret (raw, percent-decoded, percent-encoded) shows in anything isoenv prints.
     */
    @Test
    void noFormOfAGeneratedSecretIsEverShown() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" // unreserved
                + ":/?#[]@" + "!$&'()*+,;=" + " %";                                           // reserved, space, %
        java.util.Random random = new java.util.Random(20240611L);
        int accepted = 0;
        for (int n = 0; n < 400; n++) {
            StringBuilder b = new StringBuilder();
            int length = 8 + random.nextInt(13);
            for (int k = 0; k < length; k++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String password = b.toString();
            String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
            boolean asIs = random.nextBoolean();
            String userInfo = (random.nextInt(4) == 0 ? "" : "user" + n + ":") + (asIs ? password : encoded);
            String url = "https://" + userInfo + "@pkgs.example.com/simple";
            java.util.List<String> forms = java.util.List.of(password, encoded, asIs ? password : encoded);
            PackageIndexes indexes;
            try {
                indexes = PackageIndexes.builder().indexUrl(url).extraIndexUrl("https://other.example/simple").build();
            } catch (InvalidSpecException e) {
                assertHidden(forms, e.getMessage(), url);
                continue;
            }
            accepted++;
            String given = indexes.indexUrl().orElseThrow();
            assertHidden(forms, indexes.toString(), url);
            assertHidden(forms, EnvironmentSpec.builder(java.nio.file.Path.of("env")).indexes(indexes).build().toString(), url);
            for (String line : new String[] {"Looking in indexes: " + given + ", https://other.example/simple",
                    "Fetching " + given + "/pkg/", "401 Client Error: Unauthorized for url: " + given + "/pkg/",
                    "WARNING: password " + password + " rejected; encoded " + encoded}) {
                assertHidden(forms, indexes.mask(line), url);
            }
            InvalidSpecException bad = assertThrows(InvalidSpecException.class,
                    () -> PackageIndexes.builder().indexUrl("ftp://" + userInfo + "@pkgs.example.com/simple"));
            assertHidden(forms, bad.getMessage(), url);
        }
        assertTrue(accepted > 100, "enough generated URLs were valid to test masking: " + accepted);
    }

    private static void assertHidden(java.util.List<String> forms, String shown, String url) {
        for (String form : forms) {
            assertFalse(shown.contains(form), () -> "'" + form + "' of " + url + " shows in: " + shown);
        }
    }
}
