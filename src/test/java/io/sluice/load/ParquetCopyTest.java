package io.sluice.load;

import static org.apache.parquet.schema.LogicalTypeAnnotation.dateType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.decimalType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.intType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timeType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.uuidType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowError;
import io.sluice.format.RowReader;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * {@link ParquetCopy} writes, byte for byte, the binary COPY rows the row reader's batches encode to
 * (what a sync wrote before it, with the same provenance), for every pair of Parquet and column type
 * it has a way of its own for and for those it hands to the row reader's conversion, across page
 * versions, encodings, dictionaries, NULLs, pages and row groups; and it refuses the rows the row
 * reader rejects.
 */
class ParquetCopyTest {
    private static final long SEGMENT = 42;
    private static final long MICROS_2024 = LocalDateTime.of(2024, 5, 17, 8, 30).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;

    @TempDir
    Path dir;

    private static final MessageType SCHEMA = Types.buildMessage()
            .required(INT64).named("id")
            .optional(INT32).named("n")
            .optional(INT32).named("n_wide")
            .optional(INT32).as(intType(16, true)).named("small")
            .optional(BINARY).as(stringType()).named("few")
            .optional(BINARY).as(stringType()).named("many")
            .optional(BINARY).named("raw_text")
            .optional(DOUBLE).named("d")
            .optional(FLOAT).named("f")
            .optional(FLOAT).named("f_wide")
            .optional(BOOLEAN).named("b")
            .optional(INT32).as(decimalType(2, 9)).named("price")
            .optional(INT64).as(decimalType(3, 18)).named("amount")
            .optional(INT64).as(decimalType(2, 12)).named("rescaled")
            .optional(FIXED_LEN_BYTE_ARRAY).length(16).as(uuidType()).named("uid")
            .optional(INT32).as(dateType()).named("day")
            .optional(INT64).as(timestampType(true, TimeUnit.MICROS)).named("at")
            .optional(INT64).as(timestampType(false, TimeUnit.MICROS)).named("local_at")
            .optional(INT64).as(timestampType(true, TimeUnit.MILLIS)).named("at_ms")
            .optional(INT64).as(timestampType(true, TimeUnit.NANOS)).named("at_ns")
            .optional(INT64).as(timestampType(true, TimeUnit.MICROS)).named("at_p3")
            .optional(INT64).as(timeType(false, TimeUnit.MICROS)).named("clock")
            .named("rec");

    private static final TableSpec TABLE = new TableSpec("t", List.of(
            column("id", PgType.of(PgType.Kind.BIGINT)),
            column("n", PgType.of(PgType.Kind.INTEGER)),
            column("n_wide", PgType.of(PgType.Kind.BIGINT)),
            column("small", PgType.of(PgType.Kind.SMALLINT)),
            column("few", PgType.of(PgType.Kind.TEXT)),
            column("many", PgType.withLength(PgType.Kind.VARCHAR, 40)),
            column("raw_text", PgType.of(PgType.Kind.TEXT)),
            column("d", PgType.of(PgType.Kind.DOUBLE)),
            column("f", PgType.of(PgType.Kind.REAL)),
            column("f_wide", PgType.of(PgType.Kind.DOUBLE)),
            column("b", PgType.of(PgType.Kind.BOOLEAN)),
            column("price", PgType.numeric(9, 2)),
            column("amount", PgType.of(PgType.Kind.NUMERIC)),
            column("rescaled", PgType.numeric(14, 4)),
            column("uid", PgType.of(PgType.Kind.UUID)),
            column("day", PgType.of(PgType.Kind.DATE)),
            column("at", PgType.of(PgType.Kind.TIMESTAMPTZ)),
            column("local_at", PgType.of(PgType.Kind.TIMESTAMP)),
            column("at_ms", PgType.of(PgType.Kind.TIMESTAMPTZ)),
            column("at_ns", PgType.of(PgType.Kind.TIMESTAMPTZ)),
            column("at_p3", PgType.withSecondsPrecision(PgType.Kind.TIMESTAMPTZ, 3)),
            column("clock", PgType.of(PgType.Kind.TIME)),
            column("absent", PgType.of(PgType.Kind.TEXT))), List.of());

