package io.sluice.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.ValidationRule;

/** Tables, inputs and a reader driver shared by the format tests. */
final class Fixtures {

    private Fixtures() {
    }

    static TableSpec table(ColumnSpec... columns) {
        return new TableSpec("t", List.of(columns), List.of());
    }

    static ColumnSpec column(String name, PgType.Kind kind) {
        return new ColumnSpec(name, PgType.of(kind), false);
    }

    static ColumnSpec column(String name, PgType type) {
        return new ColumnSpec(name, type, false);
    }

    static ColumnSpec required(String name, PgType.Kind kind) {
        return new ColumnSpec(name, PgType.of(kind), true);
    }

    static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static ValidationRule rule(ValidationRule.Kind kind) {
        return new ValidationRule(kind, null, null, null, null, null);
    }

    /** Everything a reader produced: rows as lists of column values, their numbers, and the errors. */
    record Result(List<List<Object>> rows, List<Long> rowNumbers, List<RowError> errors, long consumed, long failed,
            List<Integer> batchSizes) {

        List<Object> row(int i) {
            return rows.get(i);
        }

        /** The single value of a one-column table's only row. */
        Object value() {
            if (rows.size() != 1 || !errors.isEmpty()) {
                throw new AssertionError("expected one valid row, got " + rows + " and errors " + errors);
            }
            return rows.get(0).get(0);
        }

        /** The message of the only error. */
        String error() {
            if (errors.size() != 1) {
                throw new AssertionError("expected one error, got " + errors + " (rows " + rows + ")");
            }
            return errors.get(0).error();
        }
    }

    static Result readAll(RowReader reader, TableSpec table, int capacity) {
        RowBatch batch = new RowBatch(table, capacity);
        List<List<Object>> rows = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        try (reader) {
            int n;
            while ((n = reader.read(batch, errors::add)) > 0) {
                sizes.add(n);
                if (n != batch.size()) {
                    throw new AssertionError("read returned " + n + " but the batch holds " + batch.size());
                }
                for (int i = 0; i < n; i++) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 0; c < table.columns().size(); c++) {
                        row.add(batch.column(c)[i]);
                    }
                    rows.add(row);
                    numbers.add(batch.rowNumber(i));
                }
            }
            return new Result(rows, numbers, errors, reader.rowsConsumed(), reader.rowsFailed(), sizes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result csv(String text, TableSpec table) {
        return csv(text, Map.of(), table, Map.of(), 0);
    }

    static Result csv(String text, Map<String, Object> options, TableSpec table, Map<String, List<ValidationRule>> validation,
            long skipRows) {
        return readAll(Formats.open(SourceFormat.CSV, options, utf8(text), table, validation, skipRows), table, 100);
    }

    static Result jsonl(String text, TableSpec table) {
        return readAll(Formats.open(SourceFormat.JSONL, Map.of(), utf8(text), table, Map.of(), 0), table, 100);
    }

    static List<Object> values(Object... values) {
        return Arrays.asList(values);
    }
}
