package io.sluice.external;

import static io.sluice.external.IcebergFixtures.jdbcTask;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * Schema evolution of external Iceberg tables (JDBC catalog in the test PostgreSQL): columns by
 * field id through add, rename, widen and drop, each sync ending with the PostgreSQL table equal row
 * for row to the Iceberg table as Iceberg's generic reader reads it; a change that cannot be
 * mirrored and a row that cannot be converted fail the sync with nothing advanced.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergSchemaEvolutionTest {
    private static final String CATALOG = "sluice_evolution";
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "qty", Types.IntegerType.get()),
            Types.NestedField.optional(4, "price", Types.FloatType.get()),
            Types.NestedField.optional(5, "amount", Types.DecimalType.of(9, 2)));
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
    void addRenameWidenAndDropAreMirroredByFieldIdAndEverySyncEndsEqualToIceberg() throws Exception {
        String name = Api.unique("evolving").toLowerCase();
        Table table = create(name);
        append(table, 1, 100);
        String t = register(name, null);
        assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, null);
        assertEquals("NO", nullable(name, "id"), "a required field is a NOT NULL column");

        // add a column and rename one; the new rows have both, the old ones keep their values under the new name
        table.updateSchema().addColumn("note", Types.StringType.get()).renameColumn("name", "customer").commit();
        append(table, 101, 150);
        assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, null);
        assertEquals(List.of("id", "customer", "qty", "price", "amount", "note"), columns(name));

        // widen int -> long (values beyond 2^31), float -> double, decimal(9,2) -> decimal(12,2)
        table.updateSchema().updateColumn("qty", Types.LongType.get()).updateColumn("price", Types.DoubleType.get())
                .updateColumn("amount", Types.DecimalType.of(12, 2)).commit();
        append(table, 151, 200);
        assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, null);
        assertEquals("bigint", type(name, "qty"));
        assertEquals("double precision", type(name, "price"));
        assertEquals("numeric(12,2)", type(name, "amount"));
        assertTrue(TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE qty > 2147483647") > 0);

        // drop a column: it stays in PostgreSQL, NULL for the rows loaded from now on
        table.updateSchema().deleteColumn("note").commit();
        append(table, 201, 230);
        assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, null);
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id > 200 AND note IS NOT NULL"));
        assertEquals(100, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE note IS NOT NULL"), "rows 101..200 keep theirs");

        // Registered again after all of it: the files written before the rename and widening load by field id
        String again = name + "_again";
        String t2 = register(again, "sales." + name);
        assertCompleted(sync(t2));
        IcebergFixtures.assertEqualToIceberg(table, again, null);
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + again + "\" WHERE id % 5 <> 0 AND customer IS NULL"));
    }

    @Test
    void aChangeThatCannotBeMirroredFailsTheSyncAndAdvancesNothing() {
        String name = Api.unique("strict").toLowerCase();
        Table table = create(name);
        append(table, 1, 20);
        String t = register(name, null);
        String checkpoint = assertCompleted(sync(t));

        // a required field added to a table whose loaded rows have no value for it
        table.updateSchema().allowIncompatibleChanges().addRequiredColumn("region", Types.StringType.get()).commit();
        append(table, 21, 30);
        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("added field 'region'"), failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("sales." + name), failed.prettify());
        assertEquals(20, IcebergFixtures.rows(name));
        assertEquals(List.of("id", "name", "qty", "price", "amount"), columns(name));
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("checkpointValue", equalTo(checkpoint));
    }

    @Test
    void aRowThatCannotBeConvertedFailsTheSyncWithTheErrorsAndAdvancesNothing() {
        String name = Api.unique("narrow").toLowerCase();
        Table table = create(name);
        table.updateSchema().updateColumn("qty", Types.LongType.get()).commit();
        append(table, 1, 10);
        // a posted schema fixes the columns: qty stays an integer column
        Map<String, Object> body = tableConfig(name, jdbcTask(CATALOG, "file:" + warehouse, "sales." + name));
        body.put("schema", Map.of("dimensionFieldSpecs", List.of(Map.of("name", "id", "dataType", "LONG"),
                Map.of("name", "qty", "dataType", "INT"))));
        admin().body(body).post("/tables").then().log().ifValidationFails().statusCode(201);
        String t = name + "_OFFLINE";
        String checkpoint = assertCompleted(sync(t));

        // values beyond 2^31 for the int column
        List<Record> records = new ArrayList<>();
        for (long id = 11; id <= 20; id++) {
            Record r = row(table.schema(), id);
            r.setField("qty", id == 15 || id == 17 ? 3_000_000_000L : id);
            records.add(r);
        }
        IcebergFixtures.commit(table, records);
        JsonPath failed = sync(t);
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        String why = failed.getString("errorMessage");
        assertTrue(why.contains("2 row(s) of a batch cannot be converted") && why.contains("row 5 column qty"), why);
        assertTrue(why.contains("checkpoint unchanged"), why);
        assertNull(failed.get("checkpointValue"));
        assertEquals(10, IcebergFixtures.rows(name), "none of the failed file's rows are loaded");
        admin().get("/tables/" + t + "/externalTable/checkpoint").then().statusCode(200)
                .body("checkpointValue", equalTo(checkpoint));
        String run = why.substring(why.indexOf("Sync run ") + "Sync run ".length()).split(" ")[0];
        admin().get("/api/v1/pipelines/" + t + "/runs/" + run + "/errors").then().statusCode(200)
                .body("total", equalTo(2)).body("errors[0].column", equalTo("qty"));
    }

    @Test
    void filesWithoutFieldIdsLoadByTheNameMappingAcrossARename() throws Exception {
        String name = Api.unique("mapped").toLowerCase();
        Table table = create(name);
        table.updateProperties().set(org.apache.iceberg.TableProperties.DEFAULT_NAME_MAPPING,
                org.apache.iceberg.mapping.NameMappingParser.toJson(org.apache.iceberg.mapping.MappingUtil.create(table.schema())))
                .commit();
        // a file another writer made without field ids (as imported files are), with the names of then
        java.nio.file.Path file = warehouse.resolve(name + "-imported.parquet");
        org.apache.parquet.schema.MessageType parquet = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
                "message imported { required int64 id; optional binary name (STRING); optional int32 qty; }");
        var factory = new org.apache.parquet.example.data.simple.SimpleGroupFactory(parquet);
        try (var writer = org.apache.parquet.hadoop.example.ExampleParquetWriter
                .builder(new org.apache.parquet.io.LocalOutputFile(file)).withType(parquet).build()) {
            for (long id = 1; id <= 10; id++) {
                writer.write(factory.newGroup().append("id", id).append("name", "c-" + id).append("qty", (int) id));
            }
        }
        table.newAppend().appendFile(org.apache.iceberg.DataFiles.builder(table.spec()).withPath("file:" + file)
                .withFileSizeInBytes(java.nio.file.Files.size(file)).withRecordCount(10)
                .withFormat(org.apache.iceberg.FileFormat.PARQUET).build()).commit();
        // the rename keeps the old name in the mapping (Iceberg updates it), so the imported file still maps
        table.updateSchema().renameColumn("name", "customer").commit();
        append(table, 11, 20);
        String t = register(name, null);
        assertCompleted(sync(t));
        IcebergFixtures.assertEqualToIceberg(table, name, null);
        assertEquals(10, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + name + "\" WHERE id <= 10 AND customer = 'c-' || id"));
    }

    // ---- fixtures

    private Table create(String name) {
        Namespace ns = Namespace.of("sales");
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            n.createNamespace(ns);
        }
        return catalog.createTable(TableIdentifier.of(ns, name), SCHEMA, PartitionSpec.unpartitioned());
    }

    private String register(String name, String icebergTable) {
        admin().body(tableConfig(name, jdbcTask(CATALOG, "file:" + warehouse, icebergTable == null ? "sales." + name : icebergTable)))
                .post("/tables").then().log().ifValidationFails().statusCode(201);
        return name + "_OFFLINE";
    }

    private static String assertCompleted(JsonPath status) {
        assertEquals("COMPLETED", status.getString("status"), status.prettify());
        return status.getString("checkpointValue");
    }

    /** Rows {@code from..to} in one data file of the table's current schema, committed. */
    private static void append(Table table, long from, long to) {
        List<Record> records = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            records.add(row(table.schema(), id));
        }
        IcebergFixtures.commit(table, records);
        table.refresh();
    }

    /** Values chosen by field id, so they survive renames; floats exactly representable (widening keeps them). */
    private static Record row(Schema schema, long id) {
        GenericRecord r = GenericRecord.create(schema);
        for (Types.NestedField f : schema.columns()) {
            Object value = switch (f.fieldId()) {
                case 1 -> id;
                case 2 -> id % 5 == 0 ? null : "c-" + id;
                case 3 -> f.type().typeId() == Type.TypeID.INTEGER ? (Object) (int) (id % 1000) : (Object) (id * 30_000_000L);
                case 4 -> f.type().typeId() == Type.TypeID.FLOAT ? (Object) (id / 4f) : (Object) (id / 8.0);
                case 5 -> BigDecimal.valueOf(id * 7, 2);
                default -> "n-" + id;
            };
            r.setField(f.name(), value);
        }
        return r;
    }

    /** The table's columns mirroring Iceberg fields (Sluice's provenance columns left out). */
    private static List<String> columns(String table) {
        List<String> names = new ArrayList<>();
        query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'sluice_data' AND table_name = '"
                + table + "' AND column_name NOT LIKE '\\_sluice\\_%' ORDER BY ordinal_position", rs -> names.add(rs.getString(1)));
        return names;
    }

    private static String type(String table, String column) {
        Map<String, String> found = new HashMap<>();
        query("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'sluice_data.\"" + table
                + "\"'::regclass AND a.attname = '" + column + "'", rs -> found.put("type", rs.getString(1)));
        return found.get("type");
    }

    private static String nullable(String table, String column) {
        Map<String, String> found = new HashMap<>();
        query("SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'sluice_data' AND table_name = '"
                + table + "' AND column_name = '" + column + "'", rs -> found.put("n", rs.getString(1)));
        return found.get("n");
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws java.sql.SQLException;
    }

    private static void query(String sql, RowConsumer each) {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                each.accept(rs);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
