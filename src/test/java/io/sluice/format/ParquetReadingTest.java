package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.readAll;
import static io.sluice.format.Fixtures.table;
import static io.sluice.format.Fixtures.values;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.BOOLEAN;
import static io.sluice.pipeline.program.PgType.Kind.BYTEA;
import static io.sluice.pipeline.program.PgType.Kind.DATE;
import static io.sluice.pipeline.program.PgType.Kind.DOUBLE;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.REAL;
import static io.sluice.pipeline.program.PgType.Kind.SMALLINT;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIME;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMP;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static io.sluice.pipeline.program.PgType.Kind.UUID;
import static org.apache.parquet.schema.LogicalTypeAnnotation.dateType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.decimalType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timeType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.uuidType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT96;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.vertx.core.buffer.Buffer;

class ParquetReadingTest {
    private static final java.util.UUID ID = java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

    @TempDir
    Path dir;

    private Path write(MessageType schema, int rowGroupRows, List<Consumer<Group>> rows) throws IOException {
        Path file = dir.resolve("data-" + System.nanoTime() + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withRowGroupRowCountLimit(rowGroupRows).withPageRowCountLimit(rowGroupRows).build()) {
            for (Consumer<Group> row : rows) {
                Group group = groups.newGroup();
                row.accept(group);
                writer.write(group);
            }
        }
        return file;
    }

    private static Binary uuidBytes(java.util.UUID id) {
        return Binary.fromConstantByteArray(ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array());
    }

    @Test
    void logicalTypesConvertToColumnTypes() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(INT64).named("id")
                .optional(BINARY).as(stringType()).named("Name")
                .optional(INT32).as(dateType()).named("day")
                .optional(INT64).as(timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named("at_utc")
                .optional(INT64).as(timestampType(false, LogicalTypeAnnotation.TimeUnit.MILLIS)).named("at_local")
                .optional(INT32).as(decimalType(2, 9)).named("price")
                .optional(FIXED_LEN_BYTE_ARRAY).length(16).as(uuidType()).named("uid")
                .optional(PrimitiveTypeName.BOOLEAN).named("flag")
                .optional(FLOAT).named("ratio")
                .optional(PrimitiveTypeName.DOUBLE).named("score")
                .optional(INT32).named("small")
                .optional(BINARY).as(decimalType(3, 30)).named("big")
                .optional(BINARY).named("raw")
                .optional(INT64).as(timeType(false, LogicalTypeAnnotation.TimeUnit.MICROS)).named("clock")
                .optional(INT64).as(decimalType(2, 18)).named("ignored_extra")
                .named("rec");
        Path file = write(schema, 100, List.of(
                g -> g.append("id", 1L).append("Name", "Ann").append("day", 19_812)
                        .append("at_utc", 1_711_792_800_123_456L).append("at_local", 1_711_792_800_123L)
                        .append("price", 12_345).append("uid", uuidBytes(ID)).append("flag", true).append("ratio", 0.25f)
                        .append("score", 1.5).append("small", 7)
                        .append("big", Binary.fromConstantByteArray(new BigInteger("123456789012345678901234").toByteArray()))
                        .append("raw", Binary.fromConstantByteArray(new byte[] {1, 2})).append("clock", 3_600_000_001L)
                        .append("ignored_extra", 5L),
                g -> g.append("id", 2L),
                g -> g.append("id", 3L).append("at_utc", -1L).append("at_local", -1L)));
        TableSpec table = table(column("id", BIGINT), column("name", TEXT), column("day", DATE), column("at_utc", TIMESTAMPTZ),
                column("at_local", TIMESTAMP), column("price", PgType.numeric(9, 2)), column("uid", UUID),
                column("flag", BOOLEAN), column("ratio", REAL), column("score", DOUBLE), column("small", SMALLINT),
                column("big", PgType.numeric(30, 3)), column("raw", BYTEA), column("clock", TIME), column("absent", INTEGER));
        var result = readAll(Formats.openParquet(file, table, Map.of(), 0), table, 10);
        assertEquals(List.of(
                values(1L, "Ann", LocalDate.of(2024, 3, 30), OffsetDateTime.of(2024, 3, 30, 10, 0, 0, 123_456_000, ZoneOffset.UTC),
                        LocalDateTime.of(2024, 3, 30, 10, 0, 0, 123_000_000), new BigDecimal("123.45"), ID, true, 0.25f, 1.5,
                        (short) 7, new BigDecimal("123456789012345678901.234"), Buffer.buffer(new byte[] {1, 2}),
                        LocalTime.of(1, 0, 0, 1000), null),
                values(2L, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
                values(3L, null, null, OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000), null, null, null, null, null, null, null, null,
                        null, null)), result.rows());
        assertEquals(3, Formats.parquetRowCount(file));
    }

