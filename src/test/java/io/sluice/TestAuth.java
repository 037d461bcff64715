package io.sluice;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.sluice.security.Role;

/**
 * Credentials for {@code @QuarkusTest}s. Every endpoint needs a bearer token; the admin token is the
 * bootstrap key configured for tests ({@code %test.sluice.auth.bootstrap-key}), editor and viewer keys
 * are created through {@code POST /v0/api-keys} on first use.
 *
 * <pre>
 * TestAuth.as(Role.EDITOR).contentType(ContentType.JSON).body(...).post("/v0/pipelines").then().statusCode(201);
 * </pre>
 */
public final class TestAuth {
    private static final Map<Role, String> KEYS = new ConcurrentHashMap<>();

    private TestAuth() {
    }

    /** The admin key every test run has: the configured bootstrap key. */
    public static String adminKey() {
        return ConfigProvider.getConfig().getValue("sluice.auth.bootstrap-key", String.class);
    }

    /** A key of {@code role}: the bootstrap key for admin, else one shared key per role, created on first use. */
    public static String keyFor(Role role) {
        if (role == Role.ADMIN) {
            return adminKey();
        }
        return KEYS.computeIfAbsent(role, r -> createKey("test-" + r.wireName(), r));
    }

    /** Creates a new key named {@code namePrefix-<random>} with {@code role} and returns the key itself. */
    public static String createKey(String namePrefix, Role role) {
        return given().auth().oauth2(adminKey())
                .contentType(ContentType.JSON)
                .body(Map.of("name", namePrefix + "-" + UUID.randomUUID().toString().substring(0, 8),
                        "role", role.wireName()))
                .when().post("/v0/api-keys")
                .then().statusCode(201)
                .extract().path("api_key");
    }

    /** A request authenticated with a key of {@code role}. */
    public static RequestSpecification as(Role role) {
        return given().auth().oauth2(keyFor(role));
    }

    /** A request authenticated as admin. */
    public static RequestSpecification asAdmin() {
        return as(Role.ADMIN);
    }
}