    private static ColumnSpec column(String name, PgType type) {
        return new ColumnSpec(name, type, false);
    }

    @ParameterizedTest
    @CsvSource({ "PARQUET_1_0, true", "PARQUET_1_0, false", "PARQUET_2_0, true", "PARQUET_2_0, false" })
    void writesTheRowsTheRowReaderGives(WriterVersion version, boolean dictionary) throws Exception {
        Path file = write(SCHEMA, version, dictionary, 5_000, (i, g) -> {
            g.append("id", (long) i * 1_000_003);
            if (i % 7 != 0) g.append("n", i * 31 % 1_000 - 500);
            if (i % 8 != 0) g.append("n_wide", -i);
            if (i % 9 != 0) g.append("small", i % 300 - 150);
            if (i % 5 != 0) g.append("few", "v" + i % 40);
            // repeats, then unique values (the dictionary fills up), some of them not ASCII
            if (i % 11 != 0) g.append("many", i % 2_000 < 1_400 ? "m" + i % 20 : i % 3 == 0 ? "ünïcödé-" + i : "unique-" + i);
            if (i % 12 != 0) g.append("raw_text", Binary.fromString(i % 4 == 0 ? "€" + i : "r" + i));
            if (i % 13 != 0) g.append("d", i / 3.0);
            if (i % 17 != 0) g.append("f", i / 4.0f);
            if (i % 18 != 0) g.append("f_wide", i / 10.0f);
            if (i % 19 != 0) g.append("b", i % 3 == 0);
            if (i % 23 != 0) g.append("price", i * 7 - 9_000);
            if (i % 24 != 0) g.append("amount", i % 2 == 0 ? (long) i * 123_456_789_012L : -i);
            if (i % 25 != 0) g.append("rescaled", (long) i * 10_001);
            if (i % 29 != 0) g.append("uid", uuid(i));
            if (i % 31 != 0) g.append("day", 19_000 + i % 400 - (i % 50 == 0 ? 800_000 : 0));
            if (i % 37 != 0) g.append("at", MICROS_2024 + i * 1_000_001L);
            if (i % 38 != 0) g.append("local_at", MICROS_2024 - i * 86_400_000_000L);
            if (i % 39 != 0) g.append("at_ms", MICROS_2024 / 1_000 + i * 1_001L);
            if (i % 41 != 0) g.append("at_ns", MICROS_2024 * 1_000 + i * 1_234_567L);
            if (i % 43 != 0) g.append("at_p3", MICROS_2024 + i * 1_234L);
            if (i % 47 != 0) g.append("clock", i * 1_000_003L % 86_400_000_000L);
        });
        byte[] direct = direct(file, TABLE, SEGMENT, 0);
        byte[] byRowReader = byRowReader(file, TABLE, SEGMENT, 0);
        assertTrue(direct.length > 5_000 * 10, "rows were written: " + direct.length + " bytes");
        assertArrayEquals(byRowReader, direct);
    }

    @Test
    void withoutProvenanceAndFromARowOnTheRowNumbersFollow() throws Exception {
        MessageType schema = Types.buildMessage().required(INT64).named("id").named("rec");
        TableSpec table = new TableSpec("t", List.of(column("id", PgType.of(PgType.Kind.BIGINT))), List.of());
        Path file = write(schema, WriterVersion.PARQUET_1_0, false, 300, (i, g) -> g.append("id", (long) i));
        assertArrayEquals(byRowReader(file, table, null, 0), direct(file, table, null, 0));
        assertArrayEquals(byRowReader(file, table, 7L, 1_000), direct(file, table, 7L, 1_000));
    }

