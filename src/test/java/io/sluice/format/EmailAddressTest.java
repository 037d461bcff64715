package io.sluice.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"ann@example.com", "a.b+tag@sub.example.co.uk", "o'hara@x-y.io", "x@a1.de", "jörg@müller.de",
        "user_name-1@xn--bcher-kva.example"})
    void valid(String address) {
        assertTrue(EmailAddress.isValid(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "@example.com", "ann@", "ann@example", "ann@@example.com", "ann@exa mple.com",
        ".ann@example.com", "ann.@example.com", "a..b@example.com", "ann@-example.com", "ann@example-.com",
        "ann@example..com", "ann@127.0.0.1", "ann example@x.com", "ann@x.com.", "\"ann\"@x.com", "ann@x_y.com"})
    void invalid(String address) {
        assertFalse(EmailAddress.isValid(address), address);
    }
}
