package io.sluice.external;

import static io.sluice.support.Api.admin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.path.json.JsonPath;
import io.sluice.external.iceberg.SluiceFileIO;
import io.sluice.support.S3ProxyResource;
import io.sluice.support.TestDatabase;

/**
 * Iceberg tables written by the tests through Iceberg's own API (generic Parquet writer, appends
 * committed to a JDBC catalog in the test PostgreSQL), and helpers for the /tables face.
 */
public final class IcebergFixtures {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "customer", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(4, "ordered_at", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "day", Types.DateType.get()),
            Types.NestedField.optional(6, "quantity", Types.IntegerType.get()),
            Types.NestedField.optional(7, "paid", Types.BooleanType.get()),
            Types.NestedField.optional(8, "score", Types.DoubleType.get()));

    private IcebergFixtures() {
    }

    /** Names the test PostgreSQL's password for table configs (application.properties, %test). */
    static final String TEST_PASSWORD_VARIABLE = "SLUICE_TEST_S3_POSTGRES_PASSWORD";

    static String jdbcUri() {
        return "jdbc:" + ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
    }

    /** The properties of a JDBC catalog named {@code name} in the test PostgreSQL. */
    static Map<String, String> jdbcCatalogProperties(String name, String warehouse) {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
        props.put(CatalogProperties.URI, jdbcUri());
        props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        props.put("jdbc.schema-version", "V1");
        props.put(CatalogProperties.FILE_IO_IMPL, SluiceFileIO.class.getName());
        return props;
    }

    /** S3FileIO settings for the s3proxy test server. */
    static Map<String, String> s3Properties() {
        var config = ConfigProvider.getConfig();
        return Map.of("s3.endpoint", S3ProxyResource.endpoint(), "s3.path-style-access", "true", "client.region", "us-east-1",
                "http-client.type", "urlconnection",
                "s3.access-key-id", config.getValue(S3ProxyResource.ACCESS_KEY_ENV, String.class),
                "s3.secret-access-key", config.getValue(S3ProxyResource.SECRET_KEY_ENV, String.class));
    }

    static Catalog catalog(String name, Map<String, String> props) {
        return CatalogUtil.buildIcebergCatalog(name, props, null);
    }

    static Table createTable(Catalog catalog, String namespace, String table) {
        Namespace ns = Namespace.of(namespace);
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            n.createNamespace(ns);
        }
        return catalog.createTable(TableIdentifier.of(ns, table), SCHEMA, PartitionSpec.unpartitioned());
    }

    /** Rows {@code from..to} (ids) as a Parquet data file of the table, not committed. */
    static DataFile dataFile(Table table, long from, long to) {
        return write(table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet")),
                table.schema(), table.spec(), from, to);
    }

    /** Rows {@code from..to} as the bytes of a plain Parquet file (for raw S3 tables). */
    public static byte[] parquet(long from, long to) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("rows-", ".parquet");
            try {
                write(org.apache.iceberg.Files.localOutput(file.toFile()), SCHEMA, PartitionSpec.unpartitioned(), from, to);
                return java.nio.file.Files.readAllBytes(file);
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DataFile write(OutputFile out, Schema schema, PartitionSpec spec, long from, long to) {
        List<Record> records = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            records.add(row(schema, id));
        }
        return write(out, schema, spec, records);
    }

    private static DataFile write(OutputFile out, Schema schema, PartitionSpec spec, List<Record> records) {
        try {
            DataWriter<Record> writer = Parquet.writeData(out).schema(schema)
                    .createWriterFunc(GenericParquetWriter::create).withSpec(spec).overwrite().build();
            try (writer) {
                records.forEach(writer::write);
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits {@code records} as one data file. */
    static void commit(Table table, List<Record> records) {
        table.newAppend().appendFile(write(table.io().newOutputFile(table.locationProvider().newDataLocation(
                UUID.randomUUID() + ".parquet")), table.schema(), table.spec(), records)).commit();
    }

    static long rows(String table) {
        return TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + table + "\"");
    }

    static Record row(Schema schema, long id) {
        GenericRecord r = GenericRecord.create(schema);
        r.setField("id", id);
        r.setField("customer", id % 7 == 0 ? null : "customer-" + id);
        r.setField("amount", BigDecimal.valueOf(id * 137 % 100000, 2));
        r.setField("ordered_at", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusSeconds(id * 61).plusNanos(123_000));
        r.setField("day", LocalDate.of(2026, 1, 1).plusDays(id % 365));
        r.setField("quantity", (int) (id % 50));
        r.setField("paid", id % 2 == 0);
        r.setField("score", id / 4.0);
        return r;
    }

    /** Appends one commit of data files, each holding {@code rowsPerFile} consecutive ids starting at {@code firstId}. */
    static long commit(Table table, long firstId, int files, int rowsPerFile) {
        var append = table.newAppend();
        long id = firstId;
        for (int f = 0; f < files; f++) {
            append.appendFile(dataFile(table, id, id + rowsPerFile - 1));
            id += rowsPerFile;
        }
        append.commit();
        table.refresh();
        return table.currentSnapshot().snapshotId();
    }

    static Map<String, Object> tableConfig(String tableName, Map<String, String> task) {
        Map<String, Object> body = new HashMap<>();
        body.put("tableName", tableName);
        body.put("tableType", "OFFLINE");
        body.put("schema", null);
        body.put("task", Map.of("taskTypeConfigsMap", Map.of("ExternalTableSyncTask", task)));
        return body;
    }

    static Map<String, String> jdbcTask(String catalogName, String warehouse, String icebergTable) {
        Map<String, String> task = new HashMap<>();
        task.put("catalogType", "jdbc");
        task.put("catalog.name", catalogName);
        // What a table config holds: the URI without credentials, the password by variable name.
        task.put("catalog.uri", jdbcUri().replaceFirst("\\?.*$", ""));
        task.put("catalog.jdbc.user", "postgres");
        task.put("catalog.jdbc.password-env", TEST_PASSWORD_VARIABLE);
        task.put("catalog.warehouse", warehouse);
        task.put("icebergTable", icebergTable);
        task.put("schedule", "0 */30 * * * ?");
        return task;
    }

    /** Triggers a sync and waits for its end. */
    static JsonPath sync(String tableNameWithType) {
        return awaitSyncEnd(tableNameWithType, trigger(tableNameWithType));
    }

    static String trigger(String tableName) {
        return admin().body(Map.of("taskType", "ExternalTableSyncTask", "tableName", tableName))
                .post("/tasks/schedule").then().statusCode(200).extract().path("ExternalTableSyncTask");
    }

    static JsonPath status(String tableNameWithType) {
        return admin().get("/tables/" + tableNameWithType + "/externalTable/status").then().statusCode(200)
                .extract().jsonPath();
    }

    /** The watcher status once the sync {@code task} (as /tasks/schedule named it) ended (COMPLETED or FAILED). */
    static JsonPath awaitSyncEnd(String tableNameWithType, String task) {
        long triggered = Long.parseLong(task.substring(task.lastIndexOf('_') + 1));
        List<JsonPath> last = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath s = status(tableNameWithType);
            last.clear();
            last.add(s);
            return s.getLong("startTimeMs") >= triggered && List.of("COMPLETED", "FAILED").contains(s.getString("status"));
        });
        return last.get(0);
    }
    /**
     * count(*), count(DISTINCT id) and every row equal to IcebergGenerics' read of the table at
     * {@code snapshot} (the current one when null), in the columns of that snapshot's schema: what a
     * sync that reached it must have left in PostgreSQL.
     */
    static void assertEqualToIceberg(Table table, String pgTable, String snapshot) throws Exception {
        table.refresh();
        Long at = snapshot == null ? null : Long.valueOf(snapshot);
        Schema schema = at == null ? table.schema() : table.schemas().get(table.snapshot(at).schemaId());
        List<Types.NestedField> fields = schema.columns();
        Map<Long, List<String>> iceberg = new TreeMap<>();
        IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table);
        try (CloseableIterable<Record> records = (at == null ? scan : scan.useSnapshot(at)).build()) {
            for (Record r : records) {
                List<String> values = new ArrayList<>();
                fields.forEach(f -> values.add(normalized(r.getField(f.name()))));
                assertNull(iceberg.put((Long) r.getField("id"), values), "ids are unique in the Iceberg table");
            }
        }
        Map<Long, List<String>> postgres = new TreeMap<>();
        String select = "SELECT " + String.join(", ", fields.stream().map(f -> "\"" + f.name() + "\"").toList())
                + " FROM sluice_data.\"" + pgTable + "\"";
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(select)) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= fields.size(); i++) {
                    values.add(normalized(switch (fields.get(i - 1).type().typeId()) {
                        case TIMESTAMP -> ((Types.TimestampType) fields.get(i - 1).type()).shouldAdjustToUTC()
                                ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i, java.time.LocalDateTime.class);
                        case DATE -> rs.getObject(i, LocalDate.class);
                        default -> rs.getObject(i);
                    }));
                }
                postgres.put(rs.getLong("id"), values);
            }
        }
        long count = TestDatabase.count("SELECT count(*) FROM sluice_data.\"" + pgTable + "\"");
        long distinct = TestDatabase.count("SELECT count(DISTINCT id) FROM sluice_data.\"" + pgTable + "\"");
        assertEquals(iceberg.size(), count, "count(*)");
        assertEquals(iceberg.size(), distinct, "count(DISTINCT id)");
        assertEquals(iceberg, postgres);
    }

    /** Numbers by value (1.50 = 1.5), instants at UTC. */
    private static String normalized(Object value) {
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return String.valueOf(value);
    }
}
