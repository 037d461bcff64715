package io.sluice.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sluice.TestAuth;
import io.sluice.support.Api;

/**
 * Feldera's Python SDK (python/feldera in the feldera repository) against {@code /v0}, request by
 * request as the SDK builds them (paths, query parameters, bodies, headers; bodiless POSTs carry
 * {@code Content-Type: application/json}), reading the fields the SDK reads, and checking each
 * answer against the schema of Feldera's OpenAPI document ({@link FelderaSchemas}).
 */
@QuarkusTest
class FelderaSdkContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The SDK's one credential: a key minted as Feldera does, with role "write". */
    private static String apiKey;

    /** Minted on first use (the application is not listening yet when a test instance is created). */
    private static synchronized String apiKey() {
        if (apiKey == null) {
            apiKey = TestAuth.asAdmin().contentType(ContentType.JSON)
                    .body(Map.of("name", Api.unique("feldera-sdk"), "role", "write"))
                    .post("/v0/api_keys").then().statusCode(201).extract().path("api_key");
        }
        return apiKey;
    }

    /** HttpRequests.send_request: the SDK's headers on every request. */
    private RequestSpecification sdk() {
        return given().header("Authorization", "Bearer " + apiKey()).header("User-Agent", "feldera-python-sdk/v1")
                .contentType(ContentType.JSON);
    }

    private static JsonNode conforming(String schema, Response response) {
        JsonNode body = tree(response.asString());
        assertEquals(List.of(), FelderaSchemas.problems(schema, body), "answer must fit Feldera's " + schema + ": " + body);
        return body;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the SDK's calls

    /** RuntimeConfig.default().to_dict(): top-level None dropped, Resources() kept with its None entries. */
    private static Map<String, Object> defaultRuntimeConfig() {
        Map<String, Object> resources = new LinkedHashMap<>();
        for (String key : List.of("cpu_cores_max", "cpu_cores_min", "memory_mb_max", "memory_mb_min", "storage_class",
                "storage_mb_max")) {
            resources.put(key, null);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tracing", false);
        config.put("tracing_endpoint_jaeger", "");
        config.put("cpu_profiler", true);
        config.put("max_buffering_delay_usecs", 0);
        config.put("min_batch_size_records", 0);
        config.put("resources", resources);
        return config;
    }

    /** FelderaClient.create_or_update_pipeline's body (PipelineBuilder.create_or_replace). */
    private static Map<String, Object> pipelineBody(String name, String sql, List<String> tags) {
        Map<String, Object> programConfig = new LinkedHashMap<>();
        programConfig.put("profile", "optimized");
        programConfig.put("runtime_version", null);
        programConfig.put("use_platform_compiler", false);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("program_code", sql);
        body.put("udf_rust", "");
        body.put("udf_toml", "");
        body.put("program_config", programConfig);
        body.put("runtime_config", defaultRuntimeConfig());
        body.put("description", "");
        body.put("tags", tags);
        return body;
    }

    private Response get(String name, String selector) {
        return sdk().get("/v0/pipelines/" + name + "?selector=" + selector);
    }

    /** _wait_for_compilation: polls selector=status, then reads selector=all. */
    private JsonNode awaitCompiled(String name) {
        await(name, p -> "Success".equals(p.path("program_status").asText()));
        return conforming("PipelineInfo", get(name, "all").then().statusCode(200).extract().response());
    }

    /** __wait_for_pipeline_state: polls selector=status until deployment_status matches (case-insensitively). */
    private JsonNode await(String name, Predicate<JsonNode> condition) {
        return Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                .until(() -> conforming("PipelineSelectedInfo", get(name, "status").then().statusCode(200).extract().response()),
                        condition::test);
    }

    private static Predicate<JsonNode> deployment(String status) {
        return p -> p.path("deployment_status").asText().equalsIgnoreCase(status);
    }

    /** _inner_start_pipeline: dismiss_error first, then start with dismiss_error=false. */
    private void start(String name) {
        sdk().post("/v0/pipelines/" + name + "/dismiss_error").then().statusCode(200);
        sdk().queryParam("dismiss_error", "false").queryParam("initial", "running")
                .post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        await(name, deployment("running"));
    }

    private void stopForce(String name) {
        sdk().queryParam("force", "true").post("/v0/pipelines/" + name + "/stop").then().statusCode(202);
        await(name, deployment("Stopped"));
    }

    private void clearStorage(String name) {
        sdk().post("/v0/pipelines/" + name + "/clear").then().statusCode(202);
        await(name, p -> "Cleared".equals(p.path("storage_status").asText()));
    }

    // ---- the tests

    @Test
    void theConstructorsConfigCallAnswersFeldersConfiguration() {
        JsonNode config = conforming("Configuration", sdk().get("/v0/config").then().statusCode(200).extract().response());
        assertEquals("Open source", config.path("edition").asText());
        assertFalse(config.path("version").asText().isEmpty());
        assertTrue(config.has("revision"));
        // Feldera's read role is enough; no key is not
        TestAuth.as(io.sluice.security.Role.VIEWER).get("/v0/config").then().statusCode(200);
        given().get("/v0/config").then().statusCode(401);
    }

    @Test
    void createOrReplaceStartPauseResumeStopClearDelete() {
        String name = Api.unique("fsdk");
        String sql = "CREATE TABLE " + name + " (id BIGINT NOT NULL PRIMARY KEY, \"Name\" VARCHAR(40), price DECIMAL(10,2), seen TIMESTAMP)";
        // create_or_replace: Pipeline.get answers 404, so there is nothing to stop
        conforming("ErrorResponse", get(name, "all").then().statusCode(404).body("error_code", equalTo("UnknownPipelineName"))
                .extract().response());
        sdk().body(pipelineBody(name, sql, List.of("team:data", "env:test"))).put("/v0/pipelines/" + name).then()
                .statusCode(201);
        JsonNode compiled = awaitCompiled(name);
        assertEquals(List.of("team:data", "env:test"), JSON.convertValue(compiled.get("tags"), List.class));
        assertEquals(false, compiled.path("program_config").path("use_platform_compiler").asBoolean(true),
                "program_config round-trips as given");
        assertEquals("", compiled.path("udf_rust").asText("x"));
        // Pipeline.from_dict: program_info.schema.inputs[] -> SQLTable(name, fields, case_sensitive, materialized)
        JsonNode table = compiled.path("program_info").path("schema").path("inputs").path(0);
        assertEquals(name.toLowerCase(), table.path("name").asText());
        assertFalse(table.path("case_sensitive").asBoolean(true));
        assertFalse(table.path("materialized").asBoolean(true));
        assertEquals("[\"id\"]", table.path("primary_key").toString());
        assertEquals(0, compiled.path("program_info").path("schema").path("outputs").size());
        JsonNode fields = table.path("fields");
        assertEquals(4, fields.size());
        assertEquals("{\"type\":\"BIGINT\",\"nullable\":false,\"precision\":null,\"scale\":null}", fields.get(0).path("columntype").toString());
        assertEquals("Name", fields.get(1).path("name").asText());
        assertTrue(fields.get(1).path("case_sensitive").asBoolean());
        assertEquals(40, fields.get(1).path("columntype").path("precision").asInt());
        assertEquals("DECIMAL", fields.get(2).path("columntype").path("type").asText());
        assertEquals(2, fields.get(2).path("columntype").path("scale").asInt());
        assertEquals("TIMESTAMP", fields.get(3).path("columntype").path("type").asText());
        assertFalse(fields.get(3).path("unused").asBoolean(true));

        start(name);
        sdk().post("/v0/pipelines/" + name + "/pause").then().statusCode(202);
        await(name, deployment("paused"));
        sdk().post("/v0/pipelines/" + name + "/resume").then().statusCode(202);
        await(name, deployment("running"));

        // create_or_replace over the running pipeline: get, stop(force), clear_storage, dismiss_error, PUT
        conforming("PipelineInfo", get(name, "all").then().statusCode(200).extract().response());
        stopForce(name);
        clearStorage(name);
        sdk().post("/v0/pipelines/" + name + "/dismiss_error").then().statusCode(200);
        sdk().body(pipelineBody(name, sql, List.of())).put("/v0/pipelines/" + name).then().statusCode(200);
        assertEquals(0, awaitCompiled(name).get("tags").size());

        // patch_pipeline sends every field, None as null: only description and tags change
        Map<String, Object> patch = new HashMap<>();
        for (String field : List.of("program_code", "udf_rust", "udf_toml", "program_config", "runtime_config")) {
            patch.put(field, null);
        }
        patch.put("description", "patched");
        patch.put("tags", List.of("x"));
        sdk().body(patch).patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("program_code", equalTo(sql)).body("description", equalTo("patched")).body("tags", equalTo(List.of("x")));

        // Pipeline.delete(clear_storage=True), then the SDK's idempotent delete sees 404
        clearStorage(name);
        sdk().delete("/v0/pipelines/" + name).then().statusCode(204);
        get(name, "status").then().statusCode(404).body("error_code", equalTo("UnknownPipelineName"));
    }

    @Test
    void createPipelineListAndSelectors() {
        String name = Api.unique("fsdkpost");
        sdk().body(pipelineBody(name, "CREATE TABLE " + name + " (id INT)", List.of("a"))).post("/v0/pipelines").then()
                .statusCode(201).body("tags", equalTo(List.of("a")));
        awaitCompiled(name);
        for (String selector : List.of("all", "status", "status_with_connectors")) {
            JsonNode list = tree(sdk().get("/v0/pipelines?selector=" + selector).then().statusCode(200).extract().asString());
            JsonNode mine = null;
            for (JsonNode p : list) {
                if (name.equals(p.path("name").asText())) {
                    mine = p;
                }
            }
            assertNotNull(mine, selector);
            assertEquals(List.of(), FelderaSchemas.problems("all".equals(selector) ? "PipelineInfo" : "PipelineSelectedInfo", mine));
            conforming("PipelineSelectedInfo", get(name, selector).then().statusCode(200).extract().response());
        }
        conforming("ErrorResponse", sdk().get("/v0/pipelines?selector=everything").then().statusCode(400).extract().response());
    }

    @Test
    void waitForCompletionOverARun(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("in"));
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 1; i <= 250; i++) {
            csv.append(i).append(",n").append(i).append('\n');
        }
        csv.append("not-a-number,refused\n"); // one row the column type refuses: a parse error of the source
        Files.writeString(root.resolve("in/part-1.csv"), csv);
        String connector = Api.localConnector(root);
        String name = Api.unique("fsdkrun");
        Map<String, Object> body = pipelineBody(name, "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, name TEXT)", List.of());
        // Sluice's own field: where the rows come from (the SDK passes no such field, Sluice needs it)
        body.put("source", Map.of("connector", connector, "prefix", "in/", "format", "csv", "options", Map.of("header", true)));
        sdk().body(body).put("/v0/pipelines/" + name).then().statusCode(201);
        String id = awaitCompiled(name).path("id").asText();
        start(name);

        JsonNode before = conforming("ControllerStatus", sdk().get("/v0/pipelines/" + name + "/stats").then().statusCode(200)
                .extract().response());
        assertTrue(before.path("global_metrics").path("pipeline_complete").asBoolean(), "no run yet: nothing pending");
        assertEquals("Running", before.path("global_metrics").path("state").asText());

        sdk().post("/api/v1/pipelines/" + id + "/runs").then().statusCode(201);
        // wait_for_completion: status() must be running, then /stats until global_metrics.pipeline_complete
        JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> conforming("ControllerStatus", sdk().get("/v0/pipelines/" + name + "/stats").then()
                        .statusCode(200).extract().response()), s -> s.path("global_metrics").path("pipeline_complete").asBoolean());
        JsonNode metrics = done.path("global_metrics");
        String run = sdk().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200).extract().asString();
        assertEquals(251, metrics.path("total_input_records").asLong(), run);
        assertEquals(250, metrics.path("total_processed_records").asLong());
        assertEquals(251, metrics.path("total_completed_records").asLong());
        assertEquals(0, metrics.path("buffered_input_records").asLong());
        assertEquals(1, metrics.path("total_completed_steps").asLong());
        assertEquals("NoTransaction", metrics.path("transaction_status").asText());
        assertTrue(done.path("outputs").isArray() && done.path("outputs").isEmpty());
        // the source is the one input endpoint, in Feldera's InputEndpointStatus shape
        assertEquals(1, done.path("inputs").size(), done.toString());
        JsonNode source = done.path("inputs").path(0);
        assertEquals(connector, source.path("endpoint_name").asText());
        assertEquals(name.toLowerCase(), source.path("config").path("stream").asText());
        assertEquals(251, source.path("metrics").path("total_records").asLong());
        assertEquals(1, source.path("metrics").path("num_parse_errors").asLong());
        assertEquals(0, source.path("metrics").path("total_bytes").asLong(), "bytes are not measured");
        assertTrue(source.path("metrics").path("end_of_input").asBoolean());
        assertEquals("Healthy", source.path("health").path("status").asText());
        // selector=status_with_connectors: Feldera's ConnectorStats, the rows the run refused
        JsonNode withConnectors = conforming("PipelineSelectedInfo", get(name, "status_with_connectors").then().statusCode(200)
                .extract().response());
        assertEquals(1, withConnectors.path("connectors").path("num_errors").asLong(), withConnectors.toString());
        JsonNode listed = null;
        for (JsonNode p : tree(sdk().get("/v0/pipelines?selector=status_with_connectors").then().statusCode(200).extract().asString())) {
            listed = name.equals(p.path("name").asText()) ? p : listed;
        }
        assertNotNull(listed);
        assertEquals(1, listed.path("connectors").path("num_errors").asLong());
        assertEquals(List.of(), FelderaSchemas.problems("PipelineSelectedInfo", listed));
        stopForce(name);
    }

    @Test
    void clusterHealthIsFeldersHealthStatusFromTheReadinessChecks() {
        JsonNode health = conforming("HealthStatus", sdk().get("/v0/cluster_healthz").then().statusCode(200).extract().response());
        assertTrue(health.path("all_healthy").asBoolean());
        JsonNode ready = tree(given().get("/q/health/ready").then().statusCode(200).extract().asString());
        for (String service : List.of("api", "compiler", "runner")) {
            JsonNode status = health.path(service);
            assertTrue(status.path("healthy").asBoolean(), service);
            assertFalse(java.time.Instant.parse(status.path("unchanged_since").asText())
                    .isAfter(java.time.Instant.parse(status.path("checked_at").asText())), service);
        }
        // the same checks as /q/health/ready: api needs PostgreSQL, runner also ZooKeeper
        for (JsonNode check : ready.path("checks")) {
            String name = check.path("name").asText();
            assertTrue(health.path("runner").path("message").asText().contains(name + ": UP"), health.toString());
            assertEquals(!"zookeeper".equals(name), health.path("api").path("message").asText().contains(name), health.toString());
        }
        // Feldera's read role is enough; no key is not
        TestAuth.as(io.sluice.security.Role.VIEWER).get("/v0/cluster_healthz").then().statusCode(200);
        given().get("/v0/cluster_healthz").then().statusCode(401);
    }

    @Test
    void apiKeysTakeFeldersRolesAndDefaultToRead() {
        RequestSpecification admin = TestAuth.asAdmin().contentType(ContentType.JSON);
        String plain = Api.unique("k");
        admin.body(Map.of("name", plain)).post("/v0/api_keys").then().statusCode(201);
        TestAuth.asAdmin().get("/v0/api_keys/" + plain).then().statusCode(200).body("role", equalTo("viewer"));
        String read = Api.unique("k");
        String readKey = TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("name", read, "role", "read"))
                .post("/v0/api_keys").then().statusCode(201).extract().path("api_key");
        TestAuth.asAdmin().get("/v0/api_keys/" + read).then().statusCode(200).body("role", equalTo("viewer"));
        given().header("Authorization", "Bearer " + readKey).get("/v0/pipelines").then().statusCode(200);
        given().header("Authorization", "Bearer " + readKey).contentType(ContentType.JSON).body(Map.of("name", "nope"))
                .post("/v0/pipelines").then().statusCode(403);
        TestAuth.asAdmin().contentType(ContentType.JSON).body(Map.of("name", Api.unique("k"), "role", "owner"))
                .post("/v0/api_keys").then().statusCode(400).body("error_code", equalTo("InvalidField"));
    }

    @Test
    void dismissErrorAndFelderaOnlyEndpoints() {
        conforming("ErrorResponse", sdk().post("/v0/pipelines/nosuch_pipeline/dismiss_error").then().statusCode(404)
                .body("error_code", equalTo("UnknownPipelineName")).extract().response());
        String name = Api.unique("fsdkother");
        sdk().body(pipelineBody(name, "CREATE TABLE " + name + " (id INT)", List.of())).put("/v0/pipelines/" + name)
                .then().statusCode(201);
        sdk().post("/v0/pipelines/" + name + "/dismiss_error").then().statusCode(200);
        for (String path : List.of("logs", "metrics", "circuit_profile", "time_series")) {
            JsonNode error = conforming("ErrorResponse", sdk().get("/v0/pipelines/" + name + "/" + path).then().statusCode(501)
                    .body("error_code", equalTo("UnsupportedPipelineAction")).extract().response());
            assertEquals(path, error.path("details").path("action").asText());
        }
        for (String path : List.of("checkpoint", "start_transaction", "activate", "ingress/" + name)) {
            sdk().post("/v0/pipelines/" + name + "/" + path).then().statusCode(501)
                    .body("error_code", equalTo("UnsupportedPipelineAction"));
        }
        sdk().get("/v0/pipelines/nosuch_pipeline/logs").then().statusCode(404).body("error_code", equalTo("UnknownPipelineName"));
        conforming("ErrorResponse", sdk().get("/v0/pipelines/nosuch_pipeline/stats").then().statusCode(404).extract().response());
    }
}
