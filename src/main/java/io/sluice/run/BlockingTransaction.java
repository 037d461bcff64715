package io.sluice.run;

import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;

/**
 * One transaction on one connection, driven statement by statement from a run thread: a run's plan,
 * or a file whose rows commit all at once. BLOCKING: used from run threads only.
 */
final class BlockingTransaction implements AutoCloseable {
    private final SqlConnection conn;
    private final Transaction tx;
    private boolean done;

    private BlockingTransaction(SqlConnection conn, Transaction tx) {
        this.conn = conn;
        this.tx = tx;
    }

    static BlockingTransaction begin(Pool pool) {
        SqlConnection conn = pool.getConnection().await().indefinitely();
        try {
            return new BlockingTransaction(conn, conn.begin().await().indefinitely());
        } catch (RuntimeException e) {
            conn.closeAndAwait();
            throw e;
        }
    }

    /** Runs {@code work} in the transaction and waits for it. */
    <T> T run(Function<SqlConnection, Uni<T>> work) {
        return work.apply(conn).await().indefinitely();
    }

    void commit() {
        tx.commit().await().indefinitely();
        done = true;
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
}
