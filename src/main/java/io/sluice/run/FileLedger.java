package io.sluice.run;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.sluice.format.ByteRange;
import io.sluice.pipeline.program.Provenance;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The ledger of the files each pipeline loaded ({@code sluice.segment}, {@code sluice.segment_part}):
 * every statement on those tables. Writes take the client of the transaction they belong to, so a
 * checkpoint always commits with the rows it counts.
 */
@ApplicationScoped
class FileLedger {
    private static final String OF_PIPELINE = """
            SELECT s.id, s.source_path, s.source_etag, s.source_size, s.state, s.provenance, s.rows, s.failed_rows,
                   p.range_start, p.range_end, p.first_row, p.range_rows, p.rows_consumed, p.done
            FROM sluice.segment s LEFT JOIN sluice.segment_part p ON p.segment_id = s.id
            WHERE s.pipeline_id = $1 AND ($2::text[] IS NULL OR s.source_path = ANY($2))
            ORDER BY s.source_path, s.id, p.range_start""";

    @Inject
    Pool pool;

    /** The pipeline's segments by path ({@code paths} null: all of them). */
    Uni<Map<String, List<LedgerEntry>>> of(UUID pipelineId, String[] paths) {
        return pool.preparedQuery(OF_PIPELINE).execute(Tuple.of(pipelineId, paths)).map(rows -> {
            Map<Long, LedgerEntry> byId = new LinkedHashMap<>();
            Map<Long, List<LedgerEntry.Part>> parts = new HashMap<>();
            rows.forEach(r -> {
                long id = r.getLong(0);
                List<LedgerEntry.Part> own = parts.computeIfAbsent(id, k -> new ArrayList<>());
                byId.computeIfAbsent(id, k -> new LedgerEntry(id, r.getString(1), r.getString(2), r.getLong(3),
                        SegmentState.fromWire(r.getString(4)), r.getBoolean(5), r.getLong(6), r.getLong(7), own));
                if (r.getLong(8) != null) {
                    own.add(new LedgerEntry.Part(r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11), r.getLong(12), r.getBoolean(13)));
                }
            });
            Map<String, List<LedgerEntry>> byPath = new LinkedHashMap<>();
            byId.values().forEach(e -> byPath.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(e));
            return byPath;
        });
    }

    /** The states that may become {@code to}, by the transition table. */
    private static String[] from(SegmentState to) {
        return java.util.Arrays.stream(SegmentState.values()).filter(s -> s.canBecome(to)).map(SegmentState::wire)
                .toArray(String[]::new);
    }

    /** A new segment id, for the rows of a replace run's staging table (recorded when swapped in). */
    Uni<Long> newId() {
        return pool.query("SELECT nextval(pg_get_serial_sequence('sluice.segment', 'id'))").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Records a version of a file being loaded; returns its id. */
    Uni<Long> insert(SqlClient tx, UUID pipelineId, SourceFile f, UUID runId, boolean provenance) {
        return tx.preparedQuery("""
                INSERT INTO sluice.segment (pipeline_id, source_path, source_etag, source_size, run_id, rows, loaded_at,
                                            state, provenance)
                VALUES ($1, $2, $3, $4, $5, 0, now(), 'loading', $6) RETURNING id""")
                .execute(Tuple.of(pipelineId, f.path(), f.etag(), f.size(), runId, provenance))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** A checkpoint of the segment: the whole file ({@code rangeEnd} null) or one range of it. */
    Uni<Void> insertPart(SqlClient tx, long segmentId, ByteRange range) {
        return tx.preparedQuery("""
                INSERT INTO sluice.segment_part (segment_id, range_start, range_end, first_row, range_rows)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(segmentId, range == null ? 0L : range.start(), range == null ? null : range.end(),
                        range == null ? 0L : range.firstRow(), range == null ? null : range.rows()))
                .replaceWithVoid();
    }

    /** Forgets segments (their rows, if any, must be gone already or go in the same transaction). */
    Uni<Void> forget(SqlClient tx, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("DELETE FROM sluice.segment WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(new Long[0])))
                .replaceWithVoid();
    }

    /** The checkpoint of one part as committed now: data rows consumed, and whether it is done. */
    Uni<LedgerEntry.Part> part(long segmentId, long partKey) {
        return pool.preparedQuery("""
                SELECT range_start, range_end, first_row, range_rows, rows_consumed, done FROM sluice.segment_part
                WHERE segment_id = $1 AND range_start = $2""").execute(Tuple.of(segmentId, partKey)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            var r = rows.iterator().next();
            return new LedgerEntry.Part(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getBoolean(5));
        });
    }

    /** Moves a part's checkpoint to {@code consumed} rows, counting the batch's rows to its segment. */
    void advance(LoadConnection tx, long segmentId, long partKey, long consumed, long rowsDelta, long failedDelta, UUID runId)
            throws SQLException {
        tx.update("""
                WITH p AS (UPDATE sluice.segment_part SET rows_consumed = ? WHERE segment_id = ? AND range_start = ?)
                UPDATE sluice.segment SET rows = rows + ?, failed_rows = failed_rows + ?, run_id = ?, loaded_at = now()
                WHERE id = ?""", consumed, segmentId, partKey, rowsDelta, failedDelta, runId, segmentId);
    }

    /**
     * Marks a part done; the segment becomes loaded with its last part. The segment row is locked
     * first: parts finishing at once on several partitions (or replicas) would otherwise each see the
     * other's part still open (neither commit visible to the other) and leave the segment loading.
     */
    void completePart(LoadConnection tx, long segmentId, long partKey) throws SQLException {
        tx.queryNullableLong("SELECT id FROM sluice.segment WHERE id = ? FOR UPDATE", segmentId);
        tx.update("UPDATE sluice.segment_part SET done = true WHERE segment_id = ? AND range_start = ?", segmentId, partKey);
        tx.update("""
                UPDATE sluice.segment SET state = ?, loaded_at = now()
                WHERE id = ? AND state = ANY(?)
                  AND NOT EXISTS (SELECT 1 FROM sluice.segment_part WHERE segment_id = ? AND NOT done)""",
                SegmentState.LOADED.wire(), segmentId, tx.jdbc().createArrayOf("text", from(SegmentState.LOADED)), segmentId);
    }

    /** A piece loaded whole in the caller's transaction: its part, and the rows it processed and rejected. */
    record Completed(long segmentId, long partKey, long rows, long rejected) {
    }

    /**
     * Records pieces loaded whole in the caller's transaction with three statements however many
     * there are (an Iceberg sync's one transaction loads every file of its snapshot range: five
     * statements per file cost it a sixth of its time): each part's checkpoint moves to its end and
     * is done, its rows count to its segment, and a segment whose parts are all done becomes loaded.
     * The segments are locked first, in id order, for the reason {@link #completePart} gives.
     */
    void completeWhole(LoadConnection tx, UUID runId, List<Completed> pieces) throws SQLException {
        if (pieces.isEmpty()) {
            return;
        }
        Map<Long, long[]> bySegment = new java.util.TreeMap<>();
        List<Long> segments = new ArrayList<>();
        List<Long> partKeys = new ArrayList<>();
        List<Long> partRows = new ArrayList<>();
        for (Completed c : pieces) {
            segments.add(c.segmentId());
            partKeys.add(c.partKey());
            partRows.add(c.rows());
            long[] sum = bySegment.computeIfAbsent(c.segmentId(), k -> new long[2]);
            sum[0] += c.rows();
            sum[1] += c.rejected();
        }
        List<Long> ids = new ArrayList<>(bySegment.keySet());
        tx.queryNullableLong("SELECT count(*) FROM (SELECT id FROM sluice.segment WHERE id = ANY(?) ORDER BY id FOR UPDATE) s",
                tx.longs(ids));
        tx.update("""
                UPDATE sluice.segment_part p SET rows_consumed = x.rows, done = true
                FROM unnest(?::int8[], ?::int8[], ?::int8[]) AS x(segment_id, range_start, rows)
                WHERE p.segment_id = x.segment_id AND p.range_start = x.range_start""",
                tx.longs(segments), tx.longs(partKeys), tx.longs(partRows));
        // a later statement than the parts' update: its NOT EXISTS sees them done
        tx.update("""
                UPDATE sluice.segment s SET rows = s.rows + x.rows, failed_rows = s.failed_rows + x.failed, run_id = ?,
                    loaded_at = now(),
                    state = CASE WHEN s.state = ANY(?) AND NOT EXISTS
                                (SELECT 1 FROM sluice.segment_part p WHERE p.segment_id = s.id AND NOT p.done)
                            THEN ? ELSE s.state END
                FROM unnest(?::int8[], ?::int8[], ?::int8[]) AS x(id, rows, failed)
                WHERE s.id = x.id""", runId, tx.jdbc().createArrayOf("text", from(SegmentState.LOADED)),
                SegmentState.LOADED.wire(), tx.longs(ids),
                tx.longs(bySegment.values().stream().map(v -> v[0]).toList()),
                tx.longs(bySegment.values().stream().map(v -> v[1]).toList()));
    }

    /** The file changed while it was read: its rows stay until the next version replaces them. */
    Uni<Void> markStale(long segmentId) {
        return pool.preparedQuery("UPDATE sluice.segment SET state = $2 WHERE id = $1 AND state = ANY($3)")
                .execute(Tuple.of(segmentId, SegmentState.STALE.wire(), from(SegmentState.STALE))).replaceWithVoid();
    }

    /**
     * The first statements of a replacement's transaction: the rows of {@code replaced} segments
     * (earlier versions, or this one gone stale) leave the target, those segments are forgotten, and
     * {@code segmentId} starts from its first row. Returns the rows deleted.
     */
    long replace(LoadConnection tx, String qualifiedTarget, long segmentId, List<Long> replaced) throws SQLException {
        List<Long> all = new ArrayList<>(replaced);
        all.add(segmentId);
        long deleted = tx.update("DELETE FROM " + qualifiedTarget + " WHERE " + TableSpec.quote(Provenance.FILE_ID)
                + " = ANY(?)", tx.longs(all));
        List<Long> others = replaced.stream().filter(id -> id != segmentId).toList();
        if (!others.isEmpty()) {
            tx.update("DELETE FROM sluice.segment WHERE id = ANY(?)", tx.longs(others));
        }
        tx.update("UPDATE sluice.segment_part SET rows_consumed = 0, done = false WHERE segment_id = ?", segmentId);
        tx.update("UPDATE sluice.segment SET rows = 0, failed_rows = 0, state = 'loading' WHERE id = ?", segmentId);
        return deleted;
    }

    /** A replace run swapped in: the run's files, loaded whole into the new table, are the pipeline's only segments. */
    Uni<Void> replaceAll(SqlClient tx, UUID pipelineId, UUID runId, List<PlannedFile> files, Map<Long, long[]> counts,
            boolean provenance) {
        List<PlannedFile> whole = files.stream().filter(f -> f.partKey() == 0).toList();
        Long[] ids = whole.stream().map(PlannedFile::segmentId).toArray(Long[]::new);
        String[] paths = whole.stream().map(PlannedFile::path).toArray(String[]::new);
        String[] etags = whole.stream().map(PlannedFile::etag).toArray(String[]::new);
        Long[] sizes = whole.stream().map(PlannedFile::size).toArray(Long[]::new);
        Long[] rows = whole.stream().map(f -> counts.getOrDefault(f.segmentId(), new long[2])[0]).toArray(Long[]::new);
        Long[] failed = whole.stream().map(f -> counts.getOrDefault(f.segmentId(), new long[2])[1]).toArray(Long[]::new);
        return tx.preparedQuery("DELETE FROM sluice.segment WHERE pipeline_id = $1").execute(Tuple.of(pipelineId))
                .chain(() -> tx.preparedQuery("""
                        INSERT INTO sluice.segment (id, pipeline_id, source_path, source_etag, source_size, run_id, rows,
                                                    failed_rows, loaded_at, state, provenance)
                        SELECT i, $1, p, e, s, $2, r, f, now(), 'loaded', $9
                        FROM unnest($3::int8[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::int8[]) AS x(i, p, e, s, r, f)""")
                        .execute(Tuple.tuple().addUUID(pipelineId).addUUID(runId).addArrayOfLong(ids).addArrayOfString(paths)
                                .addArrayOfString(etags).addArrayOfLong(sizes).addArrayOfLong(rows).addArrayOfLong(failed)
                                .addBoolean(provenance)))
                .replaceWithVoid();
    }

    /** Data rows committed of the current segments of {@code paths}: where a retry of a run over them resumes. */
    Uni<Long> committedRows(UUID pipelineId, String[] paths) {
        return pool.preparedQuery("""
                SELECT coalesce(sum(p.rows_consumed), 0) FROM sluice.segment s JOIN sluice.segment_part p ON p.segment_id = s.id
                WHERE s.pipeline_id = $1 AND s.source_path = ANY($2) AND s.state <> 'stale'""")
                .execute(Tuple.of(pipelineId, paths)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Rows rejected in loaded, unchanged files among {@code paths}: still missing from the table. */
    Uni<Map<String, Long>> stillRejected(UUID pipelineId, List<SourceFile> files) {
        String[] paths = files.stream().map(SourceFile::path).toArray(String[]::new);
        String[] etags = files.stream().map(SourceFile::etag).toArray(String[]::new);
        return pool.preparedQuery("""
                SELECT s.source_path, s.failed_rows FROM sluice.segment s
                JOIN unnest($2::text[], $3::text[]) AS f(p, e) ON f.p = s.source_path AND f.e = s.source_etag
                WHERE s.pipeline_id = $1 AND s.state = 'loaded' AND s.failed_rows > 0""")
                .execute(Tuple.of(pipelineId, paths, etags)).map(rows -> {
                    Map<String, Long> rejected = new LinkedHashMap<>();
                    rows.forEach(r -> rejected.put(r.getString(0), r.getLong(1)));
                    return rejected;
                });
    }
}
