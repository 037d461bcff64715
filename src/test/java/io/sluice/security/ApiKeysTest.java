package io.sluice.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.sluice.security.apikey.ApiKeys;

class ApiKeysTest {

    @Test
    void generatedKeysHaveThePublicPrefixAnd256BitSecrets() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = ApiKeys.generate();
            assertTrue(key.matches("sk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), key);
            assertEquals(key.substring(0, 19), ApiKeys.lookupPrefix(key));
            assertTrue(seen.add(key));
        }
    }

    @Test
    void otherKeysGetAPrefixDerivedFromTheirHash() {
        String key = "sluice-test-admin-key-0123456789abcdef";
        String prefix = ApiKeys.lookupPrefix(key);
        assertEquals("sha256:" + ApiKeys.hashHex(key).substring(0, 16), prefix);
        assertFalse(prefix.contains(key));
        assertNotEquals(prefix, ApiKeys.lookupPrefix(key + "x"));
    }

    @Test
    void hashesMatchInConstantTimeAndRejectGarbage() {
        String key = ApiKeys.generate();
        String stored = ApiKeys.hashHex(key);
        assertEquals(64, stored.length());
        assertTrue(ApiKeys.matches(ApiKeys.hash(key), stored));
        assertFalse(ApiKeys.matches(ApiKeys.hash(key + "x"), stored));
        assertFalse(ApiKeys.matches(ApiKeys.hash(key), "not hex"));
        assertFalse(ApiKeys.matches(ApiKeys.hash(key), stored.substring(2)));
    }

    @Test
    void bearerHeaderParsing() {
        assertEquals("abc", AccessFilter.bearerToken("Bearer abc"));
        assertEquals("abc", AccessFilter.bearerToken("bearer   abc "));
        assertNull(AccessFilter.bearerToken("Basic abc"));
        assertNull(AccessFilter.bearerToken("Bearer"));
        assertNull(AccessFilter.bearerToken("Bearer   "));
        assertNull(AccessFilter.bearerToken(null));
        assertTrue(AccessFilter.isJwt("aaa.bbb.ccc"));
        assertFalse(AccessFilter.isJwt(ApiKeys.generate()));
        assertFalse(AccessFilter.isJwt("a.b.c.d.e"));
        assertFalse(AccessFilter.isJwt("..c"));
    }
}
