package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.format.RowBatch;
import io.sluice.load.CopyConnections;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/** The lane's one COPY across the batches of several files, on a real PostgreSQL: kept open, ended by statements, given up on failure. */
@QuarkusTest
class TransactionLaneCopyTest {
    private static final String TABLE = "lane_copy.t";
    private static final List<String> NAMES = List.of("\"id\"", "\"file\"");
    private static final List<PgType.Kind> KINDS = List.of(PgType.Kind.BIGINT, PgType.Kind.BIGINT);
    private static final TableSpec SPEC = new TableSpec("t",
            List.of(new ColumnSpec("id", PgType.of(PgType.Kind.BIGINT), true)), List.of());

    @Inject
    CopyConnections connections;
    private final ExecutorService pool = Executors.newFixedThreadPool(3);
    private LoadConnection tx;

    @BeforeEach
    void table() throws SQLException {
        tx = new LoadConnection(connections.open());
        tx.update("DROP SCHEMA IF EXISTS lane_copy CASCADE");
        tx.update("CREATE SCHEMA lane_copy");
        tx.update("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, file bigint NOT NULL)");
        tx.commit();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        tx.rollback();
        tx.close();
    }

    @Test
    void theBatchesOfManyFilesShareOneCopyThatAStatementEnds() throws Exception {
        TransactionLane lane = new TransactionLane(tx, pool, batches(2));
        List<Boolean> openBefore = new ArrayList<>();
        for (long file = 0; file < 20; file++) {
            long first = file * 1_000;
            long f = file;
            RowBatch batch = lane.freeBatch();
            lane.thenCopy(batch, (connection, rows) -> {
                openBefore.add(rows.open());
                rows.append("file-" + f + ".parquet", TABLE, NAMES, KINDS, columns(first, 1_000, f), 1_000);
                return null;
            });
        }
        CompletableFuture<Long> seen = lane.then(connection -> connection.queryNullableLong("SELECT count(*) FROM " + TABLE));
        lane.sync();
        lane.drain();
        tx.commit();

        assertFalse(openBefore.get(0));
        assertTrue(openBefore.subList(1, 20).stream().allMatch(b -> b), "files after the first continue its COPY");
        assertEquals(20_000, TransactionLane.valueOf(seen)); // the statement ran after the COPY had ended
        assertEquals(20_000, tx.queryNullableLong("SELECT count(DISTINCT id) FROM " + TABLE));
        assertEquals(20, tx.queryNullableLong("SELECT count(DISTINCT file) FROM " + TABLE));
    }

    @Test
    void rowsPostgreSqlRefusesFailTheSyncAndTheTransactionKeepsNothing() throws Exception {
        TransactionLane lane = new TransactionLane(tx, pool, batches(2));
        for (long file = 0; file < 3; file++) {
            long f = file;
            lane.thenCopy(lane.freeBatch(), (connection, rows) -> {
                rows.append("file-" + f + ".parquet", TABLE, NAMES, KINDS, columns(f == 2 ? 0 : f * 10, 10, f), 10); // file 2 repeats file 0's keys
                return null;
            });
        }
        SQLException refused = assertThrows(SQLException.class, lane::sync);
        lane.drain();
        tx.rollback();

        assertEquals("23505", refused.getSQLState());
        assertTrue(refused.getMessage().startsWith("Loading file-2.parquet: "), refused.getMessage());
        assertEquals(0, tx.queryNullableLong("SELECT count(*) FROM " + TABLE));
    }

    @Test
    void aLaneDrainedWithItsCopyOpenGivesItUpSoTheConnectionRollsBack() throws Exception {
        TransactionLane lane = new TransactionLane(tx, pool, batches(1));
        lane.thenCopy(lane.freeBatch(), (connection, rows) -> {
            rows.append("file-0.parquet", TABLE, NAMES, KINDS, columns(0, 100, 0), 100);
            return null;
        });
        lane.drain(); // e.g. the reader failed on the next file: no sync
        tx.rollback();

        assertEquals(0, tx.queryNullableLong("SELECT count(*) FROM " + TABLE));
    }

    private static RowBatch[] batches(int n) {
        RowBatch[] batches = new RowBatch[n];
        for (int i = 0; i < n; i++) {
            batches[i] = new RowBatch(SPEC, 10);
        }
        return batches;
    }

    private static Object[][] columns(long first, int n, long file) {
        Long[] ids = new Long[n];
        Long[] files = new Long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = first + i;
            files[i] = file;
        }
        return new Object[][] {ids, files};
    }
}
