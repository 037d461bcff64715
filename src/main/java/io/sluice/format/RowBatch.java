package io.sluice.format;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.vertx.core.buffer.Buffer;

/**
 * Rows of a {@link TableSpec} held column by column, in typed arrays: what the run engine's COPY
 * writer ({@code io.sluice.load.CopyLoad}) encodes, and what the Vert.x client can bind as array parameters.
 * Reused between reads: once {@link RowReader#read} refills it, arrays handed out before hold the new rows.
 *
 * <p>Java types per column: {@code Long[]} bigint, {@code Integer[]} integer, {@code Short[]} smallint,
 * {@code Boolean[]}, {@code Float[]} real, {@code Double[]} double precision, {@code BigDecimal[]} numeric,
 * {@code String[]} text, varchar, char, jsonb (valid JSON text, to cast) and interval (text PostgreSQL
 * accepts, to cast), {@code LocalDate[]}, {@code LocalTime[]}, {@code LocalDateTime[]} timestamp,
 * {@code OffsetDateTime[]} timestamptz, {@code UUID[]}, {@code io.vertx.core.buffer.Buffer[]} bytea
 * (what the client binds as {@code bytea[]}). NULL is a null element.
 */
public final class RowBatch {
    private final TableSpec table;
    private final int capacity;
    private final Object[][] columns;
    private final long[] rowNumbers;
    private int size;

    public RowBatch(TableSpec table, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.table = Objects.requireNonNull(table, "table");
        this.capacity = capacity;
        this.columns = new Object[table.columns().size()][];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = (Object[]) java.lang.reflect.Array.newInstance(javaType(table.columns().get(i).type().kind()), capacity);
        }
        this.rowNumbers = new long[capacity];
    }

    /** The element type of a column's array for a PostgreSQL type. */
    public static Class<?> javaType(PgType.Kind kind) {
        return switch (kind) {
            case BIGINT -> Long.class;
            case INTEGER -> Integer.class;
            case SMALLINT -> Short.class;
            case BOOLEAN -> Boolean.class;
            case REAL -> Float.class;
            case DOUBLE -> Double.class;
            case NUMERIC -> BigDecimal.class;
            case TEXT, VARCHAR, CHAR, JSONB, INTERVAL -> String.class;
            case DATE -> LocalDate.class;
            case TIME -> LocalTime.class;
            case TIMESTAMP -> LocalDateTime.class;
            case TIMESTAMPTZ -> OffsetDateTime.class;
            case UUID -> UUID.class;
            case BYTEA -> Buffer.class;
        };
    }

    public TableSpec table() {
        return table;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return size == capacity;
    }

    /** Empties the batch; the arrays keep their old elements past {@link #size()} until overwritten. */
    public void clear() {
        size = 0;
    }

    /** The live array of column {@code i} (table order); elements at and past {@link #size()} are stale. */
    public Object[] column(int i) {
        return columns[i];
    }

    /** The source row number (1-based data row) of the {@code index}-th row of the batch. */
    public long rowNumber(int index) {
        Objects.checkIndex(index, size);
        return rowNumbers[index];
    }

    /**
     * Column {@code i} as an array of exactly {@link #size()} elements: the live array when the batch is
     * full (do not refill the batch while a query still uses it), a copy otherwise.
     */
    public Object[] columnForBinding(int i) {
        Object[] column = columns[i];
        return size == capacity ? column : Arrays.copyOf(column, size);
    }

    /** {@link #columnForBinding} of every column, in table order: the parameters of the unnest INSERT. */
    public Object[] columnsForBinding() {
        Object[] bindings = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            bindings[i] = columnForBinding(i);
        }
        return bindings;
    }

    /** Index the row being assembled will take. */
    int nextIndex() {
        return size;
    }

    /** Keeps the row assembled at {@link #nextIndex()}. */
    void commit(long rowNumber) {
        rowNumbers[size++] = rowNumber;
    }
}
