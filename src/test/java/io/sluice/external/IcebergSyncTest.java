package io.sluice.external;

import static io.sluice.external.IcebergFixtures.commit;
import static io.sluice.external.IcebergFixtures.jdbcTask;
import static io.sluice.external.IcebergFixtures.status;
import static io.sluice.external.IcebergFixtures.rows;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.sluice.coordination.ZkStore;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * External Iceberg tables in a JDBC catalog on the test PostgreSQL, data files on the local disk:
 * incremental syncs, a failed load and its recovery, non-append snapshots, the seed's documents.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergSyncTest {
    private static final String CATALOG = "sluice_test";
    private Path warehouse;
    private Catalog catalog;
    @Inject
    ZkStore zk;
    @Inject
    ExternalTableSync syncs;
    @Inject
    AbandonedSyncs abandoned;

    @BeforeAll
    void catalog() {
        warehouse = Api.tempDir();
        catalog = IcebergFixtures.catalog(CATALOG, IcebergFixtures.jdbcCatalogProperties(CATALOG, "file:" + warehouse));
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (catalog instanceof AutoCloseable c) {
            c.close();
        }
        Api.deleteRecursively(warehouse);
    }

    private String createTable(String name, String icebergTable) {
        Map<String, String> task = jdbcTask(CATALOG, "file:" + warehouse, icebergTable);
        task.put("catalog.jdbc.schema-version", "V1");
        admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201)
                .body("tableNameWithType", equalTo(name + "_OFFLINE"))
                .body("kind", equalTo("iceberg"))
                .body("catalogType", equalTo("jdbc"))
                .body("icebergTable", equalTo(icebergTable));
        return name + "_OFFLINE";
    }

    @Test
    void threeCommitsAreSyncedInThreeRunsEachDiscoveringOnlyTheNewFiles() {
        String name = Api.unique("orders").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        long first = commit(table, 1, 2, 100);
        String t = createTable(name, "sales." + name);

        // Created: provisioned at once, watcher IDLE, no checkpoint; the seed's exact documents.
        admin().get("/tables/" + t + "/externalTable/status").then().statusCode(200)
                .body("tableNameWithType", equalTo(t)).body("status", equalTo("IDLE"))
                .body("startTimeMs", equalTo(0)).body("endTimeMs", equalTo(0))
                .body("filesDiscovered", equalTo(0)).body("segmentsGenerated", equalTo(0))
                .body("errorMessage", nullValue()).body("checkpointValue", nullValue());
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("tableNameWithType", equalTo(t)).body("checkpointType", nullValue()).body("checkpointValue", nullValue());
        JsonPath pipeline = Api.pipeline(t);
        assertEquals("Provisioned", pipeline.getString("deployment_resources_status"), pipeline.prettify());
        assertTrue(TestDatabase.tableExists("sluice_data", name));

        JsonPath s1 = sync(t);
        assertEquals("COMPLETED", s1.getString("status"), s1.prettify());
        assertEquals(2, s1.getInt("filesDiscovered"));
        assertEquals(2, s1.getInt("segmentsGenerated"));
        assertEquals(Long.toString(first), s1.getString("checkpointValue"));
        assertTrue(s1.getLong("endTimeMs") >= s1.getLong("startTimeMs") && s1.getLong("startTimeMs") > 0);
        assertNull(s1.get("errorMessage"));
        assertEquals(200, rows(name));

        long second = commit(table, 201, 1, 50);
        JsonPath s2 = sync(t);
        assertEquals("COMPLETED", s2.getString("status"), s2.prettify());
        assertEquals(1, s2.getInt("filesDiscovered"));
        assertEquals(1, s2.getInt("segmentsGenerated"));
        assertEquals(Long.toString(second), s2.getString("checkpointValue"));

        long third = commit(table, 251, 3, 30);
        JsonPath s3 = sync(t);
        assertEquals("COMPLETED", s3.getString("status"), s3.prettify());
        assertEquals(3, s3.getInt("filesDiscovered"));
        assertEquals(3, s3.getInt("segmentsGenerated"));
        table.refresh();
        assertEquals(table.currentSnapshot().snapshotId(), third);
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("checkpointType", equalTo("SNAPSHOT_ID")).body("checkpointValue", equalTo(Long.toString(third)));

        // every row once, with its values converted from the Iceberg types
        assertEquals(340, rows(name));
        assertEquals(340, TestDatabase.count("SELECT count(DISTINCT id) FROM sluice_data.\"" + name + "\""));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id = 10"
                + " AND customer = 'customer-10' AND amount = 13.70 AND ordered_at = '2026-01-01T00:10:10.000123Z'"
                + " AND day = '2026-01-11' AND quantity = 10 AND paid AND score = 2.5"));

        // A sync with nothing new completes with nothing discovered and the same checkpoint.
        JsonPath s4 = sync(t);
        assertEquals("COMPLETED", s4.getString("status"), s4.prettify());
        assertEquals(0, s4.getInt("filesDiscovered"));
        assertEquals(Long.toString(third), s4.getString("checkpointValue"));

        // Each sync is an ordinary run of the pipeline.
        String id = pipeline.getString("id");
        admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200)
                .body("total", equalTo(4)).body("runs[0].trigger", equalTo("sync"))
                .body("runs[1].status", equalTo("completed")).body("runs[1].processedRows", equalTo(90));

        // ... and the pipeline's monitor events show what the syncs loaded, as for any pipeline.
        TestDatabase.execute("ANALYZE sluice_data.\"" + name + "\"");
        JsonPath latest = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> admin().get("/v0/pipelines/" + t + "/events/latest").then().statusCode(200).extract().jsonPath(),
                        e -> Integer.valueOf(340).equals(e.get("deployment_runtime_status_details.rows_estimate")));
        assertEquals("Provisioned", latest.getString("deployment_resources_status"), latest.prettify());
        assertEquals("InUse", latest.getString("storage_status"));
        assertEquals("\"sluice_data\".\"" + name + "\"", latest.getString("deployment_runtime_status_details.target_table"));
    }

    @Test
    void aFailedLoadIsFailedWithHowFarItGotAndTheNextSyncLoadsTheRestWithoutDuplicates() {
        String name = Api.unique("failing").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        // 3 files of 2,000 rows; the test batch size is 500, so the failing file has committed batches before it fails
        long snapshot = commit(table, 1, 3, 2000);
        String t = createTable(name, "sales." + name);
        String target = "sluice_data.\"" + name + "\"";
        TestDatabase.execute("CREATE FUNCTION sluice_data.refuse_" + name + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN IF NEW.id = 5500 THEN RAISE EXCEPTION 'disk quota exceeded (forced by the test)'; END IF;"
                + " RETURN NEW; END $$");
        TestDatabase.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + target
                + " FOR EACH ROW EXECUTE FUNCTION sluice_data.refuse_" + name + "()");

        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertEquals(3, failed.getInt("filesDiscovered"));
        assertTrue(failed.getInt("segmentsGenerated") < 3, failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("disk quota exceeded"), failed.prettify());
        assertNull(failed.get("checkpointValue"));
        assertTrue(failed.getLong("endTimeMs") >= failed.getLong("startTimeMs"));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200).body("checkpointValue", nullValue());
        // the failing file left no row behind: only whole files are in the table
        assertEquals(0, rows(name) % 2000, "rows: " + rows(name));
        assertEquals(2000L * failed.getInt("segmentsGenerated"), rows(name));

        // The failed run is not retried by /retry (a retry would load files in batches): the next sync takes it up.
        String id = Api.pipeline(t).getString("id");
        String failedRun = admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200).extract().path("runs[0].id");
        admin().post("/api/v1/pipelines/" + id + "/runs/" + failedRun + "/retry").then().statusCode(422)
                .body("error_code", equalTo("RunNotRetryable"));

        TestDatabase.execute("DROP TRIGGER refuse ON " + target);
        JsonPath recovered = sync(t);
        assertEquals("COMPLETED", recovered.getString("status"), recovered.prettify());
        assertEquals(3, recovered.getInt("filesDiscovered"));
        assertEquals(3, recovered.getInt("segmentsGenerated"));
        assertEquals(Long.toString(snapshot), recovered.getString("checkpointValue"));
        assertEquals(6000, rows(name));
        assertEquals(6000, TestDatabase.count("SELECT count(DISTINCT id) FROM " + target));

        admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200)
                .body("total", equalTo(2))
                .body("runs[1].status", equalTo("failed"))
                .body("runs[1].errorMessage", containsString("disk quota exceeded"))
                .body("runs[0].status", equalTo("completed"));
    }

    @Test
    void anAppendOnlyTableRefusesADeleteSnapshotSinceTheCheckpoint() {
        String name = Api.unique("rewritten").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        long snapshot = commit(table, 1, 2, 10);
        Map<String, String> task = jdbcTask(CATALOG, "file:" + warehouse, "sales." + name);
        task.put("append-only", "true");
        admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201);
        String t = name + "_OFFLINE";
        assertEquals("COMPLETED", sync(t).getString("status"));

        var file = table.currentSnapshot().addedDataFiles(table.io()).iterator().next();
        table.newDelete().deleteFile(file).commit();
        commit(table, 100, 1, 10);
        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("'delete'"), failed.prettify());
        assertEquals(0, failed.getInt("segmentsGenerated"));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("checkpointValue", equalTo(Long.toString(snapshot)));
        assertEquals(20, rows(name));
    }

    @Test
    void aSecondTriggerWhileASyncRunsDoesNotStartASecondSync() {
        String name = Api.unique("busy").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        commit(table, 1, 4, 3000);
        String t = createTable(name, "sales." + name);
        String first = IcebergFixtures.trigger(name);
        String second = admin().queryParam("taskType", "ExternalTableSyncTask").queryParam("tableName", t)
                .post("/tasks/schedule").then().statusCode(200).extract().path("ExternalTableSyncTask");
        assertEquals(first, second);
        assertTrue(first.matches("Task_ExternalTableSyncTask_\\d+"), first);
        // While it runs: RUNNING, 4 files discovered, segments growing, no end time yet.
        List<Integer> segmentsSeen = new java.util.ArrayList<>();
        for (JsonPath s = status(t); !List.of("COMPLETED", "FAILED").contains(s.getString("status")); s = status(t)) {
            if (s.getString("status").equals("IDLE")) {
                continue; // the sync's thread has not written its first status yet
            }
            assertEquals("RUNNING", s.getString("status"), s.prettify());
            assertEquals(0, s.getLong("endTimeMs"));
            if (s.getInt("filesDiscovered") > 0) {
                assertEquals(4, s.getInt("filesDiscovered"));
                segmentsSeen.add(s.getInt("segmentsGenerated"));
            }
        }
        for (int i = 1; i < segmentsSeen.size(); i++) {
            assertTrue(segmentsSeen.get(i) >= segmentsSeen.get(i - 1), segmentsSeen.toString());
        }
        JsonPath end = IcebergFixtures.awaitSyncEnd(t, first);
        assertEquals("COMPLETED", end.getString("status"), end.prettify());
        admin().get("/api/v1/pipelines/" + Api.pipeline(t).getString("id") + "/runs").then().statusCode(200)
                .body("total", equalTo(1));
        assertEquals(12000, rows(name));
    }

    /** A table of one Iceberg file of 10 rows, registered; its name. */
    private String oneFileTable(String prefix) {
        String name = Api.unique(prefix).toLowerCase();
        commit(IcebergFixtures.createTable(catalog, "sales", name), 1, 1, 10);
        createTable(name, "sales." + name);
        return name;
    }

    /** The table's sync claim, taken as another replica would (as that replica's claim content). */
    private byte[] claimAsAnotherReplica(String tableNameWithType) {
        byte[] other = ("Task_ExternalTableSyncTask_1 of another replica " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        assertTrue(zk.claim(ZkStore.syncClaimPath(tableNameWithType), other).await().indefinitely());
        return other;
    }

    @Test
    void aSyncClaimedByAnotherReplicaIsLeftAlone() {
        String name = oneFileTable("claimed");
        String t = name + "_OFFLINE";
        String claim = ZkStore.syncClaimPath(t);
        byte[] other = claimAsAnotherReplica(t);

        IcebergFixtures.trigger(name);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !syncs.isSyncing(t));
        assertEquals("IDLE", status(t).getString("status"), "the other replica's sync owns the watcher status");
        admin().get("/api/v1/pipelines/" + Api.pipeline(t).getString("id") + "/runs").then().statusCode(200)
                .body("total", equalTo(0));
        assertTrue(zk.read(claim).await().indefinitely().isPresent(), "another replica's claim is not released by this one");
        admin().delete("/tables/" + t).then().statusCode(409).body("error_code", equalTo("SyncInProgress"));

        zk.release(claim, other).await().indefinitely();
        assertEquals("COMPLETED", sync(t).getString("status"));
        assertTrue(zk.read(claim).await().indefinitely().isEmpty(), "released when the sync ended");
        assertEquals(10, rows(name));
    }

    @Test
    void aSyncLeftRunningByAReplicaThatStoppedIsMarkedFailed() throws Throwable {
        String t = oneFileTable("abandoned") + "_OFFLINE";
        // another replica's sync, RUNNING with 1 of 3 files loaded, its claim held by its session
        String claim = ZkStore.syncClaimPath(t);
        byte[] other = claimAsAnotherReplica(t);
        zk.write(ZkStore.watcherStatusPath(t), ("{\"tableNameWithType\":\"" + t + "\",\"status\":\"RUNNING\","
                + "\"startTimeMs\":1000,\"endTimeMs\":0,\"filesDiscovered\":3,\"segmentsGenerated\":1,\"errorMessage\":null,"
                + "\"checkpointValue\":null}").getBytes(StandardCharsets.UTF_8)).await().indefinitely();

        VertxContextSupport.subscribeAndAwait(() -> abandoned.check());
        assertEquals("RUNNING", status(t).getString("status"), "its replica still holds the claim");

        zk.release(claim, other).await().indefinitely(); // the replica's session ended
        VertxContextSupport.subscribeAndAwait(() -> abandoned.check());
        JsonPath failed = status(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertEquals(AbandonedSyncs.WHY, failed.getString("errorMessage"));
        assertEquals(1000, failed.getLong("startTimeMs"));
        assertTrue(failed.getLong("endTimeMs") >= 1000);
        assertEquals(3, failed.getInt("filesDiscovered"));
        assertEquals(1, failed.getInt("segmentsGenerated"));

        // and the next sync goes on as usual
        assertEquals("COMPLETED", sync(t).getString("status"));
        VertxContextSupport.subscribeAndAwait(() -> abandoned.check());
        assertEquals("COMPLETED", status(t).getString("status"));
    }

    @Test
    void anActiveTableIsSyncedOnItsCronScheduleAndAStoppedOneIsNot() {
        String name = Api.unique("cron").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        long first = commit(table, 1, 1, 10);
        Map<String, String> task = jdbcTask(CATALOG, "file:" + warehouse, "sales." + name);
        task.put("catalog.jdbc.schema-version", "V1");
        task.put("schedule", "* * * * * ?"); // every second
        admin().body(tableConfig(name, task)).post("/tables").then().statusCode(201);
        String t = name + "_OFFLINE";
        Api.awaitPipeline(t, p -> "Running".equals(p.getString("deployment_runtime_status")));

        JsonPath scheduled = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(t), s -> "COMPLETED".equals(s.getString("status")));
        assertEquals(Long.toString(first), scheduled.getString("checkpointValue"), "synced without a trigger");
        assertEquals(10, rows(name));

        admin().post("/v0/pipelines/" + t + "/stop?force=true").then().statusCode(202);
        Api.awaitPipeline(t, Api.resources("Stopped"));
        // a sync the schedule started just before the stop ends first
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(30)).until(() -> !syncs.isSyncing(t));
        long afterStop = status(t).getLong("startTimeMs");
        commit(table, 11, 1, 10);
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> status(t).getLong("startTimeMs") == afterStop);
        assertEquals(10, rows(name), "a stopped table's schedule does not fire");
    }

    @Test
    void tablesAreListedShownAndDeletedWithEverythingTheyLoaded() {
        String name = Api.unique("listed").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        commit(table, 1, 1, 10);
        String t = createTable(name, "sales." + name);
        assertEquals("COMPLETED", sync(t).getString("status"));
        admin().get("/tables").then().statusCode(200).body("tables", org.hamcrest.Matchers.hasItem(name));
        admin().get("/tables/" + name).then().statusCode(200).body("tableNameWithType", equalTo(t))
                .body("targetTable", equalTo("\"sluice_data\".\"" + name + "\""))
                .body("schedule", equalTo("0 */30 * * * ?"));
        admin().body(tableConfig(name, jdbcTask(CATALOG, "file:" + warehouse, "sales." + name))).post("/tables")
                .then().statusCode(409).body("error_code", equalTo("TableAlreadyExists"));

        admin().delete("/tables/" + t).then().statusCode(200);
        admin().get("/tables/" + t).then().statusCode(404).body("error_code", equalTo("TableNotFound"));
        admin().get("/tables/" + t + "/externalTable/status").then().statusCode(404);
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(404);
        admin().get("/v0/pipelines/" + t).then().statusCode(404);
        assertTrue(!TestDatabase.tableExists("sluice_data", name));
    }

    @Test
    void clearingTheTablesPipelineResetsItsCheckpointSoTheNextSyncLoadsTheTableWhole() {
        String name = Api.unique("cleared").toLowerCase();
        Table table = IcebergFixtures.createTable(catalog, "sales", name);
        long snapshot = commit(table, 1, 2, 10);
        String t = createTable(name, "sales." + name);
        assertEquals("COMPLETED", sync(t).getString("status"));
        admin().post("/v0/pipelines/" + t + "/stop?force=true").then().statusCode(202);
        Api.awaitPipeline(t, Api.resources("Stopped"));
        admin().post("/v0/pipelines/" + t + "/clear").then().statusCode(202);
        Api.awaitPipeline(t, p -> "Cleared".equals(p.getString("storage_status")));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "IDLE".equals(status(t).getString("status")));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200).body("checkpointValue", nullValue());

        admin().post("/v0/pipelines/" + t + "/start").then().statusCode(202);
        Api.awaitPipeline(t, Api.resources("Provisioned"));
        JsonPath again = sync(t);
        assertEquals("COMPLETED", again.getString("status"), again.prettify());
        assertEquals(2, again.getInt("filesDiscovered"));
        assertEquals(Long.toString(snapshot), again.getString("checkpointValue"));
        assertEquals(20, rows(name));
    }

    @Test
    void badRequestsGetTheSeedsErrorCodes() {
        admin().body(Map.of("taskType", "SegmentGenerationAndPushTask", "tableName", "x"))
                .post("/tasks/schedule").then().statusCode(400).body("error_code", equalTo("UnknownTaskType"));
        admin().body(Map.of("taskType", "ExternalTableSyncTask", "tableName", "no_such_table"))
                .post("/tasks/schedule").then().statusCode(404).body("error_code", equalTo("TableNotFound"));
        admin().body(Map.of("tableName", "x")).post("/tasks/schedule").then().statusCode(400);
        admin().get("/tables/no_such_table_OFFLINE/externalTable/status").then().statusCode(404)
                .body("message", containsString("no_such_table_OFFLINE"));
        admin().body(tableConfig("nope", Map.of("catalogType", "hive", "catalog.uri", "thrift://x", "icebergTable", "a.b")))
                .post("/tables").then().statusCode(400);
        admin().body(tableConfig("nope", jdbcTask(CATALOG, "file:" + warehouse, "sales.no_such_table")))
                .post("/tables").then().statusCode(400).body("error_code", equalTo("UnknownIcebergTable"));
    }

    @Test
    void anUnreachableCatalogIsA500WithAClearMessage() {
        Map<String, String> task = Map.of("catalogType", "rest", "catalog.uri", "http://127.0.0.1:9", "catalog.warehouse", "wh",
                "icebergTable", "sales.orders");
        admin().body(tableConfig("unreachable", task)).post("/tables").then().statusCode(500)
                .body("message", containsString("Cannot reach the rest catalog at http://127.0.0.1:9"));
    }


    @Test
    void everyIcebergTypeBecomesItsPostgresTypeAndNestedTypesJsonb() throws Exception {
        Schema schema = new Schema(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "i", Types.IntegerType.get()),
                Types.NestedField.optional(3, "f", Types.FloatType.get()),
                Types.NestedField.optional(4, "d", Types.DoubleType.get()),
                Types.NestedField.optional(5, "dec", Types.DecimalType.of(20, 4)),
                Types.NestedField.optional(6, "b", Types.BooleanType.get()),
                Types.NestedField.optional(7, "s", Types.StringType.get()),
                Types.NestedField.optional(8, "u", Types.UUIDType.get()),
                Types.NestedField.optional(9, "day", Types.DateType.get()),
                Types.NestedField.optional(10, "t", Types.TimeType.get()),
                Types.NestedField.optional(11, "ts", Types.TimestampType.withoutZone()),
                Types.NestedField.optional(12, "tstz", Types.TimestampType.withZone()),
                Types.NestedField.optional(13, "bin", Types.BinaryType.get()),
                Types.NestedField.optional(14, "fx", Types.FixedType.ofLength(3)),
                Types.NestedField.optional(15, "address", Types.StructType.of(
                        Types.NestedField.optional(16, "city", Types.StringType.get()),
                        Types.NestedField.optional(17, "zip", Types.IntegerType.get()))),
                Types.NestedField.optional(18, "tags", Types.ListType.ofOptional(19, Types.StringType.get())),
                Types.NestedField.optional(20, "attrs", Types.MapType.ofOptional(21, 22, Types.StringType.get(), Types.LongType.get())));
        String name = Api.unique("typed").toLowerCase();
        Namespace ns = Namespace.of("types");
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            n.createNamespace(ns);
        }
        Table table = catalog.createTable(TableIdentifier.of(ns, name), schema);
        GenericRecord r = GenericRecord.create(schema);
        r.setField("id", 1L);
        r.setField("i", 42);
        r.setField("f", 1.5f);
        r.setField("d", 2.25);
        r.setField("dec", new BigDecimal("1234567890.1234"));
        r.setField("b", true);
        r.setField("s", "héllo");
        r.setField("u", UUID.fromString("0b7e4a3c-9a52-4c1e-8d7a-0a6f1f0e2d11"));
        r.setField("day", LocalDate.of(2026, 11, 22));
        r.setField("t", LocalTime.of(12, 34, 56, 789_000));
        r.setField("ts", LocalDateTime.of(2026, 11, 22, 1, 2, 3, 456_000));
        r.setField("tstz", OffsetDateTime.of(2026, 11, 22, 1, 2, 3, 0, ZoneOffset.UTC));
        r.setField("bin", ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
        r.setField("fx", new byte[] { 4, 5, 6 });
        GenericRecord address = GenericRecord.create(schema.findField("address").type().asStructType());
        address.setField("city", "Lyon");
        address.setField("zip", 69001);
        r.setField("address", address);
        r.setField("tags", List.of("a", "b"));
        r.setField("attrs", Map.of("k", 7L));
        IcebergFixtures.commit(table, List.of(r));
        String t = createTable(name, "types." + name);
        JsonPath done = sync(t);
        assertEquals("COMPLETED", done.getString("status"), done.prettify());

        Map<String, String> types = new java.util.HashMap<>();
        try (var c = TestDatabase.connect(); var st = c.createStatement(); var rs = st.executeQuery(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'sluice_data.\""
                        + name + "\"'::regclass AND a.attnum > 0")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        assertEquals(Map.ofEntries(Map.entry("_sluice_file_id", "bigint"), Map.entry("_sluice_row", "bigint"),
                Map.entry("id", "bigint"), Map.entry("i", "integer"), Map.entry("f", "real"),
                Map.entry("d", "double precision"), Map.entry("dec", "numeric(20,4)"), Map.entry("b", "boolean"),
                Map.entry("s", "text"), Map.entry("u", "uuid"), Map.entry("day", "date"),
                Map.entry("t", "time without time zone"), Map.entry("ts", "timestamp without time zone"),
                Map.entry("tstz", "timestamp with time zone"), Map.entry("bin", "bytea"), Map.entry("fx", "bytea"),
                Map.entry("address", "jsonb"), Map.entry("tags", "jsonb"), Map.entry("attrs", "jsonb")), types);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id = 1 AND i = 42"
                + " AND f = 1.5 AND d = 2.25 AND dec = 1234567890.1234 AND b AND s = 'héllo'"
                + " AND u = '0b7e4a3c-9a52-4c1e-8d7a-0a6f1f0e2d11' AND day = '2026-11-22' AND t = '12:34:56.000789'"
                + " AND ts = '2026-11-22 01:02:03.000456' AND tstz = '2026-11-22T01:02:03Z' AND bin = '\\x010203'"
                + " AND fx = '\\x040506' AND address = '{\"city\": \"Lyon\", \"zip\": 69001}'"
                + " AND tags = '[\"a\", \"b\"]' AND attrs = '{\"k\": 7}'"));
    }
}