    @Test
    void rowsTheRowReaderRejectsAreRefused() throws Exception {
        MessageType schema = Types.buildMessage()
                .required(INT64).named("id")
                .optional(BINARY).as(stringType()).named("name")
                .optional(INT64).named("qty")
                .optional(INT64).as(timestampType(true, TimeUnit.MICROS)).named("at")
                .named("rec");
        List<ColumnSpec> columns = List.of(column("id", PgType.of(PgType.Kind.BIGINT)), column("name", PgType.of(PgType.Kind.TEXT)),
                column("qty", PgType.of(PgType.Kind.INTEGER)), column("at", PgType.of(PgType.Kind.TIMESTAMPTZ)));
        record Case(String what, TableSpec table, BiConsumer<Integer, Group> row) {
        }
        long year10000 = LocalDateTime.of(10_000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        List<Case> cases = List.of(
                new Case("a NUL in text", new TableSpec("t", columns, List.of()),
                        (i, g) -> g.append("id", (long) i).append("name", i == 150 ? "a\0b" : "n" + i)),
                new Case("an integer beyond the column", new TableSpec("t", columns, List.of()),
                        (i, g) -> g.append("id", (long) i).append("qty", i == 150 ? 3_000_000_000L : i)),
                new Case("a year past 9999", new TableSpec("t", columns, List.of()),
                        (i, g) -> g.append("id", (long) i).append("at", i == 150 ? year10000 : MICROS_2024)),
                new Case("a NULL in a NOT NULL column", new TableSpec("t", List.of(columns.get(0),
                        new ColumnSpec("name", PgType.of(PgType.Kind.TEXT), true)), List.of()),
                        (i, g) -> {
                            g.append("id", (long) i);
                            if (i != 150) g.append("name", "n");
                        }),
                new Case("a NOT NULL column the file does not have", new TableSpec("t", List.of(columns.get(0),
                        new ColumnSpec("region", PgType.of(PgType.Kind.TEXT), true)), List.of()),
                        (i, g) -> g.append("id", (long) i)));
        for (Case c : cases) {
            for (boolean dictionary : new boolean[] { true, false }) {
                Path file = write(schema, WriterVersion.PARQUET_1_0, dictionary, 200, c.row());
                try (ParquetCopy copy = ParquetCopy.open(file, c.table(), Map.of())) {
                    assertThrows(ParquetCopy.Rejected.class, () -> copy.writeTo(encoder(new ByteArrayOutputStream()), SEGMENT, 0, () -> {
                    }), c.what());
                }
                List<RowError> errors = new ArrayList<>();
                readAll(file, c.table(), errors);
                assertFalse(errors.isEmpty(), c.what() + ": the row reader rejects it too");
            }
        }
    }

    @Test
    void nestedFieldsAndColumnsWithoutABinaryFormNeedTheRowReader() throws Exception {
        MessageType nested = Types.buildMessage().required(INT64).named("id")
                .optionalGroup().optional(INT32).named("x").named("doc").named("rec");
        Path file = write(nested, WriterVersion.PARQUET_1_0, false, 10, (i, g) -> g.append("id", (long) i));
        TableSpec json = new TableSpec("t", List.of(column("id", PgType.of(PgType.Kind.BIGINT)), column("doc", PgType.of(PgType.Kind.JSONB))),
                List.of());
        assertNull(ParquetCopy.open(file, json, Map.of()));
        TableSpec interval = new TableSpec("t", List.of(column("id", PgType.of(PgType.Kind.BIGINT)),
                column("every", PgType.of(PgType.Kind.INTERVAL))), List.of());
        assertNull(ParquetCopy.open(file, interval, Map.of()));
    }

    @Test
    void aStopAskedForLeavesAsItIsThrown() throws Exception {
        MessageType schema = Types.buildMessage().required(INT64).named("id").named("rec");
        TableSpec table = new TableSpec("t", List.of(column("id", PgType.of(PgType.Kind.BIGINT))), List.of());
        Path file = write(schema, WriterVersion.PARQUET_1_0, false, 100, (i, g) -> g.append("id", (long) i));
        IllegalStateException stop = new IllegalStateException("stop");
        try (ParquetCopy copy = ParquetCopy.open(file, table, Map.of())) {
            assertNotNull(copy);
            assertSame(stop, assertThrows(IllegalStateException.class, () -> copy.writeTo(encoder(new ByteArrayOutputStream()), null, 0,
                    () -> {
                        throw stop;
                    })));
        }
    }

    private Path write(MessageType schema, WriterVersion version, boolean dictionary, int rows, BiConsumer<Integer, Group> row)
            throws IOException {
        Path file = dir.resolve("data-" + System.nanoTime() + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withWriterVersion(version).withDictionaryEncoding(dictionary).withDictionaryPageSize(2_048)
                .withPageRowCountLimit(700).withRowGroupRowCountLimit(2_000).build()) {
            for (int i = 1; i <= rows; i++) {
                Group g = groups.newGroup();
                row.accept(i, g);
                writer.write(g);
            }
        }
        return file;
    }

    private static Binary uuid(int i) {
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(i).putLong(-i);
        return Binary.fromConstantByteArray(bytes.array());
    }

    private static CopyBinaryEncoder encoder(ByteArrayOutputStream out) {
        return new CopyBinaryEncoder(new PgType.Kind[0], out::write);
    }

    private static byte[] direct(Path file, TableSpec table, Long segment, long firstRow) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyBinaryEncoder encoder = encoder(out);
        try (ParquetCopy copy = ParquetCopy.open(file, table, Map.of())) {
            assertNotNull(copy, "the file's rows go straight into COPY");
            long rows = copy.writeTo(encoder, segment, firstRow, () -> {
            });
            assertTrue(rows > 0);
        }
        encoder.flush();
        return out.toByteArray();
    }

