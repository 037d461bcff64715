package io.sluice.run;

import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.nameOf;
import static io.sluice.run.RunApi.run;
import static io.sluice.run.RunApi.write;
import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * /clear drops a pipeline's loaded rows and forgets the files it loaded (its segments), so the next
 * run loads every file again; the clear is done, recorded and announced exactly once.
 */
@QuarkusTest
class ClearRunsTest {
    private static final long ROWS = 500;

    @TempDir
    Path root;

    private String createPipeline(String table) {
        return createPipeline(table, 2);
    }

    private String createPipeline(String table, int partitions) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        body.put("partitions", partitions);
        String id = create(body);
        write(root.resolve("in"), "a.csv", RunsTest.csv(1, 300, 0));
        write(root.resolve("in"), "b.csv", RunsTest.csv(301, (int) ROWS, 0));
        return id;
    }

    private static long segments(String pipelineId) {
        return TestDatabase.count("SELECT count(*) FROM sluice.segment WHERE pipeline_id = '" + pipelineId + "'");
    }

    /** POSTs /clear and waits until it is done, then checks it stays done: one clear, one announcement. */
    private static void clear(String id, String name, int clearsSoFar) {
        admin().post("/v0/pipelines/" + name + "/clear").then().statusCode(202);
        awaitPipeline(name, p -> "Cleared".equals(p.getString("storage_status")));
        // The reconciler passes every second: a clear whose status update got lost would run (and
        // announce itself) again within this window, or the status would fall back to Clearing.
        Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> StorageClearedEvents.of(id) == clearsSoFar + 1
                        && "Cleared".equals(Api.pipeline(name).getString("storage_status")));
    }

    @Test
    void clearForgetsTheLoadedFilesSoTheNextRunLoadsThemAgain() {
        String table = Api.unique("clear_t").toLowerCase();
        String id = createPipeline(table);
        String name = nameOf(id);

        JsonPath first = run(id);
        assertEquals(ROWS, first.getLong("processedRows"), first.prettify());
        assertEquals(0, run(id).getLong("processedRows"), "loaded files are not loaded twice");
        assertEquals(2, segments(id));

        // Several rounds: a clear racing with its own announcement did not show on every one.
        for (int round = 0; round < 3; round++) {
            clear(id, name, round);
            assertFalse(TestDatabase.tableExists("sluice_data", table), "clear drops the table the runs created");
            assertEquals(0, segments(id), "clear forgets the loaded files");

            JsonPath again = run(id);
            assertEquals("completed", again.getString("status"), again.prettify());
            assertEquals(ROWS, again.getLong("processedRows"), "every file loads again after /clear");
            assertEquals(ROWS, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
            assertEquals(2, segments(id));
        }
    }

    @Test
    void aStoppedPipelinesClearAlsoForgetsItsFiles() {
        String table = Api.unique("clear_started_t").toLowerCase();
        String id = createPipeline(table);
        String name = nameOf(id);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        assertEquals(ROWS, run(id).getLong("processedRows"));

        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, Api.resources("Stopped"));
        clear(id, name, 0);
        assertEquals(0, segments(id));

        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        JsonPath again = run(id);
        assertEquals(ROWS, again.getLong("processedRows"), again.prettify());
        assertEquals(ROWS, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
    }

    @Test
    void noClearDuringARunAndARetryOfARunFromBeforeAClearStartsOver() {
        String table = Api.unique("clear_retry_t").toLowerCase();
        String id = createPipeline(table, 1); // one partition: a.csv commits, then b.csv fails
        String name = nameOf(id);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, Api.resources("Stopped"));
        // rows go in slowly (the run stays active a while) and row 450 is refused
        TestDatabase.execute("CREATE FUNCTION sluice_data.slow_" + table + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN PERFORM pg_sleep(0.005); IF NEW.id = 450 THEN RAISE EXCEPTION 'refused by the test'; END IF;"
                + " RETURN NEW; END $$");
        TestDatabase.execute("CREATE TRIGGER slow BEFORE INSERT ON sluice_data." + table
                + " FOR EACH ROW EXECUTE FUNCTION sluice_data.slow_" + table + "()");

        String runId = RunApi.startRun(id);
        admin().post("/v0/pipelines/" + name + "/clear").then().statusCode(400)
                .body("error_code", org.hamcrest.Matchers.equalTo("IllegalPipelineAction"))
                .body("message", org.hamcrest.Matchers.containsString("a run is loading"));
        JsonPath failed = RunApi.awaitRun(id, runId);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertEquals(300, TestDatabase.count("SELECT count(*) FROM sluice_data." + table), "a.csv committed before b.csv failed");

        clear(id, name, 0);
        JsonPath retried = RunApi.retry(id, runId);
        assertEquals("completed", retried.getString("status"), retried.prettify());
        assertFalse(retried.getBoolean("metadata.resumable"), "its checkpoint points into rows the clear dropped");
        assertEquals(ROWS, retried.getLong("processedRows"));
        assertEquals(ROWS, TestDatabase.count("SELECT count(*) FROM sluice_data." + table), "every row, not only b.csv's");
        TestDatabase.execute("DROP FUNCTION sluice_data.slow_" + table + "()");
    }
}
