package io.sluice.format;

import java.io.IOException;
import java.util.function.Consumer;

/** The batch loop every format shares: a format only says how to read its next row. */
abstract class AssemblingReader implements RowReader {
    protected final RowAssembler rows;
    /** Data rows consumed so far, skipped ones included. */
    protected long consumed;

    AssemblingReader(RowAssembler rows) {
        this.rows = rows;
    }

    @Override
    public final int read(RowBatch batch, Consumer<RowError> errors) throws IOException {
        batch.clear();
        rows.into(batch, errors);
        while (!batch.isFull() && readRow()) {
            // each row went into the batch or to the errors
        }
        return batch.size();
    }

    /**
     * Reads the next data row into {@link #rows} ({@code begin(++consumed)} ... {@code end()});
     * false at the end of the input.
     */
    protected abstract boolean readRow() throws IOException;

    @Override
    public final long rowsConsumed() {
        return consumed;
    }

    @Override
    public final long rowsFailed() {
        return rows.rowsFailed();
    }
}
