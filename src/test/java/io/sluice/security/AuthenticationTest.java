package io.sluice.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sluice.TestAuth;
import io.sluice.security.apikey.ApiKeys;

@QuarkusTest
class AuthenticationTest {

    @Test
    void noTokenIs401WithChallengeAndErrorBody() {
        given().when().get("/v0/api-keys")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType(ContentType.JSON)
                .body("error_code", equalTo("Unauthorized"))
                .body("message", not(emptyOrNullString()))
                .body("details", nullValue());
    }

    @Test
    void otherSchemesAndEmptyBearerAre401() {
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/test-security/whoami")
                .then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer ").get("/test-security/whoami")
                .then().statusCode(401).body("error_code", equalTo("Unauthorized"));
    }

    @Test
    void garbageTokensAre401() {
        for (String token : new String[] { "garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                ApiKeys.generate(), TestAuth.adminKey() + "x", "x".repeat(5000) }) {
            given().auth().oauth2(token).get("/test-security/whoami")
                    .then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body("error_code", equalTo("Unauthorized"));
        }
    }

    @Test
    void bootstrapAdminIsTheCallerSeenByResources() {
        TestAuth.asAdmin().get("/test-security/whoami")
                .then().statusCode(200)
                .body("authenticated", equalTo(true))
                .body("name", equalTo("bootstrap-admin"))
                .body("role", equalTo("admin"))
                .body("via", equalTo("API_KEY"));
    }

    @Test
    void blockingEndpointsAreGuardedAndSeeTheCaller() {
        TestAuth.as(Role.EDITOR).post("/test-security/write")
                .then().statusCode(200)
                .body("role", equalTo("editor"))
                .body("thread_blocking", equalTo(true));
        given().post("/test-security/write").then().statusCode(401);
    }

    @Test
    void roleTooWeakIs403WithRequiredAndActualRole() {
        TestAuth.as(Role.VIEWER).post("/test-security/write")
                .then().statusCode(403)
                .body("error_code", equalTo("Forbidden"))
                .body("details.required_role", equalTo("editor"))
                .body("details.actual_role", equalTo("viewer"));
        for (Role role : new Role[] { Role.VIEWER, Role.EDITOR }) {
            TestAuth.as(role).get("/v0/api-keys")
                    .then().statusCode(403)
                    .body("error_code", equalTo("Forbidden"))
                    .body("details.required_role", equalTo("admin"))
                    .body("details.actual_role", equalTo(role.wireName()));
            TestAuth.as(role).contentType(ContentType.JSON)
                    .body(Map.of("name", "escalate-" + UUID.randomUUID(), "role", "admin"))
                    .post("/v0/api-keys")
                    .then().statusCode(403);
            TestAuth.as(role).delete("/v0/api-keys/bootstrap-admin").then().statusCode(403);
        }
        TestAuth.as(Role.VIEWER).get("/test-security/whoami").then().statusCode(200).body("role", equalTo("viewer"));
    }

    @Test
    void deletedKeyIs401() {
        String name = "short-lived-" + UUID.randomUUID();
        String key = TestAuth.asAdmin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "role", "editor"))
                .post("/v0/api-keys").then().statusCode(201).extract().path("api_key");
        given().auth().oauth2(key).get("/test-security/whoami").then().statusCode(200).body("name", equalTo(name));

        TestAuth.asAdmin().delete("/v0/api-keys/" + name).then().statusCode(204);

        given().auth().oauth2(key).get("/test-security/whoami")
                .then().statusCode(401).body("error_code", equalTo("Unauthorized"));
    }

    @Test
    void methodWithoutAccessIsRefusedToEverybody() {
        TestAuth.asAdmin().get("/test-security/unguarded")
                .then().statusCode(403).body("error_code", equalTo("Forbidden"));
        given().get("/test-security/unguarded").then().statusCode(403);
    }

    @Test
    void healthAndOpenApiStayPublic() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
