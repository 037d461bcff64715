package io.sluice.external;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sluice.support.Api;
import io.sluice.support.PackagedSluice;

/**
 * Two Iceberg tables (40 Parquet files, 200,000 rows each; a JDBC catalog in the packaged app's own
 * embedded PostgreSQL, data on the local disk) synced by the packaged application, one in a fresh
 * JVM and one in a warm one, each checked by count and distinct ids. With
 * {@code -Dsluice.it.aot-cache=FILE} (the {@code aot} profile, on JDK 25) the application runs as
 * JDK 25's AOT training run and writes its cache there when it stops: this workload is what the
 * cache learns (README "Faster first loads after a start").
 */
class AotTrainingIT {
    private static final String KEY = "aot-training-admin-key-0123456789";
    private static final String PG_PASSWORD = "it-" + java.util.UUID.randomUUID();
    private static final int FILES = 40;
    private static final int ROWS_PER_FILE = 5_000;

    @Test
    void icebergSyncsInAFreshAndAWarmJvmLoadEveryRowOnce() throws Exception {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        Path work = Files.createTempDirectory(Files.createDirectories(build), "aot-training-");
        String cache = System.getProperty("sluice.it.aot-cache", "");
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("postgres.password"), PG_PASSWORD + "\n");
        Files.setPosixFilePermissions(data.resolve("postgres.password"), PosixFilePermissions.fromString("rw-------"));
        PackagedSluice sluice = PackagedSluice.start(work, "sluice.log", KEY, Map.of("SLUICE_S3_IT_PG_PASSWORD", PG_PASSWORD),
                cache.isBlank() ? List.of() : List.of("-XX:AOTCacheOutput=" + Path.of(cache).toAbsolutePath()));
        try {
            int port = Integer.parseInt(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).strip());
            String postgres = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            Map<String, String> props = new HashMap<>();
            props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
            props.put(CatalogProperties.URI, postgres + "?user=postgres&password=" + PG_PASSWORD);
            props.put(CatalogProperties.WAREHOUSE_LOCATION, "file:" + work.resolve("warehouse"));
            props.put("jdbc.schema-version", "V1");
            props.put(CatalogProperties.FILE_IO_IMPL, io.sluice.external.iceberg.SluiceFileIO.class.getName());
            Catalog lake = IcebergFixtures.catalog("lake", props);
            for (String name : List.of("first", "warm")) {
                Table table = IcebergFixtures.createTable(lake, "sales", name);
                IcebergFixtures.commit(table, 1, FILES, ROWS_PER_FILE);
                Map<String, String> task = new HashMap<>();
                task.put("catalogType", "jdbc");
                task.put("catalog.name", "lake");
                task.put("catalog.uri", postgres);
                task.put("catalog.jdbc.user", "postgres");
                task.put("catalog.jdbc.password-env", "SLUICE_S3_IT_PG_PASSWORD");
                task.put("catalog.warehouse", "file:" + work.resolve("warehouse"));
                task.put("icebergTable", "sales." + name);
                api(sluice).body(IcebergFixtures.tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201);
                JsonPath status = sync(sluice, name + "_OFFLINE");
                assertEquals("COMPLETED", status.getString("status"), status.prettify());
                try (Connection c = DriverManager.getConnection(postgres, "postgres", PG_PASSWORD);
                        ResultSet r = c.createStatement().executeQuery(
                                "SELECT count(*), count(DISTINCT id) FROM sluice_data.\"" + name + "\"")) {
                    r.next();
                    assertEquals(FILES * ROWS_PER_FILE, r.getLong(1), "rows of " + name);
                    assertEquals(FILES * ROWS_PER_FILE, r.getLong(2), "distinct ids of " + name);
                }
            }
        } catch (AssertionError | RuntimeException e) {
            sluice.printLog();
            throw e;
        } finally {
            // the training run writes its cache as the JVM exits: give it the time that takes
            sluice.close(cache.isBlank() ? Duration.ofSeconds(40) : Duration.ofMinutes(5));
        }
        if (!cache.isBlank()) {
            assertTrue(Files.size(Path.of(cache)) > 0, "the AOT cache " + cache + " was written");
        }
        Api.deleteRecursively(work);
    }

    private static RequestSpecification api(PackagedSluice sluice) {
        return given().baseUri(sluice.baseUri()).auth().oauth2(KEY).contentType(ContentType.JSON);
    }

    private static JsonPath sync(PackagedSluice sluice, String table) {
        long triggered = System.currentTimeMillis() - 1000;
        api(sluice).body(Map.of("taskType", "ExternalTableSyncTask", "tableName", table)).post("/tasks/schedule").then().statusCode(200);
        return Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> api(sluice).get("/tables/" + table + "/externalTable/status").then().statusCode(200).extract().jsonPath(),
                        s -> s.getLong("startTimeMs") >= triggered && List.of("COMPLETED", "FAILED").contains(s.getString("status")));
    }
}
