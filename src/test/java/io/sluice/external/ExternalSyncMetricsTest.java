package io.sluice.external;

import static io.restassured.RestAssured.given;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;

/**
 * The sync gauges of /q/metrics (io.sluice.metrics.StateGauges) follow an external table: the end
 * of its last successful sync, and whether its newest sync failed.
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
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(1.0, value(failing)));
        // the same sync: then its watcher status' end, now its run's end (a fraction of a second apart)
        assertEquals(lastSuccess, value(success), 1.0, "a failed sync keeps the last success");

        admin().delete("/tables/" + name).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> !scrape().contains(success));
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
