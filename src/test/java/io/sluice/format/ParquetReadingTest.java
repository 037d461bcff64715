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

    /**
     * Every encoding parquet-mr writes for flat columns: v1 pages (PLAIN, dictionary with fallback to
     * PLAIN once the dictionary is full) and v2 pages (delta, RLE booleans), with and without
     * dictionaries, NULLs throughout, several pages and row groups. Each row is checked against the
     * values written and against parquet-mr's own record reader.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({ "PARQUET_1_0, true", "PARQUET_1_0, false", "PARQUET_2_0, true", "PARQUET_2_0, false" })
    void everyEncodingOfFlatColumnsIsDecoded(org.apache.parquet.column.ParquetProperties.WriterVersion version, boolean dictionary)
            throws IOException {
        MessageType schema = Types.buildMessage()
                .required(INT64).named("id")
                .optional(INT32).named("n")
                .optional(BINARY).as(stringType()).named("few")
                .optional(BINARY).as(stringType()).named("many")
                .optional(PrimitiveTypeName.DOUBLE).named("d")
                .optional(FLOAT).named("f")
                .optional(PrimitiveTypeName.BOOLEAN).named("b")
                .optional(INT32).as(decimalType(2, 9)).named("price")
                .optional(FIXED_LEN_BYTE_ARRAY).length(16).as(uuidType()).named("uid")
                .named("rec");
        int rows = 5_000;
        Path file = dir.resolve("encodings-" + version + "-" + dictionary + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        List<List<Object>> expected = new java.util.ArrayList<>();
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withWriterVersion(version).withDictionaryEncoding(dictionary).withDictionaryPageSize(2_048)
                .withPageRowCountLimit(700).withRowGroupRowCountLimit(2_000).build()) {
            for (int i = 1; i <= rows; i++) {
                Group g = groups.newGroup().append("id", (long) i * 1_000_003);
                Integer n = i % 7 == 0 ? null : i * 31 % 1_000 - 500;
                String few = i % 5 == 0 ? null : "v" + i % 40;
                // repeats, then unique values: the dictionary fills up in the middle of each row group's chunk
                String many = i % 11 == 0 ? null : i % 2_000 < 1_400 ? "m" + i % 20 : "unique-" + i;
                Double d = i % 13 == 0 ? null : i / 3.0;
                Float f = i % 17 == 0 ? null : i / 4.0f;
                Boolean b = i % 19 == 0 ? null : i % 3 == 0;
                Integer price = i % 23 == 0 ? null : i * 7;
                java.util.UUID uid = i % 29 == 0 ? null : new java.util.UUID(i, -i);
                if (n != null) g.append("n", n);
                if (few != null) g.append("few", few);
                if (many != null) g.append("many", many);
                if (d != null) g.append("d", d);
                if (f != null) g.append("f", f);
                if (b != null) g.append("b", b);
                if (price != null) g.append("price", price);
                if (uid != null) g.append("uid", uuidBytes(uid));
                writer.write(g);
                expected.add(java.util.Arrays.asList((long) i * 1_000_003, n, few, many, d, f, b,
                        price == null ? null : BigDecimal.valueOf(price, 2), uid));
            }
        }
        List<List<Object>> byParquetMr = new java.util.ArrayList<>();
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file),
                org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration()).build())) {
            MessageType written = reader.getFooter().getFileMetaData().getSchema();
            java.util.Set<String> encodings = new java.util.TreeSet<>();
            reader.getFooter().getBlocks().forEach(block -> block.getColumns().forEach(
                    chunk -> chunk.getEncodings().forEach(encoding -> encodings.add(chunk.getPath().toDotString() + ":" + encoding))));
            // the pages this test is about are there
            boolean v2 = version == org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_2_0;
            List<String> expectedEncodings = !dictionary ? v2 ? List.of("id:DELTA_BINARY_PACKED", "many:DELTA_BYTE_ARRAY", "b:RLE")
                    : List.of("id:PLAIN", "many:PLAIN", "b:PLAIN")
                    : v2 ? List.of("many:RLE_DICTIONARY", "many:DELTA_BYTE_ARRAY") : List.of("many:PLAIN_DICTIONARY", "many:PLAIN");
            assertTrue(encodings.containsAll(expectedEncodings), () -> encodings + " lacks some of " + expectedEncodings);
            for (var pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                var records = new org.apache.parquet.io.ColumnIOFactory().getColumnIO(written)
                        .getRecordReader(pages, new org.apache.parquet.example.data.simple.convert.GroupRecordConverter(written));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    Group g = records.read();
                    byParquetMr.add(java.util.Arrays.asList(g.getLong("id", 0),
                            g.getFieldRepetitionCount("n") == 0 ? null : g.getInteger("n", 0),
                            g.getFieldRepetitionCount("few") == 0 ? null : g.getString("few", 0),
                            g.getFieldRepetitionCount("many") == 0 ? null : g.getString("many", 0),
                            g.getFieldRepetitionCount("d") == 0 ? null : g.getDouble("d", 0),
                            g.getFieldRepetitionCount("f") == 0 ? null : g.getFloat("f", 0),
                            g.getFieldRepetitionCount("b") == 0 ? null : g.getBoolean("b", 0),
                            g.getFieldRepetitionCount("price") == 0 ? null : BigDecimal.valueOf(g.getInteger("price", 0), 2),
                            g.getFieldRepetitionCount("uid") == 0 ? null : uuidOf(g.getBinary("uid", 0))));
                }
            }
        }
        assertEquals(expected, byParquetMr);
        TableSpec table = table(column("id", BIGINT), column("n", INTEGER), column("few", TEXT), column("many", TEXT),
                column("d", DOUBLE), column("f", REAL), column("b", BOOLEAN), column("price", PgType.numeric(9, 2)), column("uid", UUID));
        var result = readAll(Formats.openParquet(file, table, Map.of(), 0), table, 999);
        assertEquals(List.of(), result.errors());
        assertEquals(expected, result.rows());
        var resumed = readAll(Formats.openParquet(file, table, Map.of(), 2_345), table, 999);
        assertEquals(expected.subList(2_345, rows), resumed.rows());
    }

    private static java.util.UUID uuidOf(Binary bytes) {
        ByteBuffer buffer = bytes.toByteBuffer();
        return new java.util.UUID(buffer.getLong(), buffer.getLong());
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
