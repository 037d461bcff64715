package io.sluice.run;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;

import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.PipelineJson;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The run engine's statements on {@code sluice.run} and {@code sluice.run_partition}: status moves
 * (checked against {@link RunStatus}'s transition table), counters, partitions and their plan.
 */
@ApplicationScoped
class RunStore {
    private static final TypeReference<List<PlannedFile>> FILES = new TypeReference<>() {
    };

    @Inject
    Pool pool;
    @Inject
    PipelineJson json;

    /**
     * A partition of a run: its pieces of work, the index of the one being read and, for replace
     * runs, the rows of it committed to the staging table.
     */
    record Partition(int index, String status, List<PlannedFile> files, Long totalRows, long rows, int fileIndex,
            long fileRow) {
        Partition(int index, String status, List<PlannedFile> files, Long totalRows, long rows) {
            this(index, status, files, totalRows, rows, 0, 0);
        }
    }

    /**
     * To a final status, by the run's coordinator under its generation ({@code interrupted}: it ended
     * because it could not go on, and is resumed later). 0 when the run is no longer this coordinator's.
     */
    Uni<Integer> finish(ClaimStore.RunClaim claim, RunStatus status, String error, boolean interrupted) {
        return finish(pool, claim, status, error, interrupted);
    }

    /** {@link #finish(ClaimStore.RunClaim, RunStatus, String, boolean)} in a transaction of the caller's. */
    Uni<Integer> finish(SqlClient conn, ClaimStore.RunClaim claim, RunStatus status, String error, boolean interrupted) {
        return conn.preparedQuery("""
                UPDATE sluice.run SET status = $2, finished_at = now(), error_message = $4, interrupted = $5
                WHERE id = $1 AND status = ANY($3) AND owner_generation = $6""")
                .execute(Tuple.of(claim.runId(), status.wire(), from(status), error, interrupted, claim.generation()))
                .map(r -> r.rowCount());
    }

    /**
     * Planned and counted: its partitions may be claimed now ({@code repeatsSince}: see
     * {@link PartitionLoader.Target}). False when the run is no longer this coordinator's.
     */
    Uni<Boolean> startLoading(ClaimStore.RunClaim claim, String repeatsSince) {
        return pool.preparedQuery("""
                UPDATE sluice.run SET loading_since = now(), repeats_since = $3
                WHERE id = $1 AND owner_generation = $2 AND status = 'running'""")
                .execute(Tuple.of(claim.runId(), claim.generation(), repeatsSince)).map(r -> r.rowCount() == 1);
    }

    /** Whether the run's partitions are loading (its coordination was taken over after planning). */
    Uni<Boolean> isLoading(UUID runId) {
        return pool.preparedQuery("SELECT loading_since IS NOT NULL FROM sluice.run WHERE id = $1").execute(Tuple.of(runId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    Uni<String> repeatsSince(UUID runId) {
        return pool.preparedQuery("SELECT repeats_since FROM sluice.run WHERE id = $1").execute(Tuple.of(runId))
                .map(rows -> rows.iterator().next().getString(0));
    }

    /** The statuses that may become {@code to}, by the transition table. */
    private static String[] from(RunStatus to) {
        return Arrays.stream(RunStatus.values()).filter(s -> s.canBecome(to)).map(RunStatus::wire).toArray(String[]::new);
    }

    Uni<Boolean> isPlanned(UUID runId) {
        return pool.preparedQuery("SELECT planned FROM sluice.run WHERE id = $1").execute(Tuple.of(runId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    Uni<List<Partition>> partitions(UUID runId) {
        return pool.preparedQuery("""
                SELECT index, status, files, total_rows, rows, file_index, file_row FROM sluice.run_partition
                WHERE run_id = $1 ORDER BY index""").execute(Tuple.of(runId)).map(rows -> {
            List<Partition> parts = new ArrayList<>();
            rows.forEach(r -> parts.add(partition(r)));
            return parts;
        });
    }

    Uni<Partition> partition(UUID runId, int index) {
        return pool.preparedQuery("""
                SELECT index, status, files, total_rows, rows, file_index, file_row FROM sluice.run_partition
                WHERE run_id = $1 AND index = $2""").execute(Tuple.of(runId, index))
                .map(rows -> partition(rows.iterator().next()));
    }

    private Partition partition(io.vertx.mutiny.sqlclient.Row r) {
        return new Partition(r.getInteger(0), r.getString(1), json.read(r.getString(2), FILES), r.getLong(3), r.getLong(4),
                r.getInteger(5), r.getLong(6));
    }

    /**
     * The plan's partitions, in the plan's transaction, which also marks the run planned; fails
     * (rolling the plan back) when the run is no longer this coordinator's.
     */
    Uni<Void> insertPlan(SqlClient tx, ClaimStore.RunClaim claim, List<Partition> partitions, long resumedRows,
            List<SourceFile> files) {
        UUID runId = claim.runId();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Partition p : partitions) {
            chain = chain.chain(() -> tx.preparedQuery("""
                    INSERT INTO sluice.run_partition (run_id, index, status, files, total_rows, rows) VALUES ($1, $2, $3, $4, $5, $6)""")
                    .execute(Tuple.of(runId, p.index(), p.status(), json.write(p.files()), p.totalRows(), p.rows()))
                    .replaceWithVoid());
        }
        return chain.chain(() -> tx.preparedQuery("""
                UPDATE sluice.run SET planned = true, resume_from_row = CASE WHEN retry_of IS NULL AND $2 = 0 THEN resume_from_row ELSE $2 END,
                    processed_rows = processed_rows + $2, source_files = $3 WHERE id = $1 AND owner_generation = $4""")
                .execute(Tuple.of(runId, resumedRows, json.write(files), claim.generation())).map(r -> {
                    if (r.rowCount() != 1) {
                        throw new CoordinationLost(runId);
                    }
                    return null;
                }));
    }

    /** A partition's status, set by the coordinator itself (an Iceberg sync's partitions are not claimed). */
    Uni<Void> partitionStatus(UUID runId, int index, String status) {
        return pool.preparedQuery("UPDATE sluice.run_partition SET status = $3 WHERE run_id = $1 AND index = $2")
                .execute(Tuple.of(runId, index, status)).replaceWithVoid();
    }

    Uni<Void> partitionTotal(UUID runId, int index, long total) {
        return pool.preparedQuery("UPDATE sluice.run_partition SET total_rows = $3 WHERE run_id = $1 AND index = $2")
                .execute(Tuple.of(runId, index, total)).replaceWithVoid();
    }

    Uni<Void> runTotal(UUID runId, long total) {
        return pool.preparedQuery("UPDATE sluice.run SET total_rows = $2 WHERE id = $1").execute(Tuple.of(runId, total))
                .replaceWithVoid();
    }

    /**
     * A partition's progress, in the transaction of the rows it counts: {@code rowsDelta} more rows
     * consumed, now reading piece {@code fileIndex}, {@code fileRow} rows of it committed. This is the
     * fence of a partition's lease: when the claim's generation is no longer the partition's (another
     * replica took it over), it throws {@link PartitionLoader.ClaimLost} and the caller rolls back,
     * so a replica that froze past its lease commits nothing more. It extends the lease too.
     */
    void advancePartition(LoadConnection tx, ClaimStore.PartitionClaim claim, long rowsDelta, int fileIndex, long fileRow,
            java.time.Duration ttl) throws SQLException {
        long updated = tx.update("""
                UPDATE sluice.run_partition SET rows = rows + ?, file_index = ?, file_row = ?,
                    claim_expires_at = now() + make_interval(secs => ?)
                WHERE run_id = ? AND index = ? AND claim_generation = ? AND status = 'running'""",
                rowsDelta, fileIndex, fileRow, ttl.toMillis() / 1000.0, claim.runId(), claim.index(), claim.generation());
        if (updated != 1) {
            throw new PartitionLoader.ClaimLost(claim);
        }
    }

    /** Adds to the run's counters; returns its failed rows. Throws Cancelled when the run no longer runs (it failed). */
    long count(LoadConnection tx, UUID runId, long processed, long failed, long skipped) throws SQLException {
        Long failedRows = tx.queryNullableLong("""
                UPDATE sluice.run SET processed_rows = processed_rows + ?, failed_rows = failed_rows + ?,
                    skipped_rows = skipped_rows + ?
                WHERE id = ? AND status = 'running' RETURNING failed_rows""", processed, failed, skipped, runId);
        if (failedRows == null) {
            throw new RunExecutor.Cancelled();
        }
        return failedRows;
    }

    /** Adds rows still rejected (a retry over unchanged files) to the run's failed rows. */
    Uni<Void> addFailed(UUID runId, long failed) {
        return pool.preparedQuery("UPDATE sluice.run SET failed_rows = failed_rows + $2 WHERE id = $1")
                .execute(Tuple.of(runId, failed)).replaceWithVoid();
    }

    /** processed, failed, skipped. */
    Uni<long[]> counts(UUID runId) {
        return pool.preparedQuery("SELECT processed_rows, failed_rows, skipped_rows FROM sluice.run WHERE id = $1")
                .execute(Tuple.of(runId)).map(rows -> {
                    var row = rows.iterator().next();
                    return new long[] { row.getLong(0), row.getLong(1), row.getLong(2) };
                });
    }

    /** The errors an earlier run recorded for {@code files}, recorded again for {@code runId} (rows still rejected). */
    Uni<Void> copyErrors(UUID from, UUID runId, List<String> files) {
        return pool.preparedQuery("""
                INSERT INTO sluice.run_error (run_id, file, row_number, column_name, value, error)
                SELECT $2, file, row_number, column_name, value, error FROM sluice.run_error
                WHERE run_id = $1 AND file = ANY($3) ORDER BY seq""")
                .execute(Tuple.of(from, runId, files.toArray(new String[0]))).replaceWithVoid();
    }

    /** The trigger of the run this one retries, followed back to the first. */
    Uni<String> origin(UUID runId) {
        return pool.preparedQuery("""
                WITH RECURSIVE chain AS (
                    SELECT id, trigger, retry_of, 0 AS depth FROM sluice.run WHERE id = $1
                    UNION ALL
                    SELECT r.id, r.trigger, r.retry_of, c.depth + 1 FROM sluice.run r JOIN chain c ON r.id = c.retry_of)
                SELECT trigger FROM chain ORDER BY depth DESC LIMIT 1""").execute(Tuple.of(runId))
                .map(rows -> rows.iterator().next().getString(0));
    }

    /** Interrupted runs that nothing took up yet (no later run of their pipeline): id, pipeline id. */
    Uni<List<UUID[]>> interruptedNotResumed() {
        return pool.query("""
                SELECT r.id, r.pipeline_id FROM sluice.run r
                WHERE r.status = 'failed' AND r.interrupted AND r.trigger <> 'sync'
                  AND NOT EXISTS (SELECT 1 FROM sluice.run n WHERE n.pipeline_id = r.pipeline_id AND n.created_at > r.created_at)
                ORDER BY r.created_at""").execute().map(rows -> {
            List<UUID[]> out = new ArrayList<>();
            rows.forEach(r -> out.add(new UUID[] { r.getUUID(0), r.getUUID(1) }));
            return out;
        });
    }

    /** The run is coordinated by another replica now (its lease expired): this one must write nothing more of it. */
    static final class CoordinationLost extends RuntimeException {
        CoordinationLost(UUID runId) {
            super("Run " + runId + " is coordinated by another replica now");
        }
    }
}
