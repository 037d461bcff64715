package io.sluice.external;

import static io.sluice.external.IcebergFixtures.rows;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;
import io.sluice.support.TestDatabase;

/** Raw S3 (s3-catalog) tables: objects under inputDirURI, a last-modified watermark, no checkpoint endpoint. */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class RawS3TableTest {

    @Test
    void objectsAreSyncedByTheirLastModifiedWatermarkAndTheCheckpointEndpointIs400() throws Exception {
        String connector = Api.unique("raw");
        admin().body(Map.of("name", connector, "type", "s3", "config", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201);
        String name = Api.unique("events").toLowerCase();
        String prefix = "raw/" + name + "/";
        S3ProxyResource.upload(prefix + "part-1.parquet", IcebergFixtures.parquet(1, 100));
        S3ProxyResource.upload(prefix + "part-2.parquet", IcebergFixtures.parquet(101, 250));
        S3ProxyResource.upload(prefix + "_SUCCESS", new byte[0]);
        Map<String, String> task = Map.of("connector", connector, "inputDirURI", "s3://" + S3ProxyResource.BUCKET + "/" + prefix,
                "inputFormat", "parquet", "schedule", "0 0 * * * ?");
        admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201)
                .body("kind", equalTo("s3")).body("catalogType", nullValue()).body("inputFormat", equalTo("parquet"));
        String t = name + "_OFFLINE";

        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(400)
                .body("error_code", equalTo("NotACatalogTable")).body("message", containsString("raw S3"));
        admin().get("/tables/" + t + "/externalTable/status").then().statusCode(200).body("status", equalTo("IDLE"));

        JsonPath s1 = sync(t);
        assertEquals("COMPLETED", s1.getString("status"), s1.prettify());
        assertEquals(2, s1.getInt("filesDiscovered"));
        assertEquals(2, s1.getInt("segmentsGenerated"));
        long watermark = Long.parseLong(s1.getString("checkpointValue"));
        assertTrue(watermark > 1_700_000_000_000L, "a last-modified time in ms: " + watermark);
        assertEquals(250, rows(name));
        // the columns came from the Parquet schema, with their types
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id = 10"
                + " AND amount = 13.70 AND day = '2026-01-11' AND paid"));

        S3ProxyResource.upload(prefix + "part-3.parquet", IcebergFixtures.parquet(251, 300));
        // written later than the watermark (object times have a resolution of a second; no waiting for it)
        java.nio.file.Files.setLastModifiedTime(S3ProxyResource.object(prefix + "part-3.parquet"),
                java.nio.file.attribute.FileTime.fromMillis(watermark + 2000));
        JsonPath s2 = sync(t);
        assertEquals("COMPLETED", s2.getString("status"), s2.prettify());
        assertEquals(1, s2.getInt("filesDiscovered"), s2.prettify());
        assertEquals(1, s2.getInt("segmentsGenerated"));
        assertTrue(Long.parseLong(s2.getString("checkpointValue")) > watermark, s2.prettify());
        assertEquals(300, rows(name));
        assertEquals(300, TestDatabase.count("SELECT count(DISTINCT id) FROM sluice_data.\"" + name + "\""));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(400);
    }

}
