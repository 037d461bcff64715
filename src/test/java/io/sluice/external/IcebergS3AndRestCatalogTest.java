package io.sluice.external;

import static io.sluice.external.IcebergFixtures.commit;
import static io.sluice.external.IcebergFixtures.rows;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;
import io.sluice.support.TestDatabase;

/**
 * Iceberg tables whose data files are on the S3-compatible test server (S3FileIO with the s3
 * connector's endpoint, path style and credentials), in a JDBC catalog and behind a REST catalog
 * server on 127.0.0.1.
 */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergS3AndRestCatalogTest {
    private static final String CATALOG = "sluice_s3";
    private static final String WAREHOUSE = "s3://" + S3ProxyResource.BUCKET + "/warehouse";
    private Catalog jdbc;
    private RestCatalogServer rest;
    private String connector;

    @BeforeAll
    void catalogs() throws Exception {
        Map<String, String> props = new HashMap<>(IcebergFixtures.jdbcCatalogProperties(CATALOG, WAREHOUSE));
        props.putAll(IcebergFixtures.s3Properties());
        jdbc = IcebergFixtures.catalog(CATALOG, props);
        rest = new RestCatalogServer(jdbc);
    }

    /** The s3 connector the tables name for their data files (created on first use: the HTTP API is up by then). */
    private String connector() {
        if (connector == null) {
            connector = Api.unique("lake");
            admin().body(Map.of("name", connector, "type", "s3", "config", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                    .post("/api/v1/connectors").then().statusCode(201);
        }
        return connector;
    }

    @AfterAll
    void stop() throws Exception {
        rest.close();
        if (jdbc instanceof AutoCloseable c) {
            c.close();
        }
    }

    @Test
    void aJdbcCatalogTableWithDataFilesOnS3IsSyncedThroughTheConnectorsSettings() {
        String name = Api.unique("s3orders").toLowerCase();
        Table table = IcebergFixtures.createTable(jdbc, "lake", name);
        long first = commit(table, 1, 2, 500);
        Map<String, String> task = IcebergFixtures.jdbcTask(CATALOG, WAREHOUSE, "lake." + name);
        task.put("connector", connector());
        String t = create(name, task);

        JsonPath s1 = sync(t);
        assertEquals("COMPLETED", s1.getString("status"), s1.prettify());
        assertEquals(2, s1.getInt("segmentsGenerated"));
        assertEquals(Long.toString(first), s1.getString("checkpointValue"));
        long second = commit(table, 1001, 1, 100);
        JsonPath s2 = sync(t);
        assertEquals("COMPLETED", s2.getString("status"), s2.prettify());
        assertEquals(1, s2.getInt("filesDiscovered"));
        assertEquals(Long.toString(second), s2.getString("checkpointValue"));
        assertEquals(1100, rows(name));
    }

    @Test
    void s3SettingsAsCatalogPropertiesWithCredentialsByEnvironmentVariable() {
        String name = Api.unique("s3props").toLowerCase();
        Table table = IcebergFixtures.createTable(jdbc, "lake", name);
        commit(table, 1, 1, 200);
        Map<String, String> task = IcebergFixtures.jdbcTask(CATALOG, WAREHOUSE, "lake." + name);
        task.put("catalog.s3.endpoint", S3ProxyResource.endpoint());
        task.put("catalog.s3.path-style-access", "true");
        task.put("catalog.client.region", "us-east-1");
        task.put("catalog.http-client.type", "urlconnection");
        task.put("catalog.s3.access-key-id-env", S3ProxyResource.ACCESS_KEY_ENV);
        task.put("catalog.s3.secret-access-key-env", S3ProxyResource.SECRET_KEY_ENV);
        String t = create(name, task);
        JsonPath s = sync(t);
        assertEquals("COMPLETED", s.getString("status"), s.prettify());
        assertEquals(200, rows(name));
        admin().get("/tables/" + t).then().statusCode(200)
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(S3ProxyResource.secret())));
    }

    @Test
    void aRestCatalogTableIsSyncedIncrementally() {
        String name = Api.unique("restorders").toLowerCase();
        Table table = IcebergFixtures.createTable(jdbc, "rest_ns", name);
        commit(table, 1, 1, 300);
        Map<String, String> task = new HashMap<>();
        task.put("catalogType", "rest");
        task.put("catalog.uri", rest.uri());
        task.put("catalog.warehouse", "wh");
        task.put("icebergTable", "rest_ns." + name);
        task.put("connector", connector());
        String t = create(name, task);
        admin().get("/tables/" + t).then().statusCode(200).body("catalogType", equalTo("rest"))
                .body("catalogUri", equalTo(rest.uri()));

        JsonPath s1 = sync(t);
        assertEquals("COMPLETED", s1.getString("status"), s1.prettify());
        assertEquals(1, s1.getInt("filesDiscovered"));
        long second = commit(table, 301, 2, 100);
        JsonPath s2 = sync(t);
        assertEquals("COMPLETED", s2.getString("status"), s2.prettify());
        assertEquals(2, s2.getInt("filesDiscovered"));
        assertEquals(2, s2.getInt("segmentsGenerated"));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("checkpointType", equalTo("SNAPSHOT_ID")).body("checkpointValue", equalTo(Long.toString(second)));
        assertEquals(500, rows(name));
    }

    private static String create(String name, Map<String, String> task) {
        admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201);
        return name + "_OFFLINE";
    }

}
