import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowReader;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * Reading Parquet alone, in one JVM, no database: FILES files written by Iceberg's generic Parquet
 * writer (the rows of bench/iceberg/WriteIcebergTable.java), read PASSES times over either by
 * Sluice's reader into 50,000-row batches of the table's column types ("sluice"), or by Iceberg's
 * own generic reader into Records ("iceberg-generics"), the baseline. Run with the source launcher
 * on the test classpath (bench/parquet-read.sh does).
 *
 * args: dir reader passes; prints one line per pass: wall ms, reading thread's CPU ms, process CPU ms
 */
public class ParquetReadBench {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "customer", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(4, "ordered_at", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "day", Types.DateType.get()),
            Types.NestedField.optional(6, "quantity", Types.IntegerType.get()),
            Types.NestedField.optional(7, "paid", Types.BooleanType.get()),
            Types.NestedField.optional(8, "score", Types.DoubleType.get()));
    static final int FILES = 100;
    static final long ROWS_PER_FILE = 10_000;

    public static void main(String[] args) throws Exception {
        // what the service runs with: INFO (parquet-mr builds debug messages when its logger is at DEBUG)
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
        Path dir = Path.of(args[0]);
        String reader = args[1];
        int passes = Integer.parseInt(args[2]);
        if (!Files.exists(dir.resolve("f" + (FILES - 1) + ".parquet"))) {
            write(dir);
        }
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int pass = 0; pass < passes; pass++) {
            long wall = System.nanoTime();
            long thread = threads.getCurrentThreadCpuTime();
            long process = os.getProcessCpuTime();
            long rows = reader.equals("sluice") ? readWithSluice(dir) : readWithIcebergGenerics(dir);
            if (rows != FILES * ROWS_PER_FILE) {
                throw new IllegalStateException("read " + rows + " rows, not " + FILES * ROWS_PER_FILE);
            }
            System.out.printf("%s pass %d: %d rows, wall %d ms, thread CPU %d ms, process CPU %d ms%n", reader, pass, rows,
                    (System.nanoTime() - wall) / 1_000_000, (threads.getCurrentThreadCpuTime() - thread) / 1_000_000,
                    (os.getProcessCpuTime() - process) / 1_000_000);
        }
    }

    static final TableSpec TABLE = new TableSpec("orders", List.of(
            new ColumnSpec("id", PgType.of(PgType.Kind.BIGINT), true),
            new ColumnSpec("customer", PgType.of(PgType.Kind.TEXT), false),
            new ColumnSpec("amount", PgType.numeric(10, 2), false),
            new ColumnSpec("ordered_at", PgType.of(PgType.Kind.TIMESTAMPTZ), false),
            new ColumnSpec("day", PgType.of(PgType.Kind.DATE), false),
            new ColumnSpec("quantity", PgType.of(PgType.Kind.INTEGER), false),
            new ColumnSpec("paid", PgType.of(PgType.Kind.BOOLEAN), false),
            new ColumnSpec("score", PgType.of(PgType.Kind.DOUBLE), false)), List.of("id"));

    static long readWithSluice(Path dir) throws Exception {
        RowBatch batch = new RowBatch(TABLE, 50_000);
        long rows = 0;
        for (int f = 0; f < FILES; f++) {
            try (RowReader reader = Formats.openParquet(dir.resolve("f" + f + ".parquet"), TABLE, Map.of(), 0)) {
                int n;
                while ((n = reader.read(batch, e -> { throw new IllegalStateException(e.toString()); })) > 0) {
                    rows += n;
                }
            }
        }
        return rows;
    }

    static long readWithIcebergGenerics(Path dir) throws Exception {
        long rows = 0;
        for (int f = 0; f < FILES; f++) {
            try (CloseableIterable<Record> records = Parquet.read(org.apache.iceberg.Files.localInput(dir.resolve("f" + f + ".parquet").toFile()))
                    .project(SCHEMA).createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(SCHEMA, fileSchema)).build()) {
                for (Record r : records) {
                    rows++;
                }
            }
        }
        return rows;
    }

    static void write(Path dir) throws Exception {
        Files.createDirectories(dir);
        OffsetDateTime t0 = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        LocalDate d0 = LocalDate.of(2026, 1, 1);
        long id = 1;
        for (int f = 0; f < FILES; f++) {
            try (FileAppender<Record> w = Parquet.write(org.apache.iceberg.Files.localOutput(dir.resolve("f" + f + ".parquet").toFile()))
                    .schema(SCHEMA).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
                GenericRecord r = GenericRecord.create(SCHEMA);
                for (long i = 0; i < ROWS_PER_FILE; i++, id++) {
                    r.setField("id", id);
                    r.setField("customer", "customer-" + id);
                    r.setField("amount", BigDecimal.valueOf(id * 137 % 100000, 2));
                    r.setField("ordered_at", t0.plusSeconds(id));
                    r.setField("day", d0.plusDays(id % 365));
                    r.setField("quantity", (int) (id % 50));
                    r.setField("paid", id % 2 == 0);
                    r.setField("score", id / 4.0);
                    w.add(r);
                }
            }
        }
    }
}
