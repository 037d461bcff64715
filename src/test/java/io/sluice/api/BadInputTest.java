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
}
