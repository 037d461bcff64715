package io.sluice.external;

import static io.restassured.RestAssured.given;
import static io.sluice.external.IcebergFixtures.commit;
import static io.sluice.external.IcebergFixtures.jdbcTask;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;

/**
 * The sync gauges of /q/metrics (io.sluice.metrics.StateGauges, SyncLagGauges) follow an external
 * table: the end of its last successful sync, whether its newest sync failed, and for an Iceberg
 * table the age of the oldest snapshot not synced yet.
 */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class ExternalSyncMetricsTest {

    @Test
    void lastSuccessAndFailingFollowTheTablesSyncs() throws Exception {
        String connector = Api.unique("metrics");
        admin().body(Map.of("name", connector, "type", "s3", "config", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201);
        String name = Api.unique("synced").toLowerCase();
        String prefix = "metrics/" + name + "/";
        S3ProxyResource.upload(prefix + "part-1.parquet", IcebergFixtures.parquet(1, 50));
        admin().body(tableConfig(name, Map.of("connector", connector, "inputDirURI",
                "s3://" + S3ProxyResource.BUCKET + "/" + prefix, "inputFormat", "parquet")))
                .post("/tables").then().statusCode(201);
        String table = name + "_OFFLINE";
        String success = "sluice_external_sync_last_success_seconds{table=\"" + table + "\"}";
        String failing = "sluice_external_sync_failing{table=\"" + table + "\"}";
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(0.0, value(success), "never synced"));
        assertFalse(scrape().contains(lag(table)), "a raw S3 table has no snapshots, so no lag gauge");

        long before = System.currentTimeMillis() / 1000;
        JsonPath first = sync(table);
        assertEquals("COMPLETED", first.getString("status"), first.prettify());
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertTrue(value(success) >= before - 1, "the sync that just ended"));
        assertEquals(0.0, value(failing));
        double lastSuccess = value(success);

        // An object that is no Parquet file, written after the watermark: the next sync fails
        S3ProxyResource.upload(prefix + "part-2.parquet", "not parquet".getBytes());
        Files.setLastModifiedTime(S3ProxyResource.object(prefix + "part-2.parquet"),
                FileTime.fromMillis(Long.parseLong(first.getString("checkpointValue")) + 2000));
        JsonPath second = sync(table);
        assertEquals("FAILED", second.getString("status"), second.prettify());
        String why = second.getString("errorMessage");
        assertTrue(why.contains(prefix + "part-2.parquet: Not a readable Parquet file: the file is not a Parquet file"), why);
        assertFalse(why.contains("InputFile"), why);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(1.0, value(failing)));
        // the same sync: then its watcher status' end, now its run's end (a fraction of a second apart)
        assertEquals(lastSuccess, value(success), 1.0, "a failed sync keeps the last success");

        admin().delete("/tables/" + name).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> !scrape().contains(success));
    }

    @Test
    void icebergLagIsTheAgeOfTheOldestUnsyncedSnapshotAndZeroOnceSynced() throws Exception {
        String catalogName = "sluice_lag";
        Path warehouse = Api.tempDir();
        Catalog catalog = IcebergFixtures.catalog(catalogName, IcebergFixtures.jdbcCatalogProperties(catalogName, "file:" + warehouse));
        try {
            String name = Api.unique("lagging").toLowerCase();
            Table lake = IcebergFixtures.createTable(catalog, "sales", name);
            commit(lake, 1, 1, 20);
            long firstCommit = lake.currentSnapshot().timestampMillis();
            Map<String, String> task = jdbcTask(catalogName, "file:" + warehouse, "sales." + name);
            task.put("catalog.jdbc.schema-version", "V1");
            task.remove("schedule"); // only this test's syncs: a cron fire at :00 or :30 would catch up in between
            admin().body(tableConfig(name, task)).post("/tables").then().statusCode(201);
            String table = name + "_OFFLINE";
            String lag = lag(table);

            // never synced: the first snapshot has been waiting since its commit
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertTrue(value(lag) > 0, "not synced yet"));
            assertTrue(value(lag) <= (System.currentTimeMillis() - firstCommit) / 1000.0 + 1, "the first snapshot's age");

            assertEquals("COMPLETED", sync(table).getString("status"));
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertEquals(0.0, value(lag), "the checkpoint is the current snapshot"));

            // a commit to the lake, no sync yet: the lag is that snapshot's age, and it grows
            commit(lake, 21, 1, 20);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertTrue(value(lag) > 0, "a snapshot waits"));
            double waiting = value(lag);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertTrue(value(lag) > waiting, "the lag grows until the next sync"));

            assertEquals("COMPLETED", sync(table).getString("status"));
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertEquals(0.0, value(lag), "synced again"));

            admin().delete("/tables/" + name).then().statusCode(200);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !scrape().contains(lag));
        } finally {
            if (catalog instanceof AutoCloseable c) {
                c.close();
            }
            Api.deleteRecursively(warehouse);
        }
    }

    private static String lag(String table) {
        return "sluice_external_sync_lag_seconds{table=\"" + table + "\"}";
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String series) {
        String scrape = scrape();
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), series + " in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }
}
