package io.sluice.run;

import static io.sluice.run.RunApi.awaitRun;
import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.nameOf;
import static io.sluice.run.RunApi.startRun;
import static io.sluice.run.RunApi.write;
import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/** Runs from a local directory: every load strategy, row errors, progress, the errors download, retry. */
@QuarkusTest
class RunsTest {
    @TempDir
    Path root;

    private static Map<String, Object> pipeline(String connector, String prefix, String table, String strategy) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)");
        body.put("source", Map.of("connector", connector, "prefix", prefix, "format", "csv", "options", Map.of("header", true)));
        body.put("load_strategy", strategy);
        body.put("partitions", 2);
        body.put("validation", Map.of("email", List.of(Map.of("rule", "email")),
                "age", List.of(Map.of("rule", "range", "min", 0, "max", 150))));
        return body;
    }

    static String csv(int from, int to, int invalidEvery) {
        StringBuilder sb = new StringBuilder("id,email,age\n");
        for (int i = from; i <= to; i++) {
            boolean invalid = invalidEvery > 0 && i % invalidEvery == 0;
            sb.append(i).append(',').append(invalid ? "not-an-email" : "user" + i + "@example.com").append(',')
                    .append(i % 90).append('\n');
        }
        return sb.toString();
    }

    @Test
    void appendLoadsValidRowsRecordsInvalidOnesAndNeverLoadsAFileTwice() {
        String connector = Api.localConnector(root);
        String table = Api.unique("append_t").toLowerCase();
        String id = create(pipeline(connector, "in/", table, "append"));
        write(root.resolve("in"), "a.csv", csv(1, 3000, 100));
        write(root.resolve("in"), "b.csv", csv(3001, 5000, 0) + "oops,\"unterminated\n");

        String runId = startRun(id);
        JsonPath run = awaitRun(id, runId);
        assertEquals("completed_with_errors", run.getString("status"));
        assertEquals(31, run.getLong("failedRows"), "30 bad emails and one malformed line");
        assertEquals(5000 - 30, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));

        JsonPath progress = admin().get("/api/v1/pipelines/" + id + "/runs/" + runId + "/progress").then().statusCode(200)
                .body("status", equalTo("completed_with_errors"))
                .body("partitions", equalTo(2))
                .body("completedPartitions", equalTo(2))
                .body("partitionDetails", hasSize(2))
                .body("validationErrors", hasSize(20))
                .body("loadStrategy", equalTo("append"))
                .body("durationMs", greaterThan(-1))
                .extract().jsonPath();
        assertEquals(5001, progress.getLong("totalRows"));
        assertEquals(5001, progress.getLong("processedRows"));
        // The two files load concurrently: b.csv's malformed last line may be recorded before a.csv's row 100.
        assertEquals("email", progress.getString("validationErrors.find { it.row == 100 }.column"));
        assertEquals("not-an-email", progress.getString("validationErrors.find { it.row == 100 }.value"));
        List<String> stages = progress.getList("log.stage");
        assertTrue(stages.containsAll(List.of("extract", "load")), stages.toString());

        admin().get("/api/v1/pipelines/" + id + "/runs/" + runId + "/errors").then().statusCode(200)
                .body("runId", equalTo(runId)).body("total", equalTo(31)).body("errors", hasSize(31));
        String csv = admin().header("Accept", "text/csv").get("/api/v1/pipelines/" + id + "/runs/" + runId + "/errors")
                .then().statusCode(200)
                .header("Content-Type", containsString("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"pipeline-run-" + runId + "-errors.csv\""))
                .extract().asString();
        assertTrue(csv.startsWith("Row,Column,Value,Error\r\n"), csv.substring(0, 40));
        assertEquals(32, csv.split("\r\n").length);

        // The same files again: nothing new to load.
        String second = startRun(id);
        JsonPath again = awaitRun(id, second);
        assertEquals("completed", again.getString("status"));
        assertEquals(0, again.getLong("processedRows"));
        assertEquals(5000 - 30, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));

        admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200)
                .body("total", equalTo(2)).body("runs[0].id", equalTo(second));
        admin().post("/api/v1/pipelines/" + id + "/runs/" + second + "/retry").then().statusCode(422)
                .body("error_code", equalTo("RunNotRetryable"));
        admin().get("/api/v1/pipelines/" + id + "/runs/00000000-0000-0000-0000-000000000000").then().statusCode(404);
    }

    @Test
    void aPipelineNeverHasTwoRunsAtOnce() {
        String table = Api.unique("single_t").toLowerCase();
        String id = create(pipeline(Api.localConnector(root), "", table, "append"));
        write(root, "many.csv", csv(1, 50_000, 0));
        String runId = startRun(id);
        admin().post("/api/v1/pipelines/" + id + "/runs").then().statusCode(409)
                .body("error_code", equalTo("RunInProgress"));
        assertEquals("completed", awaitRun(id, runId).getString("status"));
        assertEquals(50_000, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
    }

    @Test
    void upsertKeepsTheLastRowOfAKeyAndUpdatesExistingRows() {
        String connector = Api.localConnector(root);
        String table = Api.unique("upsert_t").toLowerCase();
        String id = create(pipeline(connector, "", table, "upsert"));
        write(root, "1.csv", "id,email,age\n1,a@x.io,10\n2,b@x.io,20\n1,a2@x.io,11\n");
        JsonPath first = awaitRun(id, startRun(id));
        assertEquals("completed", first.getString("status"));
        assertEquals(1, first.getLong("skippedRows"));
        write(root, "2.csv", "id,email,age\n2,b2@x.io,21\n3,c@x.io,30\n");
        assertEquals("completed", awaitRun(id, startRun(id)).getString("status"));
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data." + table + " WHERE id = 1 AND email = 'a2@x.io'"));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data." + table + " WHERE id = 2 AND age = 21"));

        // A key loaded earlier by the same run counts as skipped in any batch (500 rows per batch in
        // tests); a key loaded by an earlier run is an update, not a repeat.
        write(root, "3.csv", csv(1, 600, 0) + csv(1, 100, 0).substring("id,email,age\n".length()));
        JsonPath third = awaitRun(id, startRun(id));
        assertEquals("completed", third.getString("status"));
        assertEquals(700, third.getLong("processedRows"));
        assertEquals(100, third.getLong("skippedRows"), "ids 1-100 again, in the second batch");
        assertEquals(600, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
    }

    @Test
    void replaceSwapsTheWholeTable() {
        String connector = Api.localConnector(root);
        String table = Api.unique("replace_t").toLowerCase();
        String id = create(pipeline(connector, "", table, "replace"));
        write(root, "x.csv", csv(1, 100, 0));
        assertEquals("completed", awaitRun(id, startRun(id)).getString("status"));
        assertEquals(100, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        try {
            Files.delete(root.resolve("x.csv"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        write(root, "y.csv", csv(1000, 1009, 0));
        assertEquals("completed", awaitRun(id, startRun(id)).getString("status"));
        assertEquals(10, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        assertEquals(10, TestDatabase.count("SELECT count(*) FROM sluice_data." + table + " WHERE id >= 1000"));
    }

    @Test
    void aRunOverTheThresholdFailsAndItsRetryResumesWithoutDuplicates() {
        String connector = Api.localConnector(root);
        String table = Api.unique("retry_t").toLowerCase();
        Map<String, Object> body = pipeline(connector, "", table, "append");
        body.put("partitions", 1);
        body.put("max_failed_rows", 5);
        String id = create(body);
        // Errors late in the file: the first batches commit before the threshold trips.
        StringBuilder content = new StringBuilder(csv(1, 4000, 0));
        content.append(csv(4001, 6000, 50).substring("id,email,age\n".length()));
        write(root, "big.csv", content.toString());
        String runId = startRun(id);
        JsonPath failed = awaitRun(id, runId);
        assertEquals("failed", failed.getString("status"));
        assertTrue(failed.getString("errorMessage").contains("max_failed_rows"), failed.getString("errorMessage"));
        long committed = TestDatabase.count("SELECT count(*) FROM sluice_data." + table);
        assertTrue(committed >= 4000 && committed < 6000 - 40, "committed " + committed);

        String name = nameOf(id);
        admin().body(Map.of("max_failed_rows", 1000)).patch("/v0/pipelines/" + name).then().statusCode(200);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        JsonPath retry = admin().post("/api/v1/pipelines/" + id + "/runs/" + runId + "/retry").then().statusCode(201)
                .body("status", equalTo("pending"))
                .body("metadata.retryOf", equalTo(runId))
                .body("metadata.resumable", equalTo(true))
                .body("log[0].stage", equalTo("retry"))
                .extract().jsonPath();
        long resumeFrom = retry.getLong("metadata.resumeFromRow");
        assertTrue(resumeFrom >= 4000, "resumes after the committed rows: " + resumeFrom);
        JsonPath done = awaitRun(id, retry.getString("id"));
        assertEquals("completed_with_errors", done.getString("status"));
        assertEquals(6000 - 40, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        assertEquals(6000 - 40, TestDatabase.count("SELECT count(DISTINCT id) FROM sluice_data." + table));
    }

    @Test
    void anActivePipelineRunsOnItsCronSchedule() {
        String table = Api.unique("cron_t").toLowerCase();
        Map<String, Object> body = pipeline(Api.localConnector(root), "cron/", table, "append");
        body.put("schedule", "* * * * * ?"); // every second
        String id = create(body);
        String name = RunApi.nameOf(id);
        write(root.resolve("cron"), "part1.csv", csv(1, 40, 0));
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);

        String runId = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200)
                        .extract().<String>path("runs.find { it.trigger == 'schedule' }.id"), java.util.Objects::nonNull);
        assertEquals("completed", awaitRun(id, runId).getString("status"));
        assertEquals(40, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
    }

    @Test
    void touchFilePollingStartsARunAndCleansUpAfterIt() {
        String connector = Api.localConnector(root);
        String table = Api.unique("polled_t").toLowerCase();
        String name = RunApi.createPolledAndStart(pipeline(connector, "drop/", table, "append"));
        String id = Api.pipeline(name).getString("id");

        write(root.resolve("drop"), "part1.csv", csv(1, 50, 0));
        admin().post("/api/v1/pipelines/poll").then().statusCode(200).body("triggered", equalTo(0));
        write(root.resolve("drop"), "_READY.dat", "");
        admin().get("/api/v1/pipelines/poll").then().statusCode(200)
                .body("pipelines.find { it.id == '" + id + "' }.polling.touchFile", equalTo("_READY.dat"))
                .body("pipelines.find { it.id == '" + id + "' }.connectorType", equalTo("local"));
        admin().post("/api/v1/pipelines/poll").then().statusCode(200)
                .body("triggered", equalTo(1))
                .body("message", containsString("triggered 1 runs"));
        String runId = admin().get("/api/v1/pipelines/" + id + "/runs").then().extract().path("runs[0].id");
        assertEquals("completed", awaitRun(id, runId).getString("status"));
        assertEquals(50, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(root.resolve("drop/_READY.dat")));
        assertFalse(Files.exists(root.resolve("drop/part1.csv")), "processed files are deleted");
        admin().get("/api/v1/pipelines/poll").then().statusCode(200)
                .body("pipelines.find { it.id == '" + id + "' }.lastRunStatus", equalTo("completed"));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
    }

    @Test
    void aFailedPolledRunKeepsItsTouchFileUntilItsRetrySucceeds() {
        String connector = Api.localConnector(root);
        String table = Api.unique("repolled_t").toLowerCase();
        Map<String, Object> body = pipeline(connector, "again/", table, "append");
        body.put("max_failed_rows", 1);
        String name = RunApi.createPolledAndStart(body);
        String id = Api.pipeline(name).getString("id");

        write(root.resolve("again"), "part1.csv", csv(1, 100, 10));
        write(root.resolve("again"), "_READY.dat", "");
        admin().post("/api/v1/pipelines/poll").then().statusCode(200).body("triggered", equalTo(1));
        String runId = admin().get("/api/v1/pipelines/" + id + "/runs").then().extract().path("runs[0].id");
        assertEquals("failed", awaitRun(id, runId).getString("status"));
        assertTrue(Files.exists(root.resolve("again/_READY.dat")), "a failed polled run leaves the touch file");
        assertTrue(Files.exists(root.resolve("again/part1.csv")));

        // Allow the errors (editing needs the pipeline stopped), start again, and retry the polled run.
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, Api.resources("Stopped"));
        admin().body(Map.of("max_failed_rows", 100)).patch("/v0/pipelines/" + name).then().statusCode(200);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        JsonPath retried = RunApi.retry(id, runId);
        // The failing batch had committed (with its errors) before the threshold tripped: the retry resumes after it.
        assertTrue(List.of("completed", "completed_with_errors").contains(retried.getString("status")), retried.prettify());
        assertEquals(90, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(root.resolve("again/_READY.dat")));
        assertFalse(Files.exists(root.resolve("again/part1.csv")), "the retry of a polled run cleans up like the run");
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
    }
}
