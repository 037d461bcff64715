package io.sluice.format;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Typed rows of one source file, read batch by batch. Blocking; not thread-safe.
 *
 * <p>A problem with the file as a whole (unreadable Parquet footer, a CSV header that names none of
 * the table's columns, an I/O error) is an {@link IOException}, a {@link FormatException} where it is
 * the file's fault. A problem with a row is a {@link RowError} and reading goes on.
 */
public interface RowReader extends Closeable {

    /**
     * Fills the batch (cleared first) with up to {@code batch.capacity()} valid rows; each invalid row
     * is reported to {@code errors} (one error per rejected value, or one for the whole row) and left
     * out. Returns the rows added; 0 means the end of the input.
     */
    int read(RowBatch batch, Consumer<RowError> errors) throws IOException;

    /** Data rows consumed so far (valid, invalid and skipped): the 1-based number of the last row read. */
    long rowsConsumed();

    /** Rows rejected so far (each counted once, however many of its values were wrong). */
    long rowsFailed();
}
