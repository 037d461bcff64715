package io.sluice.source;

import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;

/** {@code /api/v1/connectors} with {@code "type": "s3"}: validation, and credentials shown only by name. */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class S3ConnectorResourceTest {

    static Map<String, Object> body(String name, Map<String, Object> config) {
        return Map.of("name", name, "type", "s3", "config", config);
    }

    static Map<String, Object> config(Map<String, Object> changes) {
        Map<String, Object> config = new HashMap<>(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        changes.forEach((k, v) -> {
            if (v == null) {
                config.remove(k);
            } else {
                config.put(k, v);
            }
        });
        return config;
    }

    @Test
    void createShowsEnvironmentVariableNamesNeverSecrets() {
        String name = Api.unique("Production S3");
        String created = admin().body(body(name, S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201)
                .body("type", equalTo("s3"))
                .body("config.bucket", equalTo(S3ProxyResource.BUCKET))
                .body("config.region", equalTo("us-east-1"))
                .body("config.endpoint", equalTo(S3ProxyResource.endpoint()))
                .body("config.pathStyle", equalTo(true))
                .body("config.accessKeyIdEnv", equalTo(S3ProxyResource.ACCESS_KEY_ENV))
                .body("config.secretAccessKeyEnv", equalTo(S3ProxyResource.SECRET_KEY_ENV))
                .extract().asString();
        String one = admin().get("/api/v1/connectors/" + name).then().statusCode(200).extract().asString();
        String all = admin().get("/api/v1/connectors").then().statusCode(200)
                .body("name", hasItem(name)).extract().asString();
        for (String response : new String[] {created, one, all}) {
            assertFalse(response.contains(S3ProxyResource.secret()), "a response holds the secret: " + response);
        }
    }

    @Test
    void optionalSettingsMayBeLeftOut() {
        String name = Api.unique("aws");
        admin().body(body(name, Map.of("bucket", "my-bucket", "region", "eu-west-1")))
                .post("/api/v1/connectors").then().statusCode(201)
                .body("config.pathStyle", equalTo(false))
                .body("config", not(org.hamcrest.Matchers.hasKey("endpoint")))
                .body("config", not(org.hamcrest.Matchers.hasKey("accessKeyIdEnv")));
    }

    @Test
    void invalidSettingsAre400NamingTheField() {
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("config.bucket", config(Map.of("bucket", "")));
        cases.put("config.region", config(Map.of("region", 5)));
        cases.put("config.endpoint", config(Map.of("endpoint", "127.0.0.1:9000")));
        cases.put("config.pathStyle", config(Map.of("pathStyle", "yes")));
        cases.put("config.accessKeyIdEnv", config(Map.of("accessKeyIdEnv", "MY-KEY")));
        cases.put("config.secretAccessKeyEnv", config(Map.of("secretAccessKeyEnv", "")));
        cases.put("config.colour", config(Map.of("colour", "blue")));
        Map<String, Object> noBucket = config(Map.of());
        noBucket.remove("bucket");
        Map<String, Object> noRegion = config(Map.of());
        noRegion.remove("region");
        Map<String, Object> keyWithoutSecret = config(Map.of());
        keyWithoutSecret.remove("secretAccessKeyEnv");
        for (var c : cases.entrySet()) {
            expect400(c.getValue(), c.getKey());
        }
        expect400(noBucket, "config.bucket");
        expect400(noRegion, "config.region");
        expect400(keyWithoutSecret, "config.secretAccessKeyEnv");
        // Any other variable of the server's environment is refused: it would be sent to the endpoint.
        expect400(config(Map.of("secretAccessKeyEnv", "SLUICE_AUTH_BOOTSTRAP_KEY")), "config.secretAccessKeyEnv");
        expect400(config(Map.of("accessKeyIdEnv", "QUARKUS_DATASOURCE_PASSWORD")), "config.accessKeyIdEnv");
        for (String endpoint : new String[] {"ftp://127.0.0.1/", "http://", "http://[::1", "http://host:9000/?x=1"}) {
            expect400(config(Map.of("endpoint", endpoint)), "config.endpoint");
        }
    }

    @Test
    void secretsInTheRequestAreRefusedWithoutBeingEchoed() {
        String secret = "wJalrXUtnFEMI-K7MDENG-" + Api.unique("s");
        admin().body(body(Api.unique("s3"), config(Map.of("secretAccessKey", secret))))
                .post("/api/v1/connectors").then().statusCode(400)
                .body("details.field", equalTo("config.secretAccessKey"))
                .body(not(containsString(secret)));
        admin().body(body(Api.unique("s3"), config(Map.of("endpoint", "http://key:" + secret + "@127.0.0.1:9000"))))
                .post("/api/v1/connectors").then().statusCode(400)
                .body("details.field", equalTo("config.endpoint"))
                .body(not(containsString(secret)));
    }

    @Test
    void unknownTypeListsTheAllowedOnes() {
        admin().body(Map.of("name", Api.unique("gcs"), "type", "gcs", "config", Map.of()))
                .post("/api/v1/connectors").then().statusCode(400)
                .body("message", containsString("local, s3"));
    }

    @Test
    void replaceAndDelete(@TempDir Path root) {
        String name = Api.unique("changing");
        admin().body(body(name, S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201);
        admin().body(Map.of("type", "s3", "config", config(Map.of("bucket", "another-bucket", "pathStyle", false))))
                .put("/api/v1/connectors/" + name).then().statusCode(200)
                .body("config.bucket", equalTo("another-bucket"))
                .body("config.pathStyle", equalTo(false));
        admin().body(Map.of("type", "s3", "config", config(Map.of("region", ""))))
                .put("/api/v1/connectors/" + name).then().statusCode(400)
                .body("details.field", equalTo("config.region"));
        admin().body(Map.of("type", "local", "config", Map.of("root", root.toString())))
                .put("/api/v1/connectors/" + name).then().statusCode(200)
                .body("type", equalTo("local"))
                .body("config", not(org.hamcrest.Matchers.hasKey("bucket")));
        admin().delete("/api/v1/connectors/" + name).then().statusCode(204);
        admin().get("/api/v1/connectors/" + name).then().statusCode(404);
    }

    private static void expect400(Map<String, Object> config, String field) {
        admin().body(body(Api.unique("bad"), config)).post("/api/v1/connectors").then().statusCode(400)
                .body("error_code", equalTo("InvalidField"))
                .body("details.field", equalTo(field));
    }
}
