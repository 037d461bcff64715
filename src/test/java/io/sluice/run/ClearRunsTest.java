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
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        body.put("partitions", 2);
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
}
