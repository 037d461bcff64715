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

    /** A partition of a run: its pieces of work, and the index of the one being read. */
    record Partition(int index, String status, List<PlannedFile> files, Long totalRows, long rows, int fileIndex) {
    }

    /** pending → running; false when the run is not pending (another replica took it, or it ended). */
    Uni<Boolean> markRunning(UUID runId) {
        return pool.preparedQuery("""
                UPDATE sluice.run SET status = $2, started_at = coalesce(started_at, now()), heartbeat_at = now()
                WHERE id = $1 AND status = ANY($3)""")
                .execute(Tuple.of(runId, RunStatus.RUNNING.wire(), from(RunStatus.RUNNING))).map(r -> r.rowCount() == 1);
    }

    /** To a final status; {@code interrupted}: it ended because its process stopped (and is resumed later). */
    Uni<Integer> finish(UUID runId, RunStatus status, String error, boolean interrupted) {
        return pool.preparedQuery("""
                UPDATE sluice.run SET status = $2, finished_at = now(), error_message = $4, interrupted = $5
                WHERE id = $1 AND status = ANY($3)""")
                .execute(Tuple.of(runId, status.wire(), from(status), error, interrupted)).map(r -> r.rowCount());
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
                SELECT index, status, files, total_rows, rows, file_index FROM sluice.run_partition
                WHERE run_id = $1 ORDER BY index""").execute(Tuple.of(runId)).map(rows -> {
            List<Partition> parts = new ArrayList<>();
            rows.forEach(r -> parts.add(new Partition(r.getInteger(0), r.getString(1), json.read(r.getString(2), FILES),
                    r.getLong(3), r.getLong(4), r.getInteger(5))));
            return parts;
        });
    }

    /** The plan's partitions, in the plan's transaction, which also marks the run planned. */
    Uni<Void> insertPlan(SqlClient tx, UUID runId, List<Partition> partitions, long resumedRows, List<SourceFile> files) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Partition p : partitions) {
            chain = chain.chain(() -> tx.preparedQuery("""
                    INSERT INTO sluice.run_partition (run_id, index, status, files, total_rows, rows) VALUES ($1, $2, $3, $4, $5, $6)""")
                    .execute(Tuple.of(runId, p.index(), p.status(), json.write(p.files()), p.totalRows(), p.rows()))
                    .replaceWithVoid());
        }
        return chain.chain(() -> tx.preparedQuery("""
                UPDATE sluice.run SET planned = true, resume_from_row = CASE WHEN retry_of IS NULL AND $2 = 0 THEN resume_from_row ELSE $2 END,
                    processed_rows = processed_rows + $2, source_files = $3 WHERE id = $1""")
                .execute(Tuple.of(runId, resumedRows, json.write(files))).replaceWithVoid());
    }

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

    /** A partition's progress: {@code rowsDelta} more rows consumed, now reading file {@code fileIndex}. */
    void advancePartition(LoadConnection tx, UUID runId, int index, long rowsDelta, int fileIndex) throws SQLException {
        tx.update("UPDATE sluice.run_partition SET rows = rows + ?, file_index = ? WHERE run_id = ? AND index = ?",
                rowsDelta, fileIndex, runId, index);
    }

    /** Adds to the run's counters; returns its failed rows. */
    long count(LoadConnection tx, UUID runId, long processed, long failed, long skipped) throws SQLException {
        return tx.queryLong("""
                UPDATE sluice.run SET processed_rows = processed_rows + ?, failed_rows = failed_rows + ?,
                    skipped_rows = skipped_rows + ?, heartbeat_at = now()
                WHERE id = ? RETURNING failed_rows""", processed, failed, skipped, runId);
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

    Uni<Void> heartbeat(UUID[] runIds) {
        return pool.preparedQuery("UPDATE sluice.run SET heartbeat_at = now() WHERE id = ANY($1)")
                .execute(Tuple.of((Object) runIds)).replaceWithVoid();
    }

    /** Active runs with no sign of life for {@code timeoutSeconds}, not executed here: failed, interrupted. Returns id, strategy. */
    Uni<List<Object[]>> failAbandoned(double timeoutSeconds, UUID[] activeHere) {
        return pool.preparedQuery("""
                UPDATE sluice.run SET status = 'failed', finished_at = now(), interrupted = true,
                    error_message = 'Interrupted: the process running it stopped; it is resumed from its checkpoints'
                WHERE status IN ('pending', 'running') AND heartbeat_at < now() - make_interval(secs => $1)
                  AND NOT (id = ANY($2)) RETURNING id, load_strategy""")
                .execute(Tuple.of(timeoutSeconds, activeHere)).map(rows -> {
                    List<Object[]> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Object[] { r.getUUID(0), r.getString(1) }));
                    return out;
                });
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
}
