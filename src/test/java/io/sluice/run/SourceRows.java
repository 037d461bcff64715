package io.sluice.run;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * The rows of one source file for a table {@code (id, email, age)}: ids {@code from..to}, every
 * {@code invalidEvery}-th id with an email the pipeline's {@code email} rule refuses. The same rows
 * encode as CSV (with header), JSON lines or Parquet, so one expectation serves every format.
 */
record SourceRows(long from, long to, int invalidEvery) {
    static final String INVALID_EMAIL = "not-an-email";
    private static final MessageType PARQUET_SCHEMA = Types.buildMessage()
            .required(INT64).named("id")
            .required(BINARY).as(stringType()).named("email")
            .optional(INT32).named("age")
            .named("row");

    /** The columns and rules the rows are meant for ({@code key}: id is the primary key). */
    static String table(String name, boolean key) {
        return "CREATE TABLE " + name + " (id BIGINT " + (key ? "PRIMARY KEY" : "NOT NULL") + ", email TEXT NOT NULL, age INT)";
    }

    long count() {
        return to - from + 1;
    }

    boolean valid(long id) {
        return invalidEvery <= 0 || id % invalidEvery != 0;
    }

    long invalid() {
        return ids().filter(id -> !valid(id)).count();
    }

    LongStream ids() {
        return LongStream.rangeClosed(from, to);
    }

    String email(long id) {
        return valid(id) ? "user" + id + "@example.com" : INVALID_EMAIL;
    }

    static int age(long id) {
        return (int) (id % 90);
    }

    /** The ids a table holds after loading {@code files}: every valid row's (upsert: once per key). */
    static Set<Long> loadedIds(Collection<SourceRows> files) {
        Set<Long> ids = new HashSet<>();
        files.forEach(f -> f.ids().filter(f::valid).forEach(ids::add));
        return ids;
    }

    /**
     * Asserts that {@code table} holds exactly the rows of {@code ids}: as many rows as ids, no id
     * twice, and the same ids (their sum).
     */
    static void assertTableHolds(Connection db, String table, Set<Long> ids) {
        assertTableHolds(db, table, ids.size(), ids.stream().mapToLong(Long::longValue).sum());
    }

    static void assertTableHolds(Connection db, String table, long rows, long idSum) {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT id), coalesce(sum(id), 0) FROM " + table)) {
            r.next();
            assertEquals(rows, r.getLong(1), "rows in " + table);
            assertEquals(rows, r.getLong(2), "distinct ids in " + table + " (a row loaded twice?)");
            assertEquals(idSum, r.getLong(3), "sum of the ids in " + table + " (the wrong rows?)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long totalRows(Collection<SourceRows> files) {
        return files.stream().mapToLong(SourceRows::count).sum();
    }

    static long invalidRows(Collection<SourceRows> files) {
        return files.stream().mapToLong(SourceRows::invalid).sum();
    }

    /** The file's bytes in {@code format}: csv, jsonl or parquet. */
    byte[] encode(String format) {
        if ("parquet".equals(format)) {
            return parquet();
        }
        StringBuilder out = new StringBuilder();
        appendText(format, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the rows as csv or jsonl to {@code file} (large files: streamed). */
    void writeText(String format, Path file) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            appendText(format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void appendText(String format, Appendable out) {
        boolean csv = switch (format) {
            case "csv" -> true;
            case "jsonl" -> false;
            default -> throw new IllegalArgumentException(format);
        };
        try {
            if (csv) {
                out.append("id,email,age\n");
            }
            for (long id = from; id <= to; id++) {
                if (csv) {
                    out.append(Long.toString(id)).append(',').append(email(id)).append(',').append(Integer.toString(age(id)));
                } else {
                    out.append("{\"id\":").append(Long.toString(id)).append(",\"email\":\"").append(email(id))
                            .append("\",\"age\":").append(Integer.toString(age(id))).append('}');
                }
                out.append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row groups of 700 rows, so a file of a few thousand rows has several (resuming skips whole ones). */
    private byte[] parquet() {
        try {
            Path file = Files.createTempFile("sluice-rows", ".parquet");
            try {
                Files.delete(file);
                SimpleGroupFactory groups = new SimpleGroupFactory(PARQUET_SCHEMA);
                try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                        .withType(PARQUET_SCHEMA).withRowGroupRowCountLimit(700).withPageRowCountLimit(700).build()) {
                    for (long id = from; id <= to; id++) {
                        writer.write(groups.newGroup().append("id", id).append("email", email(id)).append("age", age(id)));
                    }
                }
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> formats() {
        return List.of("csv", "jsonl", "parquet");
    }
}
