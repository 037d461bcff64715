package io.sluice.run;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.sluice.format.RowBatch;
import io.sluice.load.CopyStream;

/**
 * One transaction's statements, run in the order they are given on its connection by a run thread
 * of their own, while the thread that gives them reads on: a file's rows are parsed while the rows
 * before them (those of the same file, or of the files before it in the transaction) are COPYed.
 * Rows given with {@link #thenCopy} go into one {@link CopyStream} kept open across batches and files
 * (PostgreSQL pays for each COPY statement); any other step ends it first. The batches a reader fills
 * circulate through the lane: {@link #freeBatch} hands out one whose rows have been handed to the
 * connection. After a failure the statements given later are skipped and the first failure is what
 * {@link #sync} and {@link #freeBatch} throw. The caller uses the connection itself only after
 * {@link #sync}, and drains the lane ({@link #drain}) before it rolls back or closes.
 */
final class TransactionLane {
    /** Work on the lane's connection. */
    interface Work<T> {
        T run(LoadConnection tx) throws Exception;
    }

    /** Work that may add rows to the lane's open COPY ({@link CopyStream#append}), or end it to run statements. */
    interface CopyWork<T> {
        T run(LoadConnection tx, CopyStream rows) throws Exception;
    }

    private final LoadConnection tx;
    private final Executor executor;
    private final BlockingQueue<RowBatch> free;
    private final CopyStream stream;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    TransactionLane(LoadConnection tx, Executor executor, RowBatch[] batches) {
        this.tx = tx;
        this.executor = executor;
        this.stream = new CopyStream(tx.jdbc());
        this.free = new ArrayBlockingQueue<>(batches.length);
        for (RowBatch batch : batches) {
            free.add(batch);
        }
    }

    LoadConnection connection() {
        return tx;
    }

    /** Runs {@code work} after everything given before, unless one of those failed; an open COPY ends first. */
    <T> CompletableFuture<T> then(Work<T> work) {
        return step((connection, rows) -> {
            rows.end();
            return work.run(connection);
        });
    }

    /** Runs {@code work} on the batch in turn, then hands the batch back to {@link #freeBatch}. */
    <T> CompletableFuture<T> then(RowBatch batch, Work<T> work) {
        return freeing(batch, then(work));
    }

    /** Like {@link #then(RowBatch, Work)}, but the lane's COPY stays open for the work's rows. */
    <T> CompletableFuture<T> thenCopy(RowBatch batch, CopyWork<T> work) {
        return freeing(batch, step(work));
    }

    /** Computes {@code value} after everything given before, without the connection (an open COPY stays open). */
    <T> CompletableFuture<T> afterwards(java.util.concurrent.Callable<T> value) {
        return step((connection, rows) -> value.call());
    }

    private <T> CompletableFuture<T> step(CopyWork<T> work) {
        CompletableFuture<T> next = tail.thenApplyAsync(ignored -> {
            try {
                return work.run(tx, stream);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
        tail = next;
        return next;
    }

    private <T> CompletableFuture<T> freeing(RowBatch batch, CompletableFuture<T> next) {
        // whether it ran, failed or was skipped, the batch is free once its turn is over
        next.whenComplete((result, failure) -> free.add(batch));
        return next;
    }

    /** A batch to read into, once a COPY has ended with it; the lane's failure if it failed. */
    RowBatch freeBatch() throws Exception {
        while (true) {
            if (tail.isCompletedExceptionally()) {
                sync();
            }
            RowBatch batch = free.poll(100, TimeUnit.MILLISECONDS);
            if (batch != null) {
                return batch;
            }
        }
    }

    /** A batch from {@link #freeBatch} that was given no work. */
    void giveBack(RowBatch batch) {
        free.add(batch);
    }

    /** Waits for everything given so far, the lane's COPY ended; throws the first failure. */
    void sync() throws Exception {
        then(connection -> null);
        try {
            tail.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new RuntimeException(cause);
        }
    }

    /** Waits for everything given so far to end, failed or not: nothing runs on the connection afterwards. */
    void drain() {
        try {
            tail.handle((result, failure) -> null).join();
        } catch (RuntimeException e) {
            // handled above: join of handle() does not fail
        }
        // nothing of the lane runs any more: a COPY still open belongs to a transaction that is rolled back
        stream.abandon();
    }

    /** The value of a step, after {@link #sync} (or when the step is known to have run). */
    static <T> T valueOf(CompletableFuture<T> step) throws Exception {
        try {
            return step.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }
}
