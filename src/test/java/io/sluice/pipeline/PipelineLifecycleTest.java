package io.sluice.pipeline;

import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static io.sluice.support.Api.resources;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/** A client following seeds B1 and B2: create, start, watch, pause, resume, stop, clear, delete. */
@QuarkusTest
class PipelineLifecycleTest {
    static String connector;

    @BeforeEach
    void connector() {
        if (connector == null) {
            connector = Api.localConnector(Api.tempDir());
        }
    }

    static Map<String, Object> body(String table) {
        return Map.of(
                "description", "customers from the inbox",
                "program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)",
                "source", Map.of("connector", connector, "prefix", "customers/", "format", "csv",
                        "options", Map.of("header", true)),
                "load_strategy", "upsert",
                "partitions", 2,
                "validation", Map.of("email", List.of(Map.of("rule", "email")),
                        "age", List.of(Map.of("rule", "range", "min", 0, "max", 150))),
                "polling", Map.of("enabled", true, "intervalMinutes", 15, "touchFile", "_READY.dat",
                        "deleteAfterProcess", true));
    }

    @Test
    void fullLifecycleAsTheSeedsDescribe() {
        String name = Api.unique("customers");
        String table = Api.unique("customers_t").toLowerCase();
        admin().body(body(table)).put("/v0/pipelines/" + name).then().statusCode(201)
                .body("name", equalTo(name))
                .body("version", equalTo(1))
                .body("program_version", equalTo(1))
                .body("program_status", equalTo("Pending"))
                .body("deployment_status", equalTo("Stopped"))
                .body("deployment_desired_status", equalTo("Stopped"))
                .body("deployment_resources_status", equalTo("Stopped"))
                .body("deployment_resources_desired_status", equalTo("Stopped"))
                .body("deployment_runtime_status", nullValue())
                .body("storage_status", equalTo("Cleared"))
                .body("load_strategy", equalTo("upsert"))
                .body("runtime_config.fault_tolerance.checkpoint_interval_secs", equalTo(60))
                .body("program_config.profile", equalTo("optimized"))
                .body("connectors.source", equalTo(connector))
                .body("$", hasKey("deployment_error"))
                .body("$", hasKey("program_info"));

        JsonPath compiled = awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        assertEquals(table, compiled.getString("program_info.schema.inputs[0].name"));
        assertEquals(List.of("id"), compiled.getList("program_info.schema.inputs[0].primary_key"));

        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        JsonPath running = awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        assertEquals("Provisioned", running.getString("deployment_resources_status"));
        assertEquals("Provisioned", running.getString("deployment_resources_desired_status"));
        assertEquals("Running", running.getString("deployment_status"));
        assertEquals("Running", running.getString("deployment_runtime_desired_status"));
        assertEquals("InUse", running.getString("storage_status"));
        assertEquals("Running", running.getString("deployment_initial"));
        assertTrue(running.getString("deployment_id") != null);
        assertTrue(TestDatabase.tableExists("sluice_data", table), "target table created");

        // selector=status: only status fields
        admin().queryParam("selector", "status").get("/v0/pipelines/" + name).then().statusCode(200)
                .body("$", not(hasKey("program_code")))
                .body("$", not(hasKey("runtime_config")))
                .body("deployment_resources_status", equalTo("Provisioned"))
                .body("$", hasKey("deployment_error"));
        assertStatusViewMatchesFullView(name);
        admin().queryParam("selector", "status").get("/v0/pipelines/no_such_pipeline").then().statusCode(404)
                .body("error_code", equalTo("UnknownPipelineName"));

        // editing, deleting and clearing a running pipeline are refused with a clear 400
        admin().body(body(table)).put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("PipelineNotStopped"));
        admin().delete("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("CannotDeleteNonClearedPipeline"));
        admin().post("/v0/pipelines/" + name + "/clear").then().statusCode(400)
                .body("error_code", equalTo("IllegalPipelineAction"));

        admin().post("/v0/pipelines/" + name + "/pause").then().statusCode(202);
        awaitPipeline(name, p -> "Paused".equals(p.getString("deployment_runtime_status")));
        admin().post("/v0/pipelines/" + name + "/resume").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));

        admin().post("/v0/pipelines/" + name + "/stop").then().statusCode(400)
                .body("error_code", equalTo("UnsupportedStop"));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        JsonPath stopped = awaitPipeline(name, resources("Stopped"));
        assertEquals(null, (Object) stopped.get("deployment_runtime_status"));
        assertEquals("InUse", stopped.getString("storage_status"));

        admin().post("/v0/pipelines/" + name + "/clear").then().statusCode(202);
        awaitPipeline(name, p -> "Cleared".equals(p.getString("storage_status")));
        assertFalse(TestDatabase.tableExists("sluice_data", table), "clear drops the table it created");

        // Events, newest first, with the whole story in them
        List<Map<String, Object>> events = admin().get("/v0/pipelines/" + name + "/events").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<Instant> times = events.stream().map(e -> Instant.parse((String) e.get("recorded_at"))).toList();
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first");
        }
        List<Object> resourceHistory = events.stream().map(e -> e.get("deployment_resources_status")).toList();
        assertTrue(resourceHistory.containsAll(List.of("Stopped", "Provisioning", "Provisioned", "Stopping")));
        assertFalse(events.get(0).containsKey("deployment_error"), "selector defaults to status");
        admin().get("/v0/pipelines/" + name + "/events?selector=all").then().statusCode(200)
                .body("[0]", hasKey("deployment_error"))
                .body("[0]", hasKey("storage_status_details"));
        String latest = admin().get("/v0/pipelines/" + name + "/events/latest").then().statusCode(200)
                .body("storage_status", equalTo("Cleared")).extract().path("event_id");
        admin().get("/v0/pipelines/" + name + "/events/" + latest).then().statusCode(200)
                .body("event_id", equalTo(latest));

        admin().delete("/v0/pipelines/" + name).then().statusCode(204);
        admin().get("/v0/pipelines/" + name).then().statusCode(404)
                .body("error_code", equalTo("UnknownPipelineName"));
    }

    @Test
    void startPausedThenEditAfterStopBumpsVersions() {
        String name = Api.unique("paused");
        String table = Api.unique("paused_t").toLowerCase();
        admin().body(body(table)).put("/v0/pipelines/" + name).then().statusCode(201);
        admin().post("/v0/pipelines/" + name + "/start?initial=paused").then().statusCode(202);
        JsonPath paused = awaitPipeline(name, p -> "Paused".equals(p.getString("deployment_runtime_status")));
        assertEquals("Paused", paused.getString("deployment_initial"));
        assertEquals("Paused", paused.getString("deployment_desired_status"));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, resources("Stopped"));

        JsonPath before = Api.pipeline(name);
        admin().body(Map.of("description", "new words")).patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("description", equalTo("new words"))
                .body("version", equalTo(before.getInt("version") + 1))
                .body("program_version", equalTo(before.getInt("program_version")));
        admin().body(Map.of("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT, city TEXT)"))
                .patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("program_version", equalTo(before.getInt("program_version") + 1))
                .body("program_status", equalTo("Pending"));
        // The table exists with the old shape: provisioning reports the mismatch and stops.
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        JsonPath failed = awaitPipeline(name, p -> p.get("deployment_error") != null
                && "Stopped".equals(p.getString("deployment_resources_status")));
        assertEquals("TargetTableMismatch", failed.getString("deployment_error.error_code"));
        assertEquals("Stopped", failed.getString("deployment_resources_desired_status"));

        String renamed = name + "_renamed";
        admin().body(Map.of("name", renamed)).patch("/v0/pipelines/" + name).then().statusCode(200)
                .body("name", equalTo(renamed));
        admin().get("/v0/pipelines/" + renamed).then().statusCode(200);
    }

    @Test
    void badSqlEndsInSqlErrorWithPositionAndNeverProvisions() {
        String name = Api.unique("badsql");
        admin().body(Map.of("program_code", "CREATE TABLE t (\n  id BIGINT,\n  name FOO\n)"))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        JsonPath failed = awaitPipeline(name, p -> "SqlError".equals(p.getString("program_status")));
        Map<String, Object> message = failed.getMap("program_error.sql_compilation.messages[0]");
        assertTrue(String.valueOf(message.get("message")).contains("FOO"), String.valueOf(message));
        assertEquals(3, message.get("start_line_number"));
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(400)
                .body("error_code", equalTo("ProgramFailedCompilation"));
        assertEquals("Stopped", Api.pipeline(name).getString("deployment_resources_status"));
    }

    @Test
    void upsertWithoutPrimaryKeyDoesNotCompile() {
        String name = Api.unique("nokey");
        admin().body(Map.of("program_code", "CREATE TABLE nokey (id INT)", "load_strategy", "upsert"))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        JsonPath failed = awaitPipeline(name, p -> "SqlError".equals(p.getString("program_status")));
        assertTrue(failed.getString("program_error.sql_compilation.messages[0].message").contains("PRIMARY KEY"));
        admin().body(Map.of("load_strategy", "append")).patch("/v0/pipelines/" + name).then().statusCode(200);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
    }

    @Test
    void provisioningTimesOutWhileTheTargetTableIsLocked() throws Exception {
        String name = Api.unique("locked");
        String table = Api.unique("locked_t").toLowerCase();
        TestDatabase.execute("CREATE SCHEMA IF NOT EXISTS sluice_data");
        TestDatabase.execute("CREATE TABLE sluice_data." + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)");
        Map<String, Object> body = new java.util.HashMap<>(body(table));
        body.put("runtime_config", Map.of("provisioning_timeout_secs", 2));
        admin().body(body).put("/v0/pipelines/" + name).then().statusCode(201);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        try (var lock = TestDatabase.lockExclusively("sluice_data." + table)) {
            admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
            JsonPath failed = awaitPipeline(name, p -> p.get("deployment_error") != null
                    && "Stopped".equals(p.getString("deployment_resources_status")));
            assertEquals("ProvisioningTimeout", failed.getString("deployment_error.error_code"));
        }
        // The lock is gone: the same pipeline provisions, adopting the existing matching table. With
        // room for it: 2 s is the time-out above, which one slow reconciler pass (a loaded CI machine)
        // uses up before provisioning even begins.
        admin().body(Map.of("runtime_config", Map.of("provisioning_timeout_secs", 60))).patch("/v0/pipelines/" + name)
                .then().statusCode(200);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        assertEquals(null, (Object) Api.pipeline(name).get("deployment_error"));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, resources("Stopped"));
        admin().post("/v0/pipelines/" + name + "/clear").then().statusCode(202);
        awaitPipeline(name, p -> "Cleared".equals(p.getString("storage_status")));
        assertTrue(TestDatabase.tableExists("sluice_data", table), "a table the pipeline did not create is kept");
    }

    @Test
    void unreachableConnectorEndsStoppedWithError() throws Exception {
        Path gone = Api.tempDir();
        String vanishing = Api.localConnector(gone);
        String name = Api.unique("gone");
        Map<String, Object> body = new java.util.HashMap<>(body(Api.unique("gone_t").toLowerCase()));
        body.put("source", Map.of("connector", vanishing, "format", "csv"));
        admin().body(body).put("/v0/pipelines/" + name).then().statusCode(201);
        java.nio.file.Files.delete(gone);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        JsonPath failed = awaitPipeline(name, p -> p.get("deployment_error") != null
                && "Stopped".equals(p.getString("deployment_resources_status")));
        assertEquals("ConnectorUnreachable", failed.getString("deployment_error.error_code"));
        admin().get("/v0/pipelines/" + name + "/events?selector=all").then().statusCode(200)
                .body("[0].deployment_has_error", equalTo(true))
                .body("[0].deployment_error.error_code", notNullValue());
    }

    @Test
    void badInputGetsClearErrors() {
        String name = Api.unique("bad");
        admin().body("{\"program_code\": ").put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("InvalidJson"));
        admin().body(Map.of("load_strategy", "merge")).put("/v0/pipelines/" + name).then().statusCode(400)
                .body("message", containsString("append, upsert, replace"));
        admin().body(Map.of("colour", "blue")).put("/v0/pipelines/" + name).then().statusCode(400)
                .body("message", containsString("colour"));
        admin().body(Map.of("schedule", "every tuesday")).put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("InvalidCron"));
        admin().body(Map.of("source", Map.of("connector", connector, "format", "csv", "prefix", "../etc")))
                .put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("PathOutsideConnectorRoot"));
        admin().body(Map.of("source", Map.of("connector", "nope", "format", "csv")))
                .put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("UnknownConnector"));
        admin().body(Map.of("source", Map.of("connector", connector, "format", "csv", "options", Map.of("delimiter", ";;"))))
                .put("/v0/pipelines/" + name).then().statusCode(400)
                .body("details.field", equalTo("source.options"));
        admin().body(Map.of("source", Map.of("connector", connector, "format", "csv", "pattern", "[*.csv")))
                .put("/v0/pipelines/" + name).then().statusCode(400)
                .body("error_code", equalTo("InvalidPattern"));
        admin().body(Map.of("partitions", 0)).put("/v0/pipelines/" + name).then().statusCode(400)
                .body("details.field", equalTo("partitions"));
        admin().body(Map.of()).put("/v0/pipelines/bad%20name").then().statusCode(400);
        admin().get("/v0/pipelines/" + name + "?selector=everything").then().statusCode(400);
        admin().get("/v0/pipelines/" + name).then().statusCode(404);
        admin().body(Map.of("name", name)).post("/v0/pipelines").then().statusCode(201);
        admin().body(Map.of("name", name)).post("/v0/pipelines").then().statusCode(409)
                .body("error_code", equalTo("DuplicateName"));
        admin().get("/v0/pipelines").then().statusCode(200).body("name", org.hamcrest.Matchers.hasItem(name));
    }

    /**
     * selector=status (served by its own query) shows exactly the status fields of selector=all,
     * with the same values; details the monitor may refresh in between are compared by presence.
     */
    private static void assertStatusViewMatchesFullView(String name) {
        Map<String, Object> full = admin().get("/v0/pipelines/" + name).then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Object> status = admin().queryParam("selector", "status").get("/v0/pipelines/" + name)
                .then().statusCode(200).extract().jsonPath().getMap("$");
        List<Map<String, Object>> listed = admin().queryParam("selector", "status").get("/v0/pipelines")
                .then().statusCode(200).extract().jsonPath().getList("$");
        Map<String, Object> inList = listed.stream().filter(p -> name.equals(p.get("name"))).findFirst().orElseThrow();
        assertEquals(status.keySet(), inList.keySet());
        assertEquals(30, status.size(), "every status field of seed B2, and Feldera's tags: " + status.keySet());
        for (String key : status.keySet()) {
            assertTrue(full.containsKey(key), key + " also in selector=all");
            if (!key.endsWith("_details")) {
                assertEquals(full.get(key), status.get(key), key);
                assertEquals(full.get(key), inList.get(key), key + " in the list");
            }
        }
    }
}