    /** The codecs writers use (Iceberg: zstd or gzip, Spark: snappy), read without Hadoop's XML defaults. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = org.apache.parquet.hadoop.metadata.CompressionCodecName.class,
            names = { "UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW" })
    void compressedFilesAreRead(org.apache.parquet.hadoop.metadata.CompressionCodecName codec) throws IOException {
        MessageType schema = Types.buildMessage().required(INT64).named("id").optional(BINARY).as(stringType()).named("name")
                .named("rec");
        Path file = dir.resolve("data-" + codec + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withCompressionCodec(codec).build()) {
            for (long i = 1; i <= 1000; i++) {
                writer.write(groups.newGroup().append("id", i).append("name", "name-" + i));
            }
        }
        TableSpec table = table(column("id", BIGINT), column("name", TEXT));
        var result = readAll(Formats.openParquet(file, table, Map.of(), 0), table, 100);
        assertEquals(1000, result.rows().size());
        assertEquals(values(1000L, "name-1000"), result.rows().get(999));
        assertEquals(List.of(), result.errors());
    }

    @Test
    void valuesThatDoNotFitAreRowErrors() throws IOException {
        MessageType schema = Types.buildMessage().required(INT64).named("n").optional(BINARY).as(stringType()).named("s")
                .named("rec");
        Path file = write(schema, 100, List.of(g -> g.append("n", 70_000L).append("s", "x"),
                g -> g.append("n", 1L).append("s", "not a date"), g -> g.append("n", 2L).append("s", "2024-01-02")));
        TableSpec table = table(column("n", SMALLINT), column("s", DATE));
        var result = readAll(Formats.openParquet(file, table, Map.of(), 0), table, 10);
        assertEquals(List.of(values((short) 2, LocalDate.of(2024, 1, 2))), result.rows());
        assertEquals(List.of(new RowError(1, "n", "70000", "Value 70000 out of range for smallint"),
                new RowError(1, "s", "x", "Expected date (yyyy-MM-dd)"),
                new RowError(2, "s", "not a date", "Expected date (yyyy-MM-dd)")), result.errors());
    }

    @Test
    void legacyInt96TimestampsAreInstants() throws IOException {
        MessageType schema = Types.buildMessage().required(INT96).named("at").named("rec");
        ByteBuffer int96 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int96.putLong(36_000_000_000_000L).putInt(2_440_588 + 19_812);
        Path file = write(schema, 100, List.of(g -> g.add("at", Binary.fromConstantByteArray(int96.array()))));
        TableSpec table = table(column("at", TIMESTAMPTZ));
        assertEquals(OffsetDateTime.of(2024, 3, 30, 10, 0, 0, 0, ZoneOffset.UTC),
                readAll(Formats.openParquet(file, table, Map.of(), 0), table, 10).value());
    }

    @Test
    void skipRowsPassesWholeRowGroupsThenRowsAndBatchesRefill() throws IOException {
        MessageType schema = Types.buildMessage().required(INT64).named("id").named("rec");
        List<Consumer<Group>> rows = new java.util.ArrayList<>();
        for (long i = 1; i <= 25; i++) {
            long id = i;
            rows.add(g -> g.append("id", id));
        }
        Path file = write(schema, 10, rows);
        TableSpec table = table(column("id", BIGINT));
        assertEquals(25, Formats.parquetRowCount(file));
        var result = readAll(Formats.openParquet(file, table, Map.of(), 12), table, 4);
        assertEquals(13, result.rows().size());
        assertEquals(13L, result.rowNumbers().get(0));
        assertEquals(13L, result.row(0).get(0));
        assertEquals(25L, result.rowNumbers().get(12));
        assertEquals(List.of(4, 4, 4, 1), result.batchSizes());
        assertEquals(25, result.consumed());
    }

    @Test
    void fileWithoutTheTablesColumnsOrWithNestedOnesIsAFormatError() throws IOException {
        MessageType schema = Types.buildMessage().required(INT64).named("other")
                .optionalGroup().required(INT32).named("x").named("nested").named("rec");
        Path file = write(schema, 10, List.of(g -> {
            g.append("other", 1L);
            g.addGroup("nested").append("x", 1);
        }));
        TableSpec unrelated = table(column("id", BIGINT));
        var none = assertThrows(FormatException.class, () -> Formats.openParquet(file, unrelated, Map.of(), 0)
                .read(new RowBatch(unrelated, 1), e -> { }));
        assertEquals("Parquet file has none of the columns of table t", none.getMessage());
        TableSpec nested = table(column("nested", PgType.Kind.TEXT));
        var nestedError = assertThrows(FormatException.class, () -> Formats.openParquet(file, nested, Map.of(), 0)
                .read(new RowBatch(nested, 1), e -> { }));
        assertTrue(nestedError.getMessage().startsWith("Parquet field 'nested' is nested or repeated"));
    }

    @Test
    void nestedGroupsLoadIntoJsonbColumnsAsJson() throws IOException {
        MessageType schema = Types.buildMessage().required(INT64).named("id")
                .optionalGroup().required(INT32).named("x").optional(BINARY).as(LogicalTypeAnnotation.stringType()).named("s")
                .named("nested")
                .optionalGroup().as(LogicalTypeAnnotation.listType()).repeatedGroup().optional(INT32).named("element")
                .named("list").named("numbers")
                .named("rec");
        Path file = write(schema, 10, List.of(g -> {
            g.append("id", 1L);
            var n = g.addGroup("nested");
            n.append("x", 7);
            n.append("s", "a\"b");
            var list = g.addGroup("numbers");
            list.addGroup("list").append("element", 1);
            list.addGroup("list");
            list.addGroup("list").append("element", 3);
        }));
        TableSpec table = table(column("id", BIGINT), column("nested", PgType.Kind.JSONB), column("numbers", PgType.Kind.JSONB));
        RowBatch batch = new RowBatch(table, 10);
        Formats.openParquet(file, table, Map.of(), 0).read(batch, e -> { });
        assertEquals("{\"x\":7,\"s\":\"a\\\"b\"}", batch.columnForBinding(1)[0].toString());
        assertEquals("[1,null,3]", batch.columnForBinding(2)[0].toString());
    }

    @Test
    void notAParquetFile() throws IOException {
        Path file = Files.writeString(dir.resolve("fake.parquet"), "id\n1\n");
        assertEquals(-1, Formats.parquetRowCount(file));
        TableSpec table = table(column("id", BIGINT));
        var e = assertThrows(FormatException.class, () -> Formats.openParquet(file, table, Map.of(), 0)
                .read(new RowBatch(table, 1), err -> { }));
        assertTrue(e.getMessage().startsWith("Not a readable Parquet file"), e.getMessage());
    }
}
