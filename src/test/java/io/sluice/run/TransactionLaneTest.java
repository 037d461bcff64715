package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sluice.format.RowBatch;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/** The lane's order, its failures and its batches, on a pool of several threads (as the run threads are). */
class TransactionLaneTest {
    private static final TableSpec TABLE = new TableSpec("t", List.of(new ColumnSpec("id", PgType.of(PgType.Kind.BIGINT), true)),
            List.of());
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final LoadConnection connection = new LoadConnection(null);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private TransactionLane lane(int batches) {
        RowBatch[] free = new RowBatch[batches];
        for (int i = 0; i < batches; i++) {
            free[i] = new RowBatch(TABLE, 10);
        }
        return new TransactionLane(connection, pool, free);
    }

    @Test
    void stepsRunInTheOrderGivenOnTheLanesConnection() throws Exception {
        TransactionLane lane = lane(2);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> steps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            steps.add(lane.then(tx -> {
                assertSame(connection, tx);
                if (n % 7 == 0) {
                    Thread.sleep(1); // a slow step does not let the later ones pass it
                }
                order.add(n);
                return n * 2;
            }));
        }
        lane.sync();
        for (int i = 0; i < 200; i++) {
            assertEquals(i, order.get(i));
            assertEquals(2 * i, TransactionLane.valueOf(steps.get(i)));
        }
    }

    @Test
    void afterAFailureLaterStepsAreSkippedAndTheFirstFailureIsThrown() throws Exception {
        TransactionLane lane = lane(2);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        lane.then(tx -> ran.add(1));
        lane.then(tx -> {
            throw new SQLException("first", "23505");
        });
        lane.then(tx -> {
            ran.add(3);
            throw new IllegalStateException("never");
        });
        CompletableFuture<Boolean> later = lane.then(tx -> ran.add(4));
        SQLException thrown = assertThrows(SQLException.class, lane::sync);
        assertEquals("first", thrown.getMessage());
        assertEquals(List.of(1), ran);
        assertThrows(SQLException.class, () -> TransactionLane.valueOf(later));
        assertThrows(SQLException.class, lane::freeBatch);
        lane.drain(); // does not throw
    }

    @Test
    void aBatchIsHandedOutAgainOnlyOnceItsStepHasEnded() throws Exception {
        TransactionLane lane = lane(2);
        RowBatch a = lane.freeBatch();
        RowBatch b = lane.freeBatch();
        CountDownLatch release = new CountDownLatch(1);
        lane.then(a, tx -> release.await(10, TimeUnit.SECONDS));
        lane.then(b, tx -> true);
        CompletableFuture<RowBatch> third = CompletableFuture.supplyAsync(() -> {
            try {
                return lane.freeBatch();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!third.isDone(), "no batch is free while the first step still runs");
        release.countDown();
        RowBatch next = third.get(10, TimeUnit.SECONDS);
        assertTrue(next == a || next == b);
        lane.sync();
        RowBatch other = lane.freeBatch();
        assertEquals(Set.of(a, b), Set.of(next, other));
    }

    @Test
    void aBatchGivenNoWorkIsFreeAgainAndFailedStepsFreeTheirs() throws Exception {
        TransactionLane lane = lane(1);
        RowBatch only = lane.freeBatch();
        lane.giveBack(only);
        assertSame(only, lane.freeBatch());
        lane.then(only, tx -> {
            throw new SQLException("copy failed");
        });
        lane.drain();
        assertThrows(SQLException.class, lane::freeBatch, "the lane's failure, not a wait for a batch");
    }
}
