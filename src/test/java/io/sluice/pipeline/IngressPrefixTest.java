package io.sluice.pipeline;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.sluice.TestAuth;
import io.sluice.support.Api;

/**
 * Behind an ingress path prefix (e.g. /api/pinot), by run-time configuration alone
 * ({@code sluice.http.root-path}; the packaged jar is checked by {@code io.sluice.metrics.OperationsIT}).
 */
@QuarkusTest
@TestProfile(IngressPrefixTest.UnderPrefix.class)
class IngressPrefixTest {
    public static class UnderPrefix implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.http.root-path", "/api/pinot");
        }
    }

    @Test
    void everyEndpointAndLocationLivesUnderThePrefix() {
        String name = Api.unique("prefixed");
        given().basePath("").header("Authorization", "Bearer " + TestAuth.adminKey()).contentType(ContentType.JSON)
                .body(Map.of("program_code", "CREATE TABLE prefixed (id INT)"))
                .put("/api/pinot/v0/pipelines/" + name).then().statusCode(201)
                .header("Location", endsWith("/api/pinot/v0/pipelines/" + name));
        given().basePath("").header("Authorization", "Bearer " + TestAuth.adminKey())
                .get("/api/pinot/v0/pipelines/" + name).then().statusCode(200).body("name", equalTo(name));
        given().basePath("").get("/api/pinot/q/health/ready").then().statusCode(200);
        given().basePath("").get("/api/pinot/q/openapi?format=json").then().statusCode(200)
                .body("servers[0].url", equalTo("/api/pinot"));
        given().basePath("").get("/q/health/ready").then().statusCode(404).body("error_code", equalTo("NotFound"));
        given().basePath("").header("Authorization", "Bearer " + TestAuth.adminKey())
                .get("/v0/pipelines/" + name).then().statusCode(404);
    }
}
