package io.sluice.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class OpenApiSecurityTest {

    @Test
    void bearerSchemeIsRequiredGloballyAndEveryOperationDocuments401And403() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200)
                .body("components.securitySchemes.JWTOrApiKey.type", equalTo("http"))
                .body("components.securitySchemes.JWTOrApiKey.scheme", equalTo("bearer"))
                .body("components.schemas", hasKey("ErrorResponse"))
                .extract().jsonPath();
        assertEquals(List.of(Map.of("JWTOrApiKey", List.of())), doc.getList("security"));

        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        assertTrue(paths.containsKey("/v0/api-keys") && paths.containsKey("/v0/api-keys/{api_key_name}"));
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var operation : path.getValue().entrySet()) {
                if (!List.of("get", "put", "post", "delete", "patch", "head", "options").contains(operation.getKey())) {
                    continue;
                }
                operations++;
                String where = operation.getKey() + " " + path.getKey();
                for (String code : List.of("401", "403")) {
                    String ref = doc.getString("paths.'" + path.getKey() + "'." + operation.getKey() + ".responses.'" + code
                            + "'.content.'application/json'.schema.$ref");
                    assertEquals("#/components/schemas/ErrorResponse", ref, where + " " + code);
                }
            }
        }
        assertTrue(operations >= 4);
        assertFalse(paths.containsKey("/v0/api_keys"), "the alias stays out of the document");
    }
}
