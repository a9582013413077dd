package dev.isoenv.testing.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class UrlPathsTest {
    @Test
    void encodesAllButUnreservedCharacters() {
        assertEquals("torch-2.5.1%2Bcu126-py3-none-any.whl", UrlPaths.encode("torch-2.5.1+cu126-py3-none-any.whl"));
        assertEquals("s3cret%2Ftoken%40%3A%20%C3%A4~", UrlPaths.encode("s3cret/token@: ä~"));
    }

    @Test
    void parsesBasicCredentialsAndComparesThem() {
        BasicCredentials expected = new BasicCredentials("u", "p:w");
        Optional<BasicCredentials> parsed = BasicCredentials.parse("basic dTpwOnc=");

        assertTrue(parsed.isPresent());
        assertTrue(expected.matches(parsed.get()));
        assertFalse(expected.matches(new BasicCredentials("u", "p")));
        assertEquals(Optional.empty(), BasicCredentials.parse("Bearer abc"));
        assertEquals(Optional.empty(), BasicCredentials.parse("Basic !!!"));
        assertEquals(Optional.empty(), BasicCredentials.parse(null));
        assertFalse(expected.toString().contains("p:w"), "the token is not shown");
    }
}
