package io.sluice.run;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import io.sluice.format.RowError;

/**
 * The pgjdbc connection a partition loads through (COPY: the reactive client has none), with the
 * statements that commit with a batch's rows: row errors, the ledger's checkpoint, the partition's
 * progress and the run's counters. One transaction at a time, committed by the caller. BLOCKING.
 */
final class LoadConnection implements AutoCloseable {
    private final Connection c;

    LoadConnection(Connection c) {
        this.c = c;
    }

    /**
     * A partition's connection. PostgreSQL ends its session when it stays idle inside a
     * transaction longer than the lease ({@code leaseTimeout}): a replica frozen mid-batch (a long
     * GC pause, a suspended VM) would otherwise hold the partition's and the run's row locks, and
     * the replica that took its lease over would wait for them forever.
     * <p>
     * Batches commit without waiting for their WAL flush ({@code synchronous_commit = off}): a
     * batch's rows and its checkpoint are one transaction, so a PostgreSQL crash that loses the last
     * unflushed batches loses rows and checkpoint together and the partition resumes from the
     * checkpoint before them, exactly. The run's end is committed synchronously by its coordinator,
     * after every partition's last commit, and that flush covers all earlier WAL: a completed run's
     * rows are durable. What this saves is one WAL flush per batch.
     */
    static LoadConnection forPartition(Connection c, java.time.Duration leaseTimeout) throws SQLException {
        LoadConnection opened = new LoadConnection(c);
        try (var s = c.createStatement()) {
            s.execute("SET idle_in_transaction_session_timeout = " + Math.max(1000, leaseTimeout.toMillis()));
            s.execute("SET synchronous_commit = off");
            c.commit(); // a SET rolled back with a later failed batch would be undone
        } catch (SQLException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    Connection jdbc() {
        return c;
    }

    void commit() throws SQLException {
        c.commit();
    }

    void rollback() {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is closed after a failure anyway
        }
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException e) {
            // nothing left to release
        }
    }

    long update(String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeLargeUpdate();
        }
    }

    /** The first column of the first row, or null when there is no row. */
    Long queryNullableLong(String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    Array longs(List<Long> values) throws SQLException {
        return c.createArrayOf("int8", values.toArray());
    }

    /** The batch's row errors ({@code sluice.run_error}). */
    void insertErrors(UUID runId, String file, List<RowError> errors) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        Object[] rows = new Object[errors.size()];
        Object[] columns = new Object[errors.size()];
        Object[] values = new Object[errors.size()];
        Object[] messages = new Object[errors.size()];
        for (int i = 0; i < errors.size(); i++) {
            RowError e = errors.get(i);
            rows[i] = e.row();
            columns[i] = e.column();
            values[i] = storable(e.value());
            messages[i] = storable(e.error());
        }
        update("""
                INSERT INTO sluice.run_error (run_id, file, row_number, column_name, value, error)
                SELECT ?, ?, * FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[])""", runId, file,
                c.createArrayOf("int8", rows), c.createArrayOf("text", columns), c.createArrayOf("text", values),
                c.createArrayOf("text", messages));
    }

    /** PostgreSQL text cannot hold NUL; a bad value is reported, not refused. */
    private static String storable(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }
}
