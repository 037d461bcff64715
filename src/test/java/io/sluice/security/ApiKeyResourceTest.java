package io.sluice.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sluice.TestAuth;
import io.sluice.security.apikey.ApiKeys;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
class ApiKeyResourceTest {
    private static final String KEY_FORMAT = "^sk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$";

    @Inject
    Pool pool;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Response create(String name, String role) {
        return TestAuth.asAdmin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "role", role))
                .post("/v0/api-keys");
    }

    @Test
    void createShowsTheKeyOnceAndListGetDeleteWork() {
        String name = unique("ci");
        Response created = create(name, "editor");
        created.then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("name", equalTo(name))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("api_key", matchesPattern(KEY_FORMAT));
        assertEquals(List.of("name", "id", "api_key"), List.copyOf(created.jsonPath().getMap("").keySet()));
        String key = created.path("api_key");
        String id = created.path("id");

        String list = TestAuth.asAdmin().get("/v0/api-keys")
                .then().statusCode(200)
                .body("name", hasItem(name))
                .body("find { it.name == '" + name + "' }.id", equalTo(id))
                .body("find { it.name == '" + name + "' }.role", equalTo("editor"))
                .body("find { it.name == '" + name + "' }.created_at", notNullValue())
                .extract().asString();
        String secret = key.substring(20); // after sk_<16 hex>_
        assertFalse(list.contains(secret), "the list must not reveal the key");
        assertFalse(list.contains(ApiKeys.hashHex(key)), "the list must not reveal the hash");
        assertFalse(list.contains("api_key"));

        Response one = TestAuth.asAdmin().get("/v0/api-keys/" + name);
        one.then().statusCode(200)
                .body("id", equalTo(id))
                .body("name", equalTo(name))
                .body("role", equalTo("editor"))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        assertEquals(Set.of("id", "name", "role", "created_at"), one.jsonPath().getMap("").keySet());

        given().auth().oauth2(key).get("/test-security/whoami").then().statusCode(200).body("role", equalTo("editor"));

        TestAuth.asAdmin().delete("/v0/api-keys/" + name).then().statusCode(204);
        TestAuth.asAdmin().get("/v0/api-keys/" + name).then().statusCode(404);
        TestAuth.asAdmin().get("/v0/api-keys").then().body("name", not(hasItem(name)));
    }

    @Test
    void onlyTheHashIsStored() {
        String name = unique("hashed");
        String key = create(name, "viewer").then().statusCode(201).extract().path("api_key");
        Row row = pool.preparedQuery("SELECT * FROM sluice.api_key WHERE name = $1").execute(Tuple.of(name))
                .await().atMost(Duration.ofSeconds(30)).iterator().next();
        assertEquals(ApiKeys.hashHex(key), row.getString("key_hash"));
        assertEquals(key.substring(0, 19), row.getString("key_prefix"));
        assertEquals("viewer", row.getString("role"));
        String secret = key.substring(20); // after sk_<16 hex>_
        for (int i = 0; i < row.size(); i++) {
            String value = String.valueOf(row.getValue(i));
            assertFalse(value.contains(secret), "column " + row.getColumnName(i) + " holds the secret");
        }
    }

    @Test
    void aliasPathBehavesTheSame() {
        String name = unique("alias");
        TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("name", name, "role", "viewer"))
                .post("/v0/api_keys").then().statusCode(201).body("api_key", matchesPattern(KEY_FORMAT));
        TestAuth.asAdmin().get("/v0/api_keys").then().statusCode(200).body("name", hasItem(name));
        TestAuth.asAdmin().get("/v0/api_keys/" + name).then().statusCode(200).body("role", equalTo("viewer"));
        TestAuth.as(Role.VIEWER).get("/v0/api_keys").then().statusCode(403);
        given().get("/v0/api_keys").then().statusCode(401);
        TestAuth.asAdmin().delete("/v0/api_keys/" + name).then().statusCode(204);
        TestAuth.asAdmin().get("/v0/api-keys/" + name).then().statusCode(404).body("error_code", equalTo("UnknownApiKey"));
    }

    @Test
    void duplicateNameIs409() {
        String name = unique("twice");
        create(name, "viewer").then().statusCode(201);
        create(name, "editor").then().statusCode(409)
                .body("error_code", equalTo("DuplicateName"))
                .body("message", containsString(name));
    }

    @Test
    void unknownNameIs404() {
        TestAuth.asAdmin().get("/v0/api-keys/no-such-key").then().statusCode(404)
                .body("error_code", equalTo("UnknownApiKey"));
        TestAuth.asAdmin().delete("/v0/api-keys/no-such-key").then().statusCode(404)
                .body("error_code", equalTo("UnknownApiKey"));
    }

    @Test
    void badRequestsAre400() {
        create(unique("role"), "superuser").then().statusCode(400)
                .body("error_code", equalTo("InvalidField"))
                .body("message", containsString("admin, editor, viewer"))
                .body("details.field", equalTo("role"))
                .body("details.allowed", equalTo(List.of("admin", "editor", "viewer", "read", "write")));
        TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("role", "viewer")).post("/v0/api-keys")
                .then().statusCode(400).body("error_code", equalTo("InvalidField")).body("details.field", equalTo("name"));
        TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("name", "  ", "role", "viewer")).post("/v0/api-keys")
                .then().statusCode(400).body("details.field", equalTo("name"));
        // no role: Feldera's default, read (viewer)
        String noRole = unique("norole");
        TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("name", noRole)).post("/v0/api-keys")
                .then().statusCode(201);
        TestAuth.asAdmin().get("/v0/api-keys/" + noRole).then().statusCode(200).body("role", equalTo("viewer"));
        TestAuth.asAdmin().contentType(ContentType.JSON).body("{\"name\": ").post("/v0/api-keys")
                .then().statusCode(400).body("error_code", notNullValue()).body("message", notNullValue());
        TestAuth.asAdmin().contentType(ContentType.JSON).post("/v0/api-keys")
                .then().statusCode(400).body("details.field", equalTo("name"));
    }

    @Test
    void theLastAdminKeyCannotBeDeleted() {
        // Leave bootstrap-admin as the only admin key (other admin keys come from tests only).
        String extra = unique("admin");
        create(extra, "admin").then().statusCode(201);
        List<String> admins = TestAuth.asAdmin().get("/v0/api-keys").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.role == 'admin' }.name");
        assertTrue(admins.contains("bootstrap-admin") && admins.contains(extra));
        for (String admin : admins) {
            if (!admin.equals("bootstrap-admin")) {
                TestAuth.asAdmin().delete("/v0/api-keys/" + admin).then().statusCode(204);
            }
        }

        TestAuth.asAdmin().delete("/v0/api-keys/bootstrap-admin")
                .then().statusCode(400)
                .body("error_code", equalTo("LastAdminKey"));
        TestAuth.asAdmin().get("/v0/api-keys/bootstrap-admin").then().statusCode(200).body("role", equalTo("admin"));
    }
}
