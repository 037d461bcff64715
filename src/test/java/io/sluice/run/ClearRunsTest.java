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

/** /clear drops a pipeline's loaded rows; the clear is done, recorded and announced exactly once. */
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
    void aClearIsDoneAndAnnouncedOnceAndStaysDone() {
        String table = Api.unique("clear_t").toLowerCase();
        String id = createPipeline(table);
        String name = nameOf(id);
        // Several rounds: a clear racing with its own announcement did not show on every one.
        for (int round = 0; round < 3; round++) {
            JsonPath loaded = run(id);
            assertEquals("completed", loaded.getString("status"), loaded.prettify());
            clear(id, name, round);
            assertFalse(TestDatabase.tableExists("sluice_data", table), "clear drops the table the runs created");
        }
    }
}
