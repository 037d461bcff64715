package io.sluice.run;

import static io.sluice.run.RunApi.awaitRun;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;
import io.sluice.support.TestDatabase;

/**
 * {@link SourceRunsContract} over the S3-compatible test server (objects uploaded through the S3
 * API), and a touch-file polling cycle on a bucket prefix.
 */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class S3SourceRunsTest extends SourceRunsContract {

    static String s3Connector() {
        String name = Api.unique("bucket");
        admin().body(Map.of("name", name, "type", "s3", "config", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201);
        return name;
    }

    @Override
    Source source() {
        return new Source(s3Connector(), S3ProxyResource::upload, S3ProxyResource::object);
    }

    private static int runsOf(String pipelineId) {
        return admin().get("/api/v1/pipelines/" + pipelineId + "/runs").then().statusCode(200).extract().path("total");
    }

    @Test
    void aTouchFileUnderThePrefixStartsARunAndTheProcessedObjectsAreDeletedAfterIt() throws SQLException {
        String prefix = Api.unique("drop") + "/";
        String table = Api.unique("polled_s3").toLowerCase();
        Map<String, Object> body = pipeline(s3Connector(), prefix, "csv", table, "append", 2);
        String name = RunApi.createPolledAndStart(body);
        String id = Api.pipeline(name).getString("id");
        try {
            SourceRows part1 = new SourceRows(1, 500, 100);
            SourceRows part2 = new SourceRows(501, 800, 0);
            S3ProxyResource.upload(prefix + "part1.csv", part1.encode("csv"));
            S3ProxyResource.upload(prefix + "part2.csv", part2.encode("csv"));

            // Files without the touch file: polled (which also makes the timer leave this pipeline
            // alone for intervalMinutes), no run.
            admin().post("/api/v1/pipelines/poll").then().statusCode(200);
            assertEquals(0, runsOf(id));

            S3ProxyResource.upload(prefix + "_READY.dat", new byte[0]);
            String self = "pipelines.find { it.id == '" + id + "' }";
            admin().get("/api/v1/pipelines/poll").then().statusCode(200)
                    .body(self + ".connectorType", equalTo("s3"))
                    .body(self + ".polling.prefix", equalTo(prefix))
                    .body(self + ".polling.touchFile", equalTo("_READY.dat"))
                    .body(self + ".polling.deleteAfterProcess", equalTo(true));
            admin().post("/api/v1/pipelines/poll").then().statusCode(200).body("triggered", greaterThanOrEqualTo(1));
            JsonPath runs = admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200)
                    .body("total", equalTo(1)).body("runs[0].trigger", equalTo("poll")).extract().jsonPath();
            JsonPath run = awaitRun(id, runs.getString("runs[0].id"));
            assertEquals("completed_with_errors", run.getString("status"), run.prettify());
            assertEquals(part1.invalid(), run.getLong("failedRows"));
            assertEquals(part1.count() + part2.count(), run.getLong("totalRows"), "the touch file is not a source file");
            try (Connection db = TestDatabase.connect()) {
                SourceRows.assertTableHolds(db, "sluice_data." + table, SourceRows.loadedIds(List.of(part1, part2)));
            }

            // After the run: the touch file and (deleteAfterProcess) the loaded objects are gone.
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !Files.exists(S3ProxyResource.object(prefix + "_READY.dat")));
            for (String key : List.of("part1.csv", "part2.csv")) {
                assertFalse(Files.exists(S3ProxyResource.object(prefix + key)), key + " is deleted");
            }
            admin().get("/api/v1/pipelines/poll").then().statusCode(200)
                    .body(self + ".lastRunStatus", equalTo("completed_with_errors"));
            // No touch file any more: the next cycle starts nothing.
            admin().post("/api/v1/pipelines/poll").then().statusCode(200);
            assertEquals(1, runsOf(id));
        } finally {
            admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        }
    }
}
