package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The options builder's argument checks. */
class RunOptionsTest {
    @Test
    void aNullTimeoutNamesTheParameter() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> RunOptions.builder().timeout(null));
        assertEquals("timeout", e.getMessage());
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(InvalidSpecException.class, () -> RunOptions.builder().timeout(Duration.ZERO));
        assertEquals(Duration.ofSeconds(3),
                RunOptions.builder().timeout(Duration.ofSeconds(3)).build().timeout().orElseThrow());
    }
}
