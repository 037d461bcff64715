package io.sluice.external;

import static io.sluice.external.IcebergFixtures.dataFile;
import static io.sluice.external.IcebergFixtures.jdbcTask;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * Every kind of Iceberg snapshot mirrored exactly (JDBC catalog in the test PostgreSQL, format
 * version 2 tables written through Iceberg's own API): copy-on-write delete and overwrite,
 * merge-on-read position and equality delete files, a rewrite, an expired and a rolled-back
 * checkpoint snapshot. Each sync ends with the PostgreSQL table equal row for row to the Iceberg
 * table as IcebergGenerics reads it at the checkpoint snapshot; a failing sync changes nothing.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergRowChangesTest {
    private static final String CATALOG = "sluice_row_changes";
    private Path warehouse;
    private Catalog catalog;

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

    @Test
    void copyOnWriteDeleteAndOverwriteAreMirroredInOneTransaction() throws Exception {
        String name = Api.unique("cow").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 100);
        DataFile b = dataFile(table, 101, 200);
        DataFile c = dataFile(table, 201, 300);
        table.newAppend().appendFile(a).appendFile(b).appendFile(c).commit();
        String t = register(name, false);
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));

        // a delete of a whole file, then an overwrite: file b rewritten without its even ids, rows 1000.. added
        table.newDelete().deleteFile(a).commit();
        List<Record> kept = new ArrayList<>();
        for (long id = 101; id <= 200; id += 2) {
            kept.add(IcebergFixtures.row(table.schema(), id));
        }
        table.newOverwrite().deleteFile(b).addFile(write(table, kept)).addFile(dataFile(table, 1000, 1049)).commit();
        table.refresh();
        assertEquals(DataOperations.OVERWRITE, table.currentSnapshot().operation());

        // One transaction: a failure while loading the last file leaves the table as of the checkpoint, whole
        String target = "sluice_data.\"" + name + "\"";
        TestDatabase.execute("CREATE FUNCTION " + name + "_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.id = 1049 THEN RAISE EXCEPTION 'disk quota exceeded'; END IF; RETURN NEW; END $$");
        TestDatabase.execute("CREATE TRIGGER refuse BEFORE INSERT ON " + target + " FOR EACH ROW EXECUTE FUNCTION "
                + name + "_refuse()");
        long before = Long.parseLong(checkpoint(t));
        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertEquals(Long.toString(before), checkpoint(t));
        IcebergFixtures.assertEqualToIceberg(table, name, Long.toString(before));

        TestDatabase.execute("DROP TRIGGER refuse ON " + target);
        String reached = assertCompleted(sync(t));
        assertEquals(Long.toString(table.currentSnapshot().snapshotId()), reached);
        IcebergFixtures.assertEqualToIceberg(table, name, reached);
        assertEquals(100 + 50 + 50, IcebergFixtures.rows(name));
        // the ledger follows: only the live data files are segments
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM sluice.segment s JOIN sluice.pipeline p ON p.id = s.pipeline_id"
                + " WHERE p.name = '" + t + "'"));
    }

    @Test
    void mergeOnReadPositionAndEqualityDeletesRemoveTheRowsTheyTarget() throws Exception {
        String name = Api.unique("mor").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 100);
        DataFile b = dataFile(table, 101, 200);
        table.newAppend().appendFile(a).appendFile(b).commit();
        String t = register(name, false);
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));

        // position deletes: rows 0, 9 and 99 of a (ids 1, 10, 100), row 50 of b (id 151)
        table.newRowDelta().addDeletes(positionDeletes(table, Map.of(a, List.of(0L, 9L, 99L), b, List.of(50L)))).commit();
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));
        assertEquals(196, IcebergFixtures.rows(name));

        // equality deletes by id (ids 20..29 and 150, one already gone), then a later file with id 25 again:
        // an equality delete applies only to data files older than it, so the new 25 stays
        table.newRowDelta().addDeletes(equalityDeletes(table, List.of(20L, 21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 151L, 150L)))
                .commit();
        List<Record> again = List.of(IcebergFixtures.row(table.schema(), 25), IcebergFixtures.row(table.schema(), 500));
        table.newAppend().appendFile(write(table, again)).commit();
        String reached = assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, reached);
        assertEquals(196 - 11 + 2, IcebergFixtures.rows(name));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id = 25"));

        // A sync with nothing new changes nothing (deletes are applied once)
        table.newAppend().appendFile(dataFile(table, 600, 609)).commit();
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));
    }

    @Test
    void aRewriteKeepsTheRowsNeitherLostNorDoubled() throws Exception {
        String name = Api.unique("compacted").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 50);
        DataFile b = dataFile(table, 51, 100);
        table.newAppend().appendFile(a).commit();
        table.newAppend().appendFile(b).commit();
        String t = register(name, false);
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));

        // compaction: a and b rewritten into one file with the same rows; then an append
        table.newRewrite().deleteFile(a).deleteFile(b).addFile(dataFile(table, 1, 100)).commit();
        table.refresh();
        assertEquals(DataOperations.REPLACE, table.currentSnapshot().operation());
        table.newAppend().appendFile(dataFile(table, 101, 120)).commit();
        String reached = assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, reached);
        assertEquals(120, IcebergFixtures.rows(name));
    }

    @Test
    void anExpiredCheckpointSnapshotIsReconciledByFiles() throws Exception {
        String name = Api.unique("expired").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 100);
        table.newAppend().appendFile(a).appendFile(dataFile(table, 101, 200)).commit();
        String t = register(name, false);
        String first = assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, first);

        table.newDelete().deleteFile(a).commit();
        table.newAppend().appendFile(dataFile(table, 300, 349)).commit();
        table.newRowDelta().addDeletes(equalityDeletes(table, List.of(300L, 301L))).commit();
        table.refresh();
        table.expireSnapshots().expireOlderThan(table.currentSnapshot().timestampMillis() + 1).retainLast(1).commit();
        table.refresh();
        assertNull(table.snapshot(Long.parseLong(first)), "the checkpoint snapshot expired");

        String reached = assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, reached);
        assertEquals(100 + 48, IcebergFixtures.rows(name));
        assertTrue(runLog(t).contains("the checkpoint snapshot " + first + " expired; reconciled by files"), runLog(t));
    }

    @Test
    void aRolledBackTableIsReconciledByFilesAndItsDeletesUndone() throws Exception {
        String name = Api.unique("rolledback").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 100);
        table.newAppend().appendFile(a).commit();
        table.refresh();
        long first = table.currentSnapshot().snapshotId();
        String t = register(name, false);
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));

        table.newAppend().appendFile(dataFile(table, 101, 150)).commit();
        table.newRowDelta().addDeletes(positionDeletes(table, Map.of(a, List.of(0L, 1L, 2L)))).commit();
        IcebergFixtures.assertEqualToIceberg(table, name, assertCompleted(sync(t)));
        assertEquals(147, IcebergFixtures.rows(name));

        // rolled back to the first snapshot: the appended file and the deleted rows' deletes are undone
        table.manageSnapshots().rollbackTo(first).commit();
        table.refresh();
        String reached = assertCompleted(sync(t));
        assertEquals(Long.toString(first), reached);
        IcebergFixtures.assertEqualToIceberg(table, name, reached);
        assertEquals(100, IcebergFixtures.rows(name));
        assertTrue(runLog(t).contains("is not an ancestor of the current snapshot"), runLog(t));
    }

    @Test
    void anAppendOnlyTableRefusesAnOverwriteAndKeepsItsRows() throws Exception {
        String name = Api.unique("appendonly").toLowerCase();
        Table table = create(name);
        DataFile a = dataFile(table, 1, 100);
        table.newAppend().appendFile(a).commit();
        String t = register(name, true);
        String first = assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, first);

        table.newOverwrite().deleteFile(a).addFile(dataFile(table, 1, 10)).commit();
        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("'overwrite'"), failed.prettify());
        assertEquals(first, checkpoint(t));
        IcebergFixtures.assertEqualToIceberg(table, name, first);

        // bad option values are refused with the field named
        Map<String, String> task = jdbcTask(CATALOG, "file:" + warehouse, "sales." + name);
        task.put("append-only", "sometimes");
        admin().body(tableConfig(name + "_bad", task)).post("/tables").then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("append-only"));
    }

    // ---- fixtures

    private Table create(String name) {
        Namespace ns = Namespace.of("sales");
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            n.createNamespace(ns);
        }
        return catalog.createTable(TableIdentifier.of(ns, name), IcebergFixtures.SCHEMA, PartitionSpec.unpartitioned(),
                Map.of(TableProperties.FORMAT_VERSION, "2"));
    }

    private String register(String name, boolean appendOnly) {
        Map<String, String> task = jdbcTask(CATALOG, "file:" + warehouse, "sales." + name);
        if (appendOnly) {
            task.put("append-only", "true");
        }
        admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201);
        return name + "_OFFLINE";
    }

    private static String checkpoint(String t) {
        return admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200).extract().path("checkpointValue");
    }

    private static String assertCompleted(JsonPath status) {
        assertEquals("COMPLETED", status.getString("status"), status.prettify());
        return status.getString("checkpointValue");
    }

    /** The messages of the table's last run. */
    private static String runLog(String t) {
        String id = Api.pipeline(t).getString("id");
        String run = admin().get("/api/v1/pipelines/" + id + "/runs").then().statusCode(200).extract().path("runs[0].id");
        return admin().get("/api/v1/pipelines/" + id + "/runs/" + run).then().statusCode(200).extract().asString();
    }

    private static DataFile write(Table table, List<Record> records) {
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
        try {
            var writer = Parquet.writeData(out).schema(table.schema()).createWriterFunc(GenericParquetWriter::create)
                    .withSpec(table.spec()).overwrite().build();
            try (writer) {
                records.forEach(writer::write);
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A position delete file: 0-based row positions of data files, written as Iceberg writes them (sorted). */
    private static DeleteFile positionDeletes(Table table, Map<DataFile, List<Long>> positions) throws IOException {
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation("pos-" + UUID.randomUUID() + ".parquet"));
        PositionDeleteWriter<Record> writer = Parquet.writeDeletes(out).createWriterFunc(GenericParquetWriter::create)
                .overwrite().withSpec(table.spec()).buildPositionWriter();
        Map<String, List<Long>> sorted = new TreeMap<>();
        positions.forEach((f, p) -> sorted.put(f.location(), p.stream().sorted().toList()));
        PositionDelete<Record> delete = PositionDelete.create();
        try (writer) {
            sorted.forEach((path, list) -> list.forEach(pos -> writer.write(delete.set(path, pos))));
        }
        return writer.toDeleteFile();
    }

    /** An equality delete file by id. */
    private static DeleteFile equalityDeletes(Table table, List<Long> ids) throws IOException {
        Schema idOnly = table.schema().select("id");
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation("eq-" + UUID.randomUUID() + ".parquet"));
        EqualityDeleteWriter<Record> writer = Parquet.writeDeletes(out).createWriterFunc(GenericParquetWriter::create)
                .overwrite().rowSchema(idOnly).withSpec(table.spec()).equalityFieldIds(List.of(1)).buildEqualityWriter();
        try (writer) {
            for (long id : ids) {
                GenericRecord r = GenericRecord.create(idOnly);
                r.setField("id", id);
                writer.write(r);
            }
        }
        return writer.toDeleteFile();
    }

}