    /** The rows as a sync wrote them before: the row reader's batches, their provenance after them (PartitionLoader). */
    private static byte[] byRowReader(Path file, TableSpec table, Long segment, long firstRow) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<PgType.Kind> kinds = new ArrayList<>(table.columns().stream().map(c -> c.type().kind()).toList());
        if (segment != null) {
            kinds.add(PgType.Kind.BIGINT);
            kinds.add(PgType.Kind.BIGINT);
        }
        CopyBinaryEncoder encoder = new CopyBinaryEncoder(kinds.toArray(PgType.Kind[]::new), out::write);
        RowBatch batch = new RowBatch(table, 1_000);
        List<RowError> errors = new ArrayList<>();
        try (RowReader reader = Formats.openParquet(file, table, null, 0, Map.of())) {
            while (reader.read(batch, errors::add) > 0) {
                int own = table.columns().size();
                Object[][] columns = Arrays.copyOf(new Object[0][], own + (segment == null ? 0 : 2));
                for (int c = 0; c < own; c++) {
                    columns[c] = batch.column(c);
                }
                if (segment != null) {
                    Long[] segments = new Long[batch.size()];
                    Long[] rows = new Long[batch.size()];
                    Arrays.fill(segments, segment);
                    for (int r = 0; r < batch.size(); r++) {
                        rows[r] = firstRow + batch.rowNumber(r);
                    }
                    columns[own] = segments;
                    columns[own + 1] = rows;
                }
                encoder.rows(columns, batch.size(), false);
            }
        }
        assertEquals(List.of(), errors, "the row reader rejects none of these rows");
        encoder.flush();
        return out.toByteArray();
    }

    private static void readAll(Path file, TableSpec table, List<RowError> errors) throws IOException {
        RowBatch batch = new RowBatch(table, 1_000);
        try (RowReader reader = Formats.openParquet(file, table, null, 0, Map.of())) {
            long before;
            do {
                before = reader.rowsConsumed();
                reader.read(batch, errors::add);
            } while (reader.rowsConsumed() > before);
        }
    }
}
