package io.sluice.run;

import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One transaction over a whole source file: its rows, row errors, partition checkpoint and segment
 * record commit together or not at all ({@link RunJob#segmentPerTransaction()}). The run's counters
 * are added after the commit, so that concurrent partitions never wait for each other's files on the
 * run's row. BLOCKING: used from run threads only.
 */
final class FileTransaction implements AutoCloseable {
    private final SqlConnection conn;
    private final Transaction tx;
    private long processed;
    private long failed;
    private long skipped;
    private boolean done;

    private FileTransaction(SqlConnection conn, Transaction tx) {
        this.conn = conn;
        this.tx = tx;
    }

    static FileTransaction begin(Pool pool) {
        SqlConnection conn = pool.getConnection().await().indefinitely();
        try {
            return new FileTransaction(conn, conn.begin().await().indefinitely());
        } catch (RuntimeException e) {
            conn.closeAndAwait();
            throw e;
        }
    }

    SqlConnection connection() {
        return conn;
    }

    /** Counts a batch towards the run's counters, added when the file commits. Returns the file's failed rows so far. */
    long count(long processedRows, long failedRows, long skippedRows) {
        processed += processedRows;
        failed += failedRows;
        skipped += skippedRows;
        return failed;
    }

    /** Commits the file, then adds its rows to the run's counters. */
    void commit(UUID runId) {
        tx.commit().await().indefinitely();
        done = true;
        conn.preparedQuery("""
                UPDATE sluice.run SET processed_rows = processed_rows + $2, failed_rows = failed_rows + $3,
                    skipped_rows = skipped_rows + $4, heartbeat_at = now() WHERE id = $1""")
                .execute(Tuple.of(runId, processed, failed, skipped)).await().indefinitely();
    }

    /** Rolls back unless committed, and returns the connection to the pool. */
    @Override
    public void close() {
        try {
            if (!done) {
                tx.rollback().onFailure().recoverWithNull().await().indefinitely();
            }
        } finally {
            conn.close().onFailure().recoverWithNull().await().indefinitely();
        }
    }

    /** The work on this file's connection, in its transaction. */
    <T> Uni<T> on(java.util.function.Function<SqlConnection, Uni<T>> work) {
        return work.apply(conn);
    }
}
