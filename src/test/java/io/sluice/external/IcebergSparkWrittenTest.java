package io.sluice.external;

import static io.sluice.external.IcebergFixtures.jdbcTask;
import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * A lake written by Apache Spark (local mode, Iceberg's Spark runtime, the JDBC catalog in the test
 * PostgreSQL), synced after each of the changes Spark jobs make: inserts spread over files,
 * merge-on-read DELETE and MERGE INTO (position delete files as Spark writes them), a copy-on-write
 * UPDATE, schema evolution (add, rename, widen), and rewrite_data_files compaction. After each sync
 * the PostgreSQL table equals the Iceberg table as IcebergGenerics reads it at the checkpoint snapshot.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergSparkWrittenTest {
    private static final String CATALOG = "spark_lake";
    private Path warehouse;
    private SparkSql spark;
    private Catalog catalog;

    @BeforeAll
    void startSpark() throws Exception {
        warehouse = Api.tempDir();
        var config = ConfigProvider.getConfig();
        Map<String, String> settings = new LinkedHashMap<>();
        String prefix = "spark.sql.catalog." + CATALOG;
        settings.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
        settings.put(prefix + ".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
        settings.put(prefix + ".uri", IcebergFixtures.jdbcUri().replaceFirst("\\?.*$", ""));
        settings.put(prefix + ".jdbc.user", config.getValue("quarkus.datasource.username", String.class));
        settings.put(prefix + ".jdbc.password", config.getValue("quarkus.datasource.password", String.class));
        settings.put(prefix + ".jdbc.schema-version", "V1");
        settings.put(prefix + ".warehouse", "file:" + warehouse);
        spark = new SparkSql(settings);
        catalog = IcebergFixtures.catalog(CATALOG, IcebergFixtures.jdbcCatalogProperties(CATALOG, "file:" + warehouse));
    }

    @AfterAll
    void stopSpark() throws Exception {
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    void everyChangeSparkMakesIsMirroredExactly() throws Exception {
        String pg = Api.unique("spark_orders").toLowerCase();
        String lake = createInSpark(pg, 2, 4, 2000);
        String t = pg + "_OFFLINE";
        Table table = catalog.loadTable(TableIdentifier.of("shop", pg));

        assertMirrored(table, pg, t, 2000);

        // merge-on-read DELETE: Spark writes position delete files
        spark.sql("DELETE FROM " + lake + " WHERE id % 10 = 0");
        assertEquals(DataOperations.DELETE, operation(table));
        assertTrue(addedDeleteFiles(table) > 0, "merge-on-read: delete files, no data file rewritten");
        assertMirrored(table, pg, t, 1800);

        // merge-on-read MERGE INTO: ids 1,950-2,000 updated (deleted ones come back), 2,001-2,100 inserted
        spark.sql("MERGE INTO " + lake + " t USING (SELECT " + rows(1950, 2100).replace("concat('customer-', id)", "concat('merged-', id)")
                + ") s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.customer = s.customer, t.amount = s.amount"
                + " WHEN NOT MATCHED THEN INSERT *");
        assertTrue(addedDeleteFiles(table) > 0, "merge-on-read");
        assertMirrored(table, pg, t, 1800 + 6 + 100);
        assertEquals(151, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + pg + "\" WHERE customer LIKE 'merged-%'"));

        // copy-on-write UPDATE: the data files rewritten whole
        spark.sql("ALTER TABLE " + lake + " SET TBLPROPERTIES ('write.update.mode'='copy-on-write')");
        spark.sql("UPDATE " + lake + " SET paid = NOT paid, quantity = quantity + 100 WHERE id < 300");
        assertMirrored(table, pg, t, 1906);
        assertEquals(270, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + pg + "\" WHERE quantity >= 100"));

        // schema evolution: a column added, one renamed, one widened, then rows in the new schema
        spark.sql("ALTER TABLE " + lake + " ADD COLUMN note STRING");
        spark.sql("ALTER TABLE " + lake + " RENAME COLUMN customer TO buyer");
        spark.sql("ALTER TABLE " + lake + " ALTER COLUMN quantity TYPE BIGINT");
        spark.sql("INSERT INTO " + lake + " SELECT id, concat('new-', id), CAST(id AS DECIMAL(10,2)), TIMESTAMP '2025-01-01 00:00:00',"
                + " DATE '2025-01-01', 3000000000 + id, true, 0.5, concat('note ', id) FROM range(3000, 3100)");
        assertMirrored(table, pg, t, 2006);
        assertEquals(100, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + pg + "\" WHERE note IS NOT NULL AND quantity > 3000000000"));

        // compaction: every data file rewritten with its deletes applied (a replace snapshot)
        List<String> rewritten = spark.sql("CALL " + CATALOG + ".system.rewrite_data_files(table => 'shop." + pg + "',"
                + " options => map('rewrite-all', 'true'))");
        assertEquals(DataOperations.REPLACE, operation(table), rewritten.toString());
        assertMirrored(table, pg, t, 2006);
    }

    @Test
    void deletionVectorsOfFormatVersion3AreApplied() throws Exception {
        String pg = Api.unique("spark_v3").toLowerCase();
        String lake = createInSpark(pg, 3, 3, 3000);
        String t = pg + "_OFFLINE";
        Table table = catalog.loadTable(TableIdentifier.of("shop", pg));
        assertMirrored(table, pg, t, 3000);

        // deletion vectors (Puffin), one per data file
        spark.sql("DELETE FROM " + lake + " WHERE id % 3 = 0");
        assertTrue(addedDeleteFiles(table) > 0, "merge-on-read");
        table.refresh();
        table.currentSnapshot().addedDeleteFiles(table.io())
                .forEach(d -> assertEquals(org.apache.iceberg.FileFormat.PUFFIN, d.format(), d.location()));
        assertMirrored(table, pg, t, 2000);

        // a second delete: each data file's new vector holds its earlier positions too
        spark.sql("DELETE FROM " + lake + " WHERE id % 5 = 0");
        assertMirrored(table, pg, t, 2000 - 400);

        // a merge-on-read UPDATE: a vector for the old rows, the new ones appended
        spark.sql("UPDATE " + lake + " SET customer = concat('updated-', id) WHERE id <= 100");
        assertMirrored(table, pg, t, 1600);
        assertEquals(100 - 33 - 20 + 6, TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + pg + "\" WHERE customer LIKE 'updated-%'"));
    }

    /**
     * A merge-on-read table of this format version written by Spark: ids 1 to {@code rows} over
     * {@code files} data files, registered with Sluice as table {@code pg}. Returns its name in Spark.
     */
    private String createInSpark(String pg, int formatVersion, int files, long rows) throws Exception {
        String lake = CATALOG + ".shop." + pg;
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + CATALOG + ".shop");
        spark.sql("CREATE TABLE " + lake + " (id BIGINT NOT NULL, customer STRING, amount DECIMAL(10,2), ordered_at TIMESTAMP,"
                + " day DATE, quantity INT, paid BOOLEAN, score DOUBLE) USING iceberg TBLPROPERTIES ('format-version'='"
                + formatVersion + "', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read',"
                + " 'write.merge.mode'='merge-on-read')");
        spark.sql("INSERT INTO " + lake + " SELECT /*+ REPARTITION(" + files + ") */ " + rows(1, rows));
        admin().body(tableConfig(pg, jdbcTask(CATALOG, "file:" + warehouse, "shop." + pg))).post("/tables").then()
                .log().ifValidationFails().statusCode(201);
        return lake;
    }

    /** Rows {@code from..to} as a SELECT list over Spark's {@code range}: every column a function of the id. */
    private static String rows(long from, long to) {
        return "id, concat('customer-', id) AS customer, CAST(id * 1.25 AS DECIMAL(10,2)) AS amount,"
                + " timestamp_seconds(1700000000 + id * 37) AS ordered_at, date_add(DATE '2024-01-01', CAST(id % 365 AS INT)) AS day,"
                + " CAST(id % 7 AS INT) AS quantity, id % 2 = 0 AS paid, id / 3.0D AS score FROM range(" + from + ", " + (to + 1) + ")";
    }

    private static int addedDeleteFiles(Table table) {
        table.refresh();
        int n = 0;
        for (var ignored : table.currentSnapshot().addedDeleteFiles(table.io())) {
            n++;
        }
        return n;
    }

    private static String operation(Table table) {
        table.refresh();
        return table.currentSnapshot().operation();
    }

    /** Syncs, and checks the sync reached Spark's last snapshot with the table equal to Iceberg's, {@code rows} rows. */
    private static void assertMirrored(Table table, String pg, String t, long rows) throws Exception {
        JsonPath status = sync(t);
        assertEquals("COMPLETED", status.getString("status"), status.prettify());
        table.refresh();
        assertEquals(Long.toString(table.currentSnapshot().snapshotId()), status.getString("checkpointValue"));
        IcebergFixtures.assertEqualToIceberg(table, pg, status.getString("checkpointValue"));
        assertEquals(rows, IcebergFixtures.rows(pg));
    }
}
