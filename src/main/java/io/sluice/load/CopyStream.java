package io.sluice.load;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.sluice.pipeline.program.PgType;

/**
 * One COPY kept open on a connection across batches, e.g. the files of one transaction: each COPY
 * statement costs PostgreSQL a few milliseconds of its own (measured 100 COPYs of 10,000 rows against
 * one of 1,000,000, server-side, in one transaction: ~2 ms each), which a sync of many small files
 * pays per file otherwise. Batches for another target or column list end the open COPY and start
 * theirs. BLOCKING, and nothing else may run on the connection while a COPY is open: {@link #end}
 * it first. A failure PostgreSQL finds in the rows (a constraint, say) may surface only at the end.
 */
public final class CopyStream {
    private final Connection c;
    private CopyIn in;
    private String sql;
    private CopyEncoder encoder;

    public CopyStream(Connection c) {
        this.c = c;
    }

    /** Appends the first {@code size} rows of {@code columns} to {@code qualifiedTarget (columns)}, as {@link CopyLoad#append}. */
    public void append(String qualifiedTarget, List<String> quotedColumnNames, List<PgType.Kind> kinds, Object[][] columns,
            int size) throws SQLException {
        CopyLoad.checkNames(quotedColumnNames, kinds);
        if (size == 0) {
            return;
        }
        copy("COPY " + qualifiedTarget + " (" + String.join(", ", quotedColumnNames) + ") FROM STDIN", kinds, columns, size,
                false);
    }

    /** Rows for {@code statement} (a COPY ... FROM STDIN without options: the encoding's are added), continuing its open COPY. */
    void copy(String statement, List<PgType.Kind> kinds, Object[][] columns, int size, boolean withOrdinal) throws SQLException {
        PgType.Kind[] kindArray = kinds.toArray(PgType.Kind[]::new);
        CopyEncoder.check(kindArray, columns, size);
        String withOptions = statement + CopyEncoder.options(kindArray);
        if (in != null && !withOptions.equals(sql)) {
            end();
        }
        try {
            if (in == null) {
                in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(withOptions);
                sql = withOptions;
                encoder = CopyEncoder.forKinds(kindArray, in::writeToCopy);
                encoder.begin();
            }
            encoder.rows(columns, size, withOrdinal);
            in.flushCopy(); // PostgreSQL takes these rows while the next batch is read
        } catch (SQLException | RuntimeException e) {
            cancel(e);
            throw e;
        }
    }

    /** Whether a COPY is open (nothing else may run on the connection). */
    public boolean open() {
        return in != null;
    }

    /** Ends the open COPY, if any; returns the rows PostgreSQL copied in it (0 with none open). */
    public long end() throws SQLException {
        if (in == null) {
            return 0;
        }
        CopyIn ending = in;
        CopyEncoder ended = encoder;
        in = null;
        encoder = null;
        sql = null;
        try {
            ended.end();
            return ending.endCopy();
        } catch (SQLException | RuntimeException e) {
            cancel(ending, e);
            throw e;
        }
    }

    /** Gives up the open COPY, if any, so that the connection can roll back (its transaction fails). */
    public void abandon() {
        cancel(new SQLException("COPY abandoned"));
    }

    private void cancel(Exception cause) {
        CopyIn cancelled = in;
        in = null;
        encoder = null;
        sql = null;
        if (cancelled != null) {
            cancel(cancelled, cause);
        }
    }

    private static void cancel(CopyIn in, Exception cause) {
        if (!in.isActive()) {
            return;
        }
        try {
            in.cancelCopy();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
