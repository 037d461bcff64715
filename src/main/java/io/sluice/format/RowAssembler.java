package io.sluice.format;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.ValidationRule;

/**
 * Builds rows into a {@link RowBatch}, one at a time and in place: converts each source value to its
 * column's type, applies the column's rules, reports every rejected value, and keeps the row only if
 * none was rejected. Columns a row does not mention are NULL. Shared by every format.
 */
final class RowAssembler {
    private final TableSpec table;
    private final PgType[] types;
    private final ColumnRules[] rules;
    private final boolean[] filled;
    private RowBatch batch;
    private Consumer<RowError> errors;
    private long row;
    private int index;
    private boolean failed;
    private boolean rowRejected;
    /** The row's rejected values, reported at its end unless a row error replaces them. */
    private final List<RowError> pending = new ArrayList<>();
    private long rowsFailed;

    /** @throws IllegalArgumentException for rules on unknown columns or rules that cannot work */
    RowAssembler(TableSpec table, Map<String, List<ValidationRule>> validation) {
        this.table = table;
        List<ColumnSpec> columns = table.columns();
        this.types = new PgType[columns.size()];
        this.rules = new ColumnRules[columns.size()];
        this.filled = new boolean[columns.size()];
        ColumnIndex names = new ColumnIndex(columns);
        List<ValidationRule>[] byColumn = rulesByColumn(validation, names, columns.size());
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            types[i] = column.type();
            rules[i] = ColumnRules.compile(column, byColumn[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private List<ValidationRule>[] rulesByColumn(Map<String, List<ValidationRule>> validation, ColumnIndex names, int count) {
        List<ValidationRule>[] byColumn = new List[count];
        if (validation != null) {
            validation.forEach((name, columnRules) -> {
                int i = names.indexOf(name);
                if (i < 0) {
                    throw new IllegalArgumentException("validation refers to column '" + name + "', which table '"
                            + table.name() + "' does not have");
                }
                byColumn[i] = columnRules;
            });
        }
        return byColumn;
    }

    TableSpec table() {
        return table;
    }

    int columnCount() {
        return types.length;
    }

    long rowsFailed() {
        return rowsFailed;
    }

    /** Where the rows of the next {@link #begin}s go. */
    void into(RowBatch batch, Consumer<RowError> errors) {
        if (batch.table().columns().size() != types.length) {
            throw new IllegalArgumentException("batch for table " + batch.table().name() + " does not fit table " + table.name());
        }
        this.batch = batch;
        this.errors = errors;
    }

    void begin(long rowNumber) {
        row = rowNumber;
        index = batch.nextIndex();
        failed = false;
        rowRejected = false;
        pending.clear();
        Arrays.fill(filled, false);
    }

    /** Column {@code column} from source text; null is NULL. */
    void text(int column, String text) {
        filled[column] = true;
        if (text == null) {
            setNull(column);
        } else {
            accept(column, Conversions.fromText(types[column], text), text);
        }
    }

    /**
     * Column {@code column} from the bytes of a plain (not NULL, unescaped) text value, if the column
     * takes it without decoding it (see {@link Conversions#fromPlainBytes}) and it passes the column's
     * rules, if those need no text; false: nothing was set, give the value as {@link #text} instead
     * (which also words a failure).
     */
    boolean plainBytes(int column, byte[] bytes, int from, int length) {
        if (!rules[column].decidesByValue()) {
            return false;
        }
        Object value = Conversions.fromPlainBytes(types[column].kind(), bytes, from, length);
        if (value == null || !rules[column].passes(value)) {
            return false;
        }
        filled[column] = true;
        batch.column(column)[index] = value;
        return true;
    }

    /** Column {@code column} from a typed source value (JSON scalar, Parquet value); null is NULL. */
    void value(int column, Object value) {
        filled[column] = true;
        if (value == null) {
            setNull(column);
            return;
        }
        Object converted = Conversions.fromValue(types[column], value);
        if (!(converted instanceof Failure) && rules[column].decidesByValue() && rules[column].passes(converted)) {
            batch.column(column)[index] = converted; // the source text is needed only to word a failure
            return;
        }
        accept(column, converted, converted instanceof Failure || rules[column].hasChecks() ? textOf(value) : null);
    }

    /**
     * Rejects the whole row (no column at fault): wrong field count, malformed record. It replaces the
     * errors of values the row had already given.
     */
    void rowError(String value, String message) {
        failed = true;
        rowRejected = true;
        pending.clear();
        pending.add(new RowError(row, null, value, message));
    }

    /** Ends the row: NULL for columns not given, then keeps it in the batch unless a value was rejected. */
    boolean end() {
        for (int i = 0; i < filled.length && !rowRejected; i++) {
            if (!filled[i]) {
                setNull(i);
            }
        }
        if (failed) {
            rowsFailed++;
            pending.forEach(errors);
            pending.clear();
            return false;
        }
        batch.commit(row);
        return true;
    }

    private void accept(int column, Object converted, String text) {
        if (converted instanceof Failure failure) {
            reject(column, text, failure);
            return;
        }
        Failure broken = rules[column].check(converted, text);
        if (broken != null) {
            reject(column, text, broken);
            return;
        }
        batch.column(column)[index] = converted;
    }

    private void setNull(int column) {
        Failure missing = rules[column].missing();
        if (missing != null) {
            reject(column, null, missing);
        } else {
            batch.column(column)[index] = null;
        }
    }

    /** Rejects the value of {@code column} without converting it. */
    void reject(int column, String text, Failure failure) {
        filled[column] = true;
        failed = true;
        if (!rowRejected) {
            pending.add(new RowError(row, table.columns().get(column).name(), text, failure.message()));
        }
    }

    private static String textOf(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value instanceof BigDecimal decimal ? decimal.toPlainString() : String.valueOf(value);
    }
}
