package io.sluice.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

class RoleClaimTest {

    private static Role strongest(Map<String, Object> claims, String claim) {
        return RoleClaim.strongest(claims::get, claim);
    }

    @Test
    void listsSetsAndJsonArrays() {
        assertEquals(Role.EDITOR, strongest(Map.of("groups", Set.of("viewer", "editor")), "groups"));
        assertEquals(Role.ADMIN, strongest(Map.of("groups", List.of("admin", "viewer")), "groups"));
        assertEquals(Role.VIEWER, strongest(Map.of("roles", Json.createArrayBuilder().add("other").add("viewer").build()),
                "roles"));
    }

    @Test
    void separatedStringsAndCase() {
        assertEquals(Role.ADMIN, strongest(Map.of("scope", "openid viewer ADMIN"), "scope"));
        assertEquals(Role.EDITOR, strongest(Map.of("roles", "viewer,editor"), "roles"));
        assertEquals(Role.VIEWER, strongest(Map.of("role", Json.createValue("viewer")), "role"));
    }

    @Test
    void nestedPathsAndNamesWithDots() {
        JsonObject realmAccess = Json.createObjectBuilder()
                .add("roles", Json.createArrayBuilder().add("offline_access").add("editor")).build();
        assertEquals(Role.EDITOR, strongest(Map.of("realm_access", realmAccess), "realm_access.roles"));
        assertEquals(Role.ADMIN, strongest(Map.of("https://sluice.example/roles", List.of("admin")),
                "https://sluice.example/roles"));
    }

    @Test
    void nothingKnown() {
        assertNull(strongest(Map.of("groups", List.of("staff", "administrators")), "groups"));
        assertNull(strongest(Map.of(), "groups"));
        assertNull(strongest(Map.of("realm_access", "x"), "realm_access.roles"));
        assertNull(strongest(Map.of("groups", 42), "groups"));
    }
}
