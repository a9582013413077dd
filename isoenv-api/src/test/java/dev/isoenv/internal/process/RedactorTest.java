package dev.isoenv.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksUserInfoOfEveryUrl() {
        String line = "Looking in indexes: https://alice:t0k3n@pkgs.example/simple, http://bob@other.example:8080/s";
        assertEquals("Looking in indexes: https://****@pkgs.example/simple, http://****@other.example:8080/s",
                Redactor.maskUrlCredentials(line));
    }

    @Test
    void leavesUrlsWithoutCredentialsAndEmailAddressesAlone() {
        String line = "see https://pkgs.example/simple and mail admin@example.org";
        assertEquals(line, Redactor.maskUrlCredentials(line));
    }

    @Test
    void masksLiteralSecretsWhereverATookPrintsThem() {
        Redactor r = Redactor.of(List.of("t0k3n-long", "x"));
        assertEquals("401 for token ****, user ok", r.redact("401 for token t0k3n-long, user ok"));
        assertEquals("x marks the spot", r.redact("x marks the spot"), "secrets shorter than 3 characters are ignored");
        assertFalse(r.redact(List.of("--x", "https://u:t0k3n-long@h/")).toString().contains("t0k3n"));
    }

    @Test
    void anacondaChannelTokensAreMasked() {
        assertEquals("-c https://conda.anaconda.org/t/****/private-channel and https://host/t/****/x",
                Redactor.maskUrlCredentials("-c https://conda.anaconda.org/t/ab-12cd34ef/private-channel and"
                        + " https://host/t/tok3n/x"));
        assertEquals("a path like /opt/t/data/x is not a URL", Redactor.maskUrlCredentials(
                "a path like /opt/t/data/x is not a URL"));
    }
}
