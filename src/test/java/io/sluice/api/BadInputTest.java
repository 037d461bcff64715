package io.sluice.api;

import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import io.sluice.TestAuth;
import io.sluice.support.Api;
import io.sluice.support.LogCapture;

/**
 * Inputs a fuzzer found reaching a 500: each is a 4xx with the error body
 * ({@code message}, {@code error_code}, {@code details}) and leaves no ERROR line in the log.
 */
@QuarkusTest
class BadInputTest {
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.errors();
    }

    @AfterEach
    void noErrorLogged() {
        log.close();
        assertEquals(List.of(), log.lines(), "a client's mistake must not log an ERROR");
    }

    private static ValidatableResponse errorBody(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .body("message", notNullValue())
                .body("error_code", equalTo(code))
                .body("$", org.hamcrest.Matchers.hasKey("details"))
                .body("message", not(containsString("io.sluice")))
                .body("message", not(containsString("java.")));
    }

    @Test
    void theLogCaptureSeesAnErrorLine() {
        org.jboss.logging.Logger.getLogger(BadInputTest.class).error("probe of the log capture");
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("probe of the log capture")), log.lines().toString());
        log.close();
        log = LogCapture.errors();
    }

    @Test
    void aNulInAnyPathParameterIs400() {
        String nul = "a%00b";
        List<String[]> requests = List.of(
                new String[] { "GET", "/v0/pipelines/" + nul },
                new String[] { "PUT", "/v0/pipelines/" + nul },
                new String[] { "DELETE", "/v0/pipelines/" + nul },
                new String[] { "POST", "/v0/pipelines/" + nul + "/start" },
                new String[] { "GET", "/v0/pipelines/" + nul + "/events" },
                new String[] { "GET", "/api/v1/connectors/" + nul },
                new String[] { "DELETE", "/api/v1/connectors/" + nul },
                new String[] { "GET", "/v0/api-keys/" + nul },
                new String[] { "DELETE", "/v0/api-keys/" + nul },
                new String[] { "GET", "/api/v1/pipelines/" + nul + "/runs" },
                new String[] { "POST", "/api/v1/pipelines/" + nul + "/runs" },
                new String[] { "GET", "/api/v1/pipelines/p1/runs/" + nul },
                new String[] { "GET", "/tables/" + nul },
                new String[] { "DELETE", "/tables/" + nul },
                new String[] { "GET", "/v0/pipelines?selector=" + nul });
        for (String[] request : requests) {
            errorBody(TestAuth.asAdmin().urlEncodingEnabled(false).contentType("application/json").body("{}")
                    .request(request[0], request[1]).then(), 400, "InvalidCharacter");
        }
    }

    @Test
    void aNulInAnyJsonStringIs400NamingTheField() {
        String name = Api.unique("nul");
        for (Map.Entry<String, Object> body : Map.<String, Object>of(
                "description", Map.of("description", "a\u0000b"),
                "program_code", Map.of("program_code", "CREATE TABLE t (id INT)\u0000"),
                "source.prefix", Map.of("source", Map.of("connector", "c", "format", "csv", "prefix", "in\u0000/")),
                "runtime_config", Map.of("runtime_config", Map.of("tracing_endpoint_jaeger", "x\u0000"))).entrySet()) {
            errorBody(admin().body(body.getValue()).put("/v0/pipelines/" + name).then(), 400, "InvalidJson")
                    .body("message", containsString("NUL"));
        }
        errorBody(admin().body(Map.of("name", Api.unique("c"), "type", "local", "config", Map.of("root", "/tmp/a\u0000b")))
                .post("/api/v1/connectors").then(), 400, "InvalidJson");
        errorBody(admin().body(Map.of("name", "k\u0000", "role", "editor")).post("/v0/api-keys").then(), 400, "InvalidJson")
                .body("details.field", equalTo("name"));
    }

    @Test
    void pagesBeyondTheRangeOfAnOffsetOrNotANumberAre400() {
        String name = Api.unique("pages");
        admin().body(Map.of("program_code", "CREATE TABLE " + name + " (id INT)")).put("/v0/pipelines/" + name)
                .then().statusCode(201);
        errorBody(admin().get("/api/v1/pipelines/" + name + "/runs?page=745951520&size=293").then(), 400, "InvalidField")
                .body("details.field", equalTo("page"));
        errorBody(admin().get("/api/v1/pipelines/" + name + "/runs?page=abc").then(), 400, "InvalidParameter");
        errorBody(admin().get("/api/v1/pipelines/" + name + "/runs?size=99999999999").then(), 400, "InvalidParameter");
        admin().get("/api/v1/pipelines/" + name + "/runs?page=0&size=10").then().statusCode(200);
    }

    @Test
    void jsonValuesOfTheWrongTypeAreNotCoerced() {
        errorBody(admin().body("{\"name\": false, \"role\": \"editor\"}").post("/v0/api-keys").then(), 400, "InvalidJson")
                .body("details.field", equalTo("name"))
                .body("message", equalTo("Field 'name' must be a string"));
        errorBody(admin().body("{\"name\": 12, \"role\": \"editor\"}").post("/v0/api-keys").then(), 400, "InvalidJson");
        String name = Api.unique("types");
        errorBody(admin().body("{\"runtime_config\": {\"workers\": \"x\"}}").put("/v0/pipelines/" + name).then(), 400,
                "InvalidField").body("details.field", equalTo("runtime_config.workers"));
        errorBody(admin().body("{\"runtime_config\": {\"resources\": {\"memory_mb_max\": \"lots\"}}}")
                .put("/v0/pipelines/" + name).then(), 400, "InvalidField");
        errorBody(admin().body("{\"partitions\": \"2\"}").put("/v0/pipelines/" + name).then(), 400, "InvalidJson")
                .body("message", equalTo("Field 'partitions' must be an integer"));
        errorBody(admin().body("{\"partitions\": 2.5}").put("/v0/pipelines/" + name).then(), 400, "InvalidJson");
        errorBody(admin().body("{\"description\": 5}").put("/v0/pipelines/" + name).then(), 400, "InvalidJson");
        admin().get("/v0/pipelines/" + name).then().statusCode(404);
    }

    @Test
    void patchNamesNoJavaClassForAnUnknownField() {
        String name = Api.unique("patch");
        admin().body(Map.of("program_code", "CREATE TABLE " + name + " (id INT)")).put("/v0/pipelines/" + name)
                .then().statusCode(201);
        errorBody(admin().body("{\"nonsense\": 1}").patch("/v0/pipelines/" + name).then(), 400, "InvalidJson")
                .body("message", equalTo("Unknown field 'nonsense'"));
        errorBody(admin().body("{\"partitions\": true}").patch("/v0/pipelines/" + name).then(), 400, "InvalidJson")
                .body("message", equalTo("Field 'partitions' must be an integer"));
    }

    @Test
    void aMethodNotAllowedSaysWhichAre() {
        errorBody(admin().get("/v0/pipelines/x/start").then(), 405, "MethodNotAllowed")
                .header("Allow", containsString("POST"));
        errorBody(admin().delete("/v0/pipelines").then(), 405, "MethodNotAllowed")
                .header("Allow", containsString("GET"));
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        // quarkus.http.limits.max-body-size is 10M; the server answers on the announced length, before the body.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", RestAssured.port)) {
            socket.getOutputStream().write(("PUT /v0/pipelines/big HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestAuth.adminKey() + "\r\nContent-Type: application/json\r\nContent-Length: " + (11 * 1024 * 1024)
                    + "\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine);
        }
    }

    @Test
    void pinotsTriggerWithoutABodyAnswersAsWithTheJsonBody() throws Exception {
        String table = Api.unique("nosuch");
        ValidatableResponse withBody = admin().body(Map.of("taskType", "ExternalTableSyncTask", "tableName", table))
                .post("/tasks/schedule").then().statusCode(404);
        // as curl -X POST sends it: no body, no Content-Type (rest-assured would add one)
        java.net.http.HttpResponse<String> withoutBody = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + RestAssured.port
                        + "/tasks/schedule?taskType=ExternalTableSyncTask&tableName=" + table))
                        .header("Authorization", "Bearer " + TestAuth.adminKey())
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, withoutBody.statusCode(), withoutBody.body());
        assertEquals(withBody.extract().<String>path("error_code"),
                io.restassured.path.json.JsonPath.from(withoutBody.body()).getString("error_code"));
    }

    /** An InvalidField answer naming the field as the client wrote it. */
    private static ValidatableResponse invalidField(ValidatableResponse response, String field) {
        return errorBody(response, 400, "InvalidField").body("details.field", equalTo(field))
                .body("message", org.hamcrest.Matchers.startsWith(field + " "));
    }

    @Test
    void pathAndQueryParametersOutsideTheirDocumentedPatternsAre400NamingTheParameter() {
        String pipeline = Api.unique("params");
        admin().body(Map.of("program_code", "CREATE TABLE " + pipeline + " (id INT)")).put("/v0/pipelines/" + pipeline)
                .then().statusCode(201);
        invalidField(admin().get("/v0/pipelines/bad%20name").then(), "pipeline_name");
        invalidField(admin().body(Map.of()).put("/v0/pipelines/_starts_with_underscore").then(), "pipeline_name");
        invalidField(admin().get("/v0/pipelines/" + "x".repeat(101)).then(), "pipeline_name");
        invalidField(admin().get("/v0/pipelines/a.b/stats").then(), "pipeline_name");
        invalidField(admin().get("/v0/pipelines/a.b/events").then(), "pipeline_name");
        invalidField(admin().get("/v0/pipelines/" + pipeline + "/events/nope").then(), "event_id");
        invalidField(admin().get("/v0/pipelines/" + pipeline + "/events?selector=status_with_connectors").then(), "selector");
        invalidField(admin().get("/v0/pipelines?selector=everything").then(), "selector");
        invalidField(admin().post("/v0/pipelines/" + pipeline + "/start?initial=sideways").then(), "initial");
        invalidField(admin().get("/api/v1/connectors/-dash").then(), "name");
        invalidField(admin().get("/api/v1/pipelines/" + pipeline + "/runs/not-a-uuid").then(), "runId");
        invalidField(admin().get("/api/v1/pipelines/a.b/runs").then(), "id");
        invalidField(TestAuth.asAdmin().urlEncodingEnabled(false).get("/v0/api-keys/%20padded").then(), "api_key_name");
        // the same parameters, well formed: they reach the service (a name that exists, or its 404)
        admin().get("/v0/pipelines/" + pipeline + "?selector=status_with_connectors").then().statusCode(200);
        admin().get("/v0/pipelines/" + pipeline + "/events/latest").then().statusCode(200);
        errorBody(admin().get("/v0/pipelines/" + pipeline + "/events/" + java.util.UUID.randomUUID()).then(), 404, "UnknownPipelineEvent");
        errorBody(admin().get("/v0/pipelines/_x_OFFLINE").then(), 404, "UnknownPipelineName");
        errorBody(admin().get("/api/v1/connectors/Production S3.v2").then(), 404, "UnknownConnector");
        errorBody(admin().get("/api/v1/pipelines/" + pipeline + "/runs/" + java.util.UUID.randomUUID()).then(), 404, "UnknownRun");
        errorBody(TestAuth.asAdmin().get("/v0/api-keys/no such key").then(), 404, "UnknownApiKey");
    }

    @Test
    void bodyConstraintsAre400NamingTheJsonField() {
        String name = Api.unique("constraints");
        String connector = Api.localConnector(Api.tempDir());
        Map<String, Object> source = Map.of("connector", connector, "format", "csv");
        invalidField(admin().body(Map.of("partitions", 0)).put("/v0/pipelines/" + name).then(), "partitions")
                .body("message", equalTo("partitions must be between 1 and 64"));
        invalidField(admin().body(Map.of("partitions", 65)).put("/v0/pipelines/" + name).then(), "partitions");
        invalidField(admin().body(Map.of("max_failed_rows", -1)).put("/v0/pipelines/" + name).then(), "max_failed_rows");
        invalidField(admin().body(Map.of("name", "-" + name)).post("/v0/pipelines").then(), "name");
        invalidField(admin().body(Map.of("source", Map.of("format", "csv"))).put("/v0/pipelines/" + name).then(), "source.connector");
        invalidField(admin().body(Map.of("source", Map.of("connector", connector))).put("/v0/pipelines/" + name).then(), "source.format");
        invalidField(admin().body(Map.of("source", Map.of("connector", "bad/name", "format", "csv"))).put("/v0/pipelines/" + name).then(),
                "source.connector");
        invalidField(admin().body(Map.of("polling", Map.of("enabled", false, "intervalMinutes", 0))).put("/v0/pipelines/" + name).then(),
                "polling.intervalMinutes");
        invalidField(admin().body(Map.of("validation", Map.of("email", List.of(Map.of("message", "no rule")))))
                .put("/v0/pipelines/" + name).then(), "validation.email[0].rule");
        invalidField(admin().body("{\"tags\": [\"a\", null]}").put("/v0/pipelines/" + name).then(), "tags[1]");
        // every violation is listed, the first (by field) in the message
        errorBody(admin().body(Map.of("partitions", 0, "max_failed_rows", -5)).put("/v0/pipelines/" + name).then(), 400, "InvalidField")
                .body("details.violations.field", equalTo(List.of("max_failed_rows", "partitions")));
        admin().get("/v0/pipelines/" + name).then().statusCode(404);
        // the bounds themselves are accepted
        admin().body(Map.of("partitions", 64, "max_failed_rows", 0, "source", source, "tags", List.of("a"),
                "polling", Map.of("enabled", false, "intervalMinutes", 1),
                "validation", Map.of("id", List.of(Map.of("rule", "not_null"))))).put("/v0/pipelines/" + name)
                .then().statusCode(201).body("partitions", equalTo(64));
        invalidField(admin().body(Map.of("name", "-x", "type", "local", "config", Map.of("root", "/tmp")))
                .post("/api/v1/connectors").then(), "name");
        invalidField(admin().body(Map.of("name", "a/b", "role", "viewer")).post("/v0/api-keys").then(), "name");
        invalidField(admin().body(Map.of("name", "k".repeat(129), "role", "viewer")).post("/v0/api-keys").then(), "name");
    }

    @Test
    void aTableConfigIsTypedAndStrictWhereSluiceReadsItAndIgnoresPinotsOtherFields() {
        String table = Api.unique("typed").replace('-', '_');
        String task = "\"task\": {\"taskTypeConfigsMap\": {\"ExternalTableSyncTask\": {\"connector\": \"none\","
                + " \"inputDirURI\": \"s3://b/p/\"}}}";
        errorBody(admin().body("{\"tableName\": 5, " + task + "}").post("/tables").then(), 400, "InvalidJson")
                .body("details.field", equalTo("tableName"));
        errorBody(admin().body("{\"tableName\": \"" + table + "\", \"schema\": \"columns\", " + task + "}")
                .post("/tables").then(), 400, "InvalidJson").body("details.field", equalTo("schema"));
        errorBody(admin().body("{\"tableName\": \"" + table + "\", \"task\": {\"taskTypeConfigsMap\": {\"ExternalTableSyncTask\":"
                + " {\"connector\": \"none\", \"catalog.retries\": 3}}}}").post("/tables").then(), 400, "InvalidJson");
        errorBody(admin().body("{\"tableName\": \"" + table + "\", \"task\": {\"taskTypeConfigsMap\": {\"ExternalTableSyncTask\":"
                + " {\"append-only\": true}}}}").post("/tables").then(), 400, "InvalidJson");
        invalidField(admin().body("{\"tableName\": \"has-dash\", " + task + "}").post("/tables").then(), "tableName");
        invalidField(admin().body("{\"tableName\": \"" + "t".repeat(56) + "\", " + task + "}").post("/tables").then(), "tableName");
        invalidField(admin().body("{\"tableName\": \"" + table + "\", \"tableType\": \"REALTIME\", " + task + "}")
                .post("/tables").then(), "tableType");
        invalidField(admin().body("{\"tableName\": \"" + table + "\"}").post("/tables").then(), "task");
        errorBody(admin().body("{\"tableName\": \"" + table + "\", \"task\": {\"taskTypeConfigsMap\": {}}}")
                .post("/tables").then(), 400, "InvalidField")
                .body("details.field", equalTo("task.taskTypeConfigsMap.ExternalTableSyncTask"));
        invalidField(admin().body("{\"tableName\": \"" + table + "\", \"schema\": {\"dimensionFieldSpecs\": [{\"dataType\": \"INT\"}]}, "
                + task + "}").post("/tables").then(), "schema.dimensionFieldSpecs[0].name");
        // Pinot's own table config fields pass; the config then fails on what Sluice checks (the connector)
        errorBody(admin().body("{\"tableName\": \"" + table + "\", \"segmentsConfig\": {\"replication\": \"1\"},"
                + " \"tenants\": {}, \"metadata\": {\"customConfigs\": {}}, " + task + "}").post("/tables").then(), 404,
                "UnknownConnector");
        invalidField(admin().get("/tables/has-dash").then(), "tableName");
        invalidField(admin().get("/tables/a.b/externalTable/status").then(), "tableNameWithType");
        errorBody(admin().get("/tables/" + table).then(), 404, "TableNotFound");
        errorBody(admin().get("/tables/" + table + "_OFFLINE/externalTable/checkpoint").then(), 404, "TableNotFound");
        admin().get("/tables").then().statusCode(200).body("tables", not(org.hamcrest.Matchers.hasItem(table)));
    }

    @Test
    void patchKeepsWhatItLeavesOutAndClearsSluicesFieldsSentAsNull() {
        String name = Api.unique("patchsem");
        admin().body(Map.of("program_code", "CREATE TABLE " + name + " (id INT)", "description", "first",
                "schedule", "0 0 2 * * ?", "partitions", 3, "max_failed_rows", 10)).put("/v0/pipelines/" + name)
                .then().statusCode(201);
        admin().body(Map.of("description", "second")).patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("description", equalTo("second")).body("schedule", equalTo("0 0 2 * * ?"))
                .body("partitions", equalTo(3)).body("max_failed_rows", equalTo(10));
        // Feldera's fields sent as null: unchanged; Sluice's own sent as null: cleared (default)
        admin().body("{\"description\": null, \"program_code\": null, \"schedule\": null, \"partitions\": null}")
                .patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("description", equalTo("second")).body("program_code", equalTo("CREATE TABLE " + name + " (id INT)"))
                .body("schedule", org.hamcrest.Matchers.nullValue()).body("partitions", equalTo(1))
                .body("max_failed_rows", equalTo(10));
        invalidField(admin().body(Map.of("partitions", 0)).patch("/v0/pipelines/" + name).then(), "partitions");
        invalidField(admin().body(Map.of("max_failed_rows", -1)).patch("/v0/pipelines/" + name).then(), "max_failed_rows");
        invalidField(admin().body(Map.of("name", "not ok")).patch("/v0/pipelines/" + name).then(), "name");
        invalidField(admin().body(Map.of("source", Map.of("format", "csv"))).patch("/v0/pipelines/" + name).then(), "source.connector");
        admin().get("/v0/pipelines/" + name).then().statusCode(200).body("partitions", equalTo(1)).body("name", equalTo(name));
    }

    @Test
    void streamsOfWhatDoesNotExistAre404BeforeAnyStream() {
        String pipeline = Api.unique("nostream");
        admin().body(Map.of("program_code", "CREATE TABLE " + pipeline + " (id INT)")).put("/v0/pipelines/" + pipeline)
                .then().statusCode(201);
        errorBody(admin().accept("text/event-stream").get("/v0/pipelines/" + Api.unique("nosuch") + "/events").then(), 404,
                "UnknownPipelineName").contentType(io.restassured.http.ContentType.JSON);
        errorBody(admin().accept("text/event-stream").get("/api/v1/pipelines/" + pipeline + "/runs/"
                + java.util.UUID.randomUUID() + "/progress").then(), 404, "UnknownRun").contentType(io.restassured.http.ContentType.JSON);
        errorBody(admin().accept("text/event-stream").get("/api/v1/pipelines/" + Api.unique("nosuch") + "/runs/"
                + java.util.UUID.randomUUID() + "/progress").then(), 404, "UnknownPipeline");
        errorBody(admin().accept("text/event-stream").header("Last-Event-ID", "garbage")
                .get("/v0/pipelines/" + pipeline + "/events").then(), 400, "InvalidField");
    }
}
