import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Benchmark input: an Iceberg table (JDBC catalog) of FILES Parquet data files holding ROWS rows in
 * all, committed in one append through Iceberg's own writer, and the same rows as a CSV file for
 * psql's COPY. Run with the source launcher on the test classpath (bench/iceberg-sync.sh does).
 *
 * args: jdbcUri warehouseDir catalogName namespace.table files rows csvFile
 */
public class WriteIcebergTable {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "customer", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(4, "ordered_at", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "day", Types.DateType.get()),
            Types.NestedField.optional(6, "quantity", Types.IntegerType.get()),
            Types.NestedField.optional(7, "paid", Types.BooleanType.get()),
            Types.NestedField.optional(8, "score", Types.DoubleType.get()));
    static final OffsetDateTime T0 = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    static final LocalDate D0 = LocalDate.of(2026, 1, 1);

    public static void main(String[] args) throws IOException {
        String[] parts = args[3].split("\\.");
        int files = Integer.parseInt(args[4]);
        long rows = Long.parseLong(args[5]);
        Map<String, String> props = new HashMap<>();
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
        props.put(CatalogProperties.URI, args[0]);
        props.put(CatalogProperties.WAREHOUSE_LOCATION, args[1]);
        props.put("jdbc.schema-version", "V1");
        props.put(CatalogProperties.FILE_IO_IMPL, "io.sluice.external.iceberg.SluiceFileIO");
        Catalog catalog = CatalogUtil.buildIcebergCatalog(args[2], props, null);
        Namespace ns = Namespace.of(parts[0]);
        if (!((SupportsNamespaces) catalog).namespaceExists(ns)) {
            ((SupportsNamespaces) catalog).createNamespace(ns);
        }
        Table table = catalog.createTable(TableIdentifier.of(ns, parts[1]), SCHEMA, PartitionSpec.unpartitioned());
        AppendFiles append = table.newAppend();
        long perFile = rows / files;
        long id = 1;
        try (BufferedWriter csv = Files.newBufferedWriter(Path.of(args[6]))) {
            for (int f = 0; f < files; f++) {
                long last = f == files - 1 ? rows : id + perFile - 1;
                DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(
                        table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet")))
                        .schema(SCHEMA).createWriterFunc(GenericParquetWriter::create).withSpec(table.spec())
                        .overwrite().build();
                try (writer) {
                    GenericRecord r = GenericRecord.create(SCHEMA);
                    for (; id <= last; id++) {
                        String customer = "customer-" + id;
                        BigDecimal amount = BigDecimal.valueOf(id * 137 % 100000, 2);
                        OffsetDateTime at = T0.plusSeconds(id);
                        LocalDate day = D0.plusDays(id % 365);
                        int quantity = (int) (id % 50);
                        boolean paid = id % 2 == 0;
                        double score = id / 4.0;
                        r.setField("id", id);
                        r.setField("customer", customer);
                        r.setField("amount", amount);
                        r.setField("ordered_at", at);
                        r.setField("day", day);
                        r.setField("quantity", quantity);
                        r.setField("paid", paid);
                        r.setField("score", score);
                        writer.write(r);
                        csv.write(id + "," + customer + "," + amount.toPlainString() + "," + at + "," + day + ","
                                + quantity + "," + paid + "," + score + "\n");
                    }
                }
                append.appendFile(writer.toDataFile());
            }
        }
        append.commit();
        System.out.println(table.currentSnapshot().snapshotId());
    }
}
