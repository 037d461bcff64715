package io.sluice.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sluice.TestAuth;
import io.smallrye.jwt.build.Jwt;

@QuarkusTest
@TestProfile(JwtProfile.class)
class JwtAuthenticationTest {

    private static String token(String issuer, Set<String> groups, Instant expiresAt, PrivateKey key) {
        var builder = Jwt.issuer(issuer).upn("alice@example.com").issuedAt(expiresAt.minusSeconds(600)).expiresAt(expiresAt);
        if (groups != null) {
            builder.groups(groups);
        }
        return builder.sign(key);
    }

    private static String token(Set<String> groups) {
        return token(JwtProfile.ISSUER, groups, Instant.now().plusSeconds(300), JwtProfile.privateKey());
    }

    @Test
    void roleComesFromTheGroupsClaim() {
        given().auth().oauth2(token(Set.of("viewer"))).get("/test-security/whoami")
                .then().statusCode(200)
                .body("name", equalTo("alice@example.com"))
                .body("role", equalTo("viewer"))
                .body("via", equalTo("JWT"));
        given().auth().oauth2(token(Set.of("viewer"))).post("/test-security/write")
                .then().statusCode(403).body("details.actual_role", equalTo("viewer"));
        given().auth().oauth2(token(Set.of("editor", "other"))).post("/test-security/write")
                .then().statusCode(200).body("role", equalTo("editor"));
        given().auth().oauth2(token(Set.of("editor"))).get("/v0/api-keys")
                .then().statusCode(403).body("details.required_role", equalTo("admin"));
    }

    @Test
    void theStrongestRolePresentCounts() {
        given().auth().oauth2(token(Set.of("viewer", "admin", "editor"))).get("/v0/api-keys")
                .then().statusCode(200);
    }

    @Test
    void aValidTokenWithoutAKnownRoleIs403() {
        given().auth().oauth2(token(Set.of("staff"))).get("/test-security/whoami")
                .then().statusCode(403)
                .body("error_code", equalTo("Forbidden"))
                .body("details.required_role", equalTo("viewer"))
                .body("details.actual_role", nullValue());
        given().auth().oauth2(token(null)).get("/test-security/whoami").then().statusCode(403);
    }

    @Test
    void wrongIssuerIs401() {
        String token = token("https://evil.example.com", Set.of("admin"), Instant.now().plusSeconds(300),
                JwtProfile.privateKey());
        given().auth().oauth2(token).get("/test-security/whoami")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("error_code", equalTo("Unauthorized"));
    }

    @Test
    void expiredTokenIs401() {
        String token = token(JwtProfile.ISSUER, Set.of("admin"), Instant.now().minusSeconds(3600), JwtProfile.privateKey());
        given().auth().oauth2(token).get("/test-security/whoami")
                .then().statusCode(401).body("error_code", equalTo("Unauthorized"));
    }

    @Test
    void tokenSignedByAnotherKeyIs401() {
        String token = token(JwtProfile.ISSUER, Set.of("admin"), Instant.now().plusSeconds(300),
                JwtProfile.otherKeyPair().getPrivate());
        given().auth().oauth2(token).get("/test-security/whoami").then().statusCode(401);
    }

    @Test
    void tamperedTokenIs401() {
        String token = token(Set.of("viewer"));
        String[] parts = token.split("\\.");
        String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("viewer", "admin").getBytes());
        given().auth().oauth2(parts[0] + "." + forgedClaims + "." + parts[2]).get("/v0/api-keys")
                .then().statusCode(401);
    }

    @Test
    void apiKeysStillWorkNextToJwts() {
        TestAuth.asAdmin().get("/test-security/whoami").then().statusCode(200).body("via", equalTo("API_KEY"));
    }
}
