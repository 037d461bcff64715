package io.sluice.run;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowError;
import io.sluice.format.RowReader;
import io.sluice.load.CopyConnections;
import io.sluice.load.CopyLoad;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.Provenance;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.source.SourceFile;

/**
 * The one transaction of an external Iceberg table's sync: the rows of removed data files leave,
 * data files whose applied deletes no longer hold are loaded again, the run's files load, and the
 * rows merge-on-read delete files target leave, all committed together, so readers see the table as
 * of one Iceberg snapshot (the one before, or the one synced to), never a mix. The sync says what to
 * change ({@link #expect}) before its run starts; the run's executor hands its load over here.
 * BLOCKING: runs on the run's thread.
 */
@ApplicationScoped
public class SnapshotTransaction {
    private static final Logger LOG = Logger.getLogger(SnapshotTransaction.class);
    /** Iceberg's reserved field ids of a position delete file's columns. */
    private static final int DELETE_FILE_PATH_ID = 2147483546;
    private static final int DELETE_POS_ID = 2147483545;
    private static final TableSpec POSITIONS = new TableSpec("position_deletes", List.of(
            new ColumnSpec("file_path", PgType.of(PgType.Kind.TEXT), true),
            new ColumnSpec("pos", PgType.of(PgType.Kind.BIGINT), true)), List.of());
    private static final Map<String, Object> POSITION_FIELDS = Map.of(Formats.PARQUET_FIELD_IDS,
            Map.of("file_path", DELETE_FILE_PATH_ID, "pos", DELETE_POS_ID));
    private static final String POSITIONS_TABLE = "pg_temp.sluice_position_deletes";
    private static final List<String> POSITION_NAMES = POSITIONS.columns().stream().map(c -> TableSpec.quote(c.name())).toList();
    private static final List<PgType.Kind> POSITION_KINDS = POSITIONS.columns().stream().map(c -> c.type().kind()).toList();
    private static final String EQUALITIES_TABLE = "pg_temp.sluice_equality_deletes";
    private static final String FILE_ID = TableSpec.quote(Provenance.FILE_ID);

    @Inject
    CopyConnections copies;
    @Inject
    PartitionLoader loader;
    @Inject
    RunStore store;
    @Inject
    RunConfig config;
    @Inject
    RunService runs;
    @Inject
    RunMetrics metrics;

    private final Map<UUID, SnapshotChanges> expected = new ConcurrentHashMap<>();

    /** The next sync run of the pipeline loads in one transaction with these changes. */
    public void expect(UUID pipelineId, SnapshotChanges changes) {
        expected.put(pipelineId, changes);
    }

    /** The sync ended: its changes are no longer expected. */
    public void forget(UUID pipelineId) {
        expected.remove(pipelineId);
    }

    /** The changes a sync run of the pipeline applies, null when it is not an Iceberg sync's run. */
    SnapshotChanges expected(RunJob job) {
        return job.segmentPerTransaction() ? expected.get(job.pipelineId()) : null;
    }

    /** Every change of the snapshot range, then one commit. */
    void load(RunJob job, ClaimStore.RunClaim claim, List<RunStore.Partition> partitions, String qualifiedTarget,
            PartitionLoader.Shared shared, SnapshotChanges changes) throws Exception {
        PartitionLoader.Target target = loader.target(job, qualifiedTarget, null);
        int rows = config.batchRows(job.table().columns().size());
        // three: the reader fills one while one is COPYed and the next waits its turn
        RowBatch[] batches = { new RowBatch(job.table(), rows), new RowBatch(job.table(), rows),
                new RowBatch(job.table(), rows) };
        for (RunStore.Partition p : partitions) {
            store.partitionStatus(job.runId(), p.index(), "running").await().indefinitely();
        }
        List<PartitionLoader.Loaded> loaded = new ArrayList<>();
        long[] totals;
        long bytes = 0;
        long removedRows;
        long deletedRows;
        List<String> replacedLogs = new ArrayList<>();
        try (LoadConnection tx = new LoadConnection(copies.open())) {
            try {
                removedRows = removeFiles(tx, job, target, changes.removed());
                List<PlannedFile> reloaded = new ArrayList<>();
                for (SourceFile f : changes.reloaded()) {
                    long segment = tx.queryNullableLong("""
                            SELECT coalesce(max(id), -1) FROM sluice.segment
                            WHERE pipeline_id = ? AND source_path = ? AND state = 'loaded'""", job.pipelineId(), f.path());
                    if (segment < 0) {
                        throw new RunExecutor.RunFailure("Data file " + f.path() + " was to be loaded again, but it is not loaded");
                    }
                    tx.update("DELETE FROM sluice.segment_delete WHERE segment_id = ?", segment);
                    reloaded.add(PlannedFile.whole(f, segment, true, List.of(segment), 0));
                }
                // the files are read one after another while the lane COPYs those read before
                TransactionLane lane = loader.lane(tx, batches);
                List<CompletableFuture<PartitionLoader.Loaded>> files = new ArrayList<>();
                try {
                    for (PlannedFile piece : reloaded) {
                        files.add(loader.loadWhole(lane, job, piece, target, shared));
                        bytes += piece.bytes();
                    }
                    for (RunStore.Partition p : partitions) {
                        for (int i = p.fileIndex(); i < p.files().size(); i++) {
                            PlannedFile piece = p.files().get(i);
                            files.add(loader.loadWhole(lane, job, piece, target, shared));
                            bytes += piece.bytes();
                            if (!piece.replaces().isEmpty()) {
                                replacedLogs.add(piece.path());
                            }
                        }
                    }
                    lane.sync();
                } finally {
                    lane.drain(); // the connection is the caller's again: nothing of the lane runs on it
                }
                for (CompletableFuture<PartitionLoader.Loaded> file : files) {
                    loaded.add(TransactionLane.valueOf(file));
                }
                totals = loader.record(tx, job, loaded);
                deletedRows = applyDeletes(tx, job, target, changes.deletes(), shared);
                // the fence: a coordinator whose lease passed to another replica commits nothing
                if (tx.update("UPDATE sluice.run SET heartbeat_at = now() WHERE id = ? AND owner_generation = ?", job.runId(),
                        claim.generation()) != 1) {
                    throw new RunStore.CoordinationLost(job.runId());
                }
                tx.commit();
            } catch (Exception e) {
                tx.rollback();
                throw e;
            }
        }
        for (RunStore.Partition p : partitions) {
            store.partitionStatus(job.runId(), p.index(), "completed").await().indefinitely();
        }
        long reloadedRows = loaded.subList(0, changes.reloaded().size()).stream().mapToLong(PartitionLoader.Loaded::replaced).sum();
        metrics.batchCommitted(job.pipelineName(), totals[0], totals[1], totals[2]);
        metrics.bytesRead(job.pipelineName(), bytes);
        String message = "As of Iceberg snapshot " + changes.snapshotId() + " in one transaction: loaded " + (totals[0] - totals[1])
                + " rows" + (changes.removed().isEmpty() ? "" : "; deleted the " + removedRows + " rows of "
                        + changes.removed().size() + " data file(s) no longer in the table")
                + (changes.reloaded().isEmpty() ? "" : "; loaded " + changes.reloaded().size()
                        + " data file(s) again (" + reloadedRows + " rows replaced: deletes applied to them no longer apply)")
                + (changes.deletes().isEmpty() ? "" : "; deleted " + deletedRows + " rows targeted by "
                        + changes.deletes().size() + " delete file(s)");
        runs.log(job.runId(), "load", message).await().indefinitely();
        LOG.infof("Run %s: %s", job.runId(), message);
        if (!replacedLogs.isEmpty()) {
            LOG.infof("Run %s: replaced the rows of an earlier load of %s", job.runId(), String.join(", ", replacedLogs));
        }
    }

    /** The rows of data files no longer in the table leave, and so do their segments. Returns the rows deleted. */
    private static long removeFiles(LoadConnection tx, RunJob job, PartitionLoader.Target target, List<String> removed)
            throws SQLException {
        if (removed.isEmpty()) {
            return 0;
        }
        Array paths = tx.jdbc().createArrayOf("text", removed.toArray());
        long rows = tx.update("DELETE FROM " + target.qualified() + " WHERE " + FILE_ID + " = ANY(ARRAY("
                + "SELECT id FROM sluice.segment WHERE pipeline_id = ? AND source_path = ANY(?)))", job.pipelineId(), paths);
        tx.update("DELETE FROM sluice.segment WHERE pipeline_id = ? AND source_path = ANY(?)", job.pipelineId(), paths);
        return rows;
    }

    /** Each delete file's rows leave the data files it applies to, and it is recorded as applied to them. */
    private long applyDeletes(LoadConnection tx, RunJob job, PartitionLoader.Target target,
            List<SnapshotChanges.RowDeletes> deletes, PartitionLoader.Shared shared) throws Exception {
        long deleted = 0;
        for (SnapshotChanges.RowDeletes d : deletes) {
            Array dataFiles = tx.jdbc().createArrayOf("text", d.dataFiles().toArray());
            if (d.positional()) {
                deleted += applyPositions(tx, job, target, d, dataFiles, shared);
            } else {
                deleted += applyEqualities(tx, job, target, d, dataFiles, shared);
            }
            tx.update("""
                    INSERT INTO sluice.segment_delete (segment_id, delete_path)
                    SELECT id, ? FROM sluice.segment WHERE pipeline_id = ? AND state = 'loaded' AND source_path = ANY(?)
                    ON CONFLICT DO NOTHING""", d.file().path(), job.pipelineId(), dataFiles);
        }
        return deleted;
    }

    /** A position delete file: (data file, 0-based position) is the row {@code _sluice_row = pos + 1} of that file's segment. */
    private static long applyPositions(LoadConnection tx, RunJob job, PartitionLoader.Target target,
            SnapshotChanges.RowDeletes d, Array dataFiles, PartitionLoader.Shared shared) throws Exception {
        tx.update("CREATE TEMP TABLE IF NOT EXISTS sluice_position_deletes (file_path text NOT NULL, pos bigint NOT NULL)"
                + " ON COMMIT DROP");
        tx.update("DELETE FROM " + POSITIONS_TABLE);
        if (d.deletionVector() == null) {
            copyRows(tx, job, d, POSITIONS, POSITION_FIELDS, POSITIONS_TABLE, shared);
        } else {
            copyVector(tx, job, d, shared);
        }
        return tx.update("DELETE FROM " + target.qualified() + " t USING " + POSITIONS_TABLE + " d, sluice.segment s"
                + " WHERE s.pipeline_id = ? AND s.state = 'loaded' AND s.source_path = ANY(?) AND s.source_path = d.file_path"
                + " AND t." + FILE_ID + " = s.id AND t." + TableSpec.quote(Provenance.ROW) + " = d.pos + 1",
                job.pipelineId(), dataFiles);
    }

    /**
     * An equality delete file: rows of the data files it applies to whose values of its fields equal
     * one of its rows (NULL equal to NULL, as Iceberg's equality deletes compare) leave.
     */
    private static long applyEqualities(LoadConnection tx, RunJob job, PartitionLoader.Target target,
            SnapshotChanges.RowDeletes d, Array dataFiles, PartitionLoader.Shared shared) throws Exception {
        // columns hold fields by id; a table with a posted schema has none: its columns go by name
        Map<Integer, String> columnOfField = new HashMap<>();
        boolean byId = job.options().get(Formats.PARQUET_FIELD_IDS) instanceof Map<?, ?> ids && !ids.isEmpty();
        if (job.options().get(Formats.PARQUET_FIELD_IDS) instanceof Map<?, ?> ids) {
            ids.forEach((column, id) -> columnOfField.put(Integer.valueOf(id.toString()), column.toString()));
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (int i = 0; i < d.equalityFieldIds().size(); i++) {
            int fieldId = d.equalityFieldIds().get(i);
            String column = byId ? columnOfField.get(fieldId) : d.equalityNames().get(i);
            ColumnSpec spec = column == null ? null
                    : job.table().columns().stream().filter(c -> c.name().equals(column)).findFirst().orElse(null);
            if (spec == null) {
                throw new RunExecutor.RunFailure("Equality delete file " + d.file().path() + " deletes rows by Iceberg field "
                        + fieldId + ", which no column of " + target.qualified() + " holds: the deletes cannot be applied");
            }
            columns.add(spec);
        }
        String names = columns.stream().map(c -> TableSpec.quote(c.name())).collect(Collectors.joining(", "));
        tx.update("DROP TABLE IF EXISTS " + EQUALITIES_TABLE);
        tx.update("CREATE TEMP TABLE sluice_equality_deletes ON COMMIT DROP AS SELECT " + names + " FROM "
                + target.qualified() + " WITH NO DATA");
        copyRows(tx, job, d, new TableSpec("equality_deletes", columns, List.of()), job.options(), EQUALITIES_TABLE, shared);
        String match = columns.stream().map(c -> {
            String q = TableSpec.quote(c.name());
            return "t." + q + (c.notNull() ? " = d." : " IS NOT DISTINCT FROM d.") + q;
        }).collect(Collectors.joining(" AND "));
        return tx.update("DELETE FROM " + target.qualified() + " t USING " + EQUALITIES_TABLE + " d WHERE t." + FILE_ID
                + " = ANY(ARRAY(SELECT id FROM sluice.segment WHERE pipeline_id = ? AND state = 'loaded'"
                + " AND source_path = ANY(?))) AND " + match, job.pipelineId(), dataFiles);
    }

    /** COPYs a deletion vector's positions, as (its data file, position) rows, into the position deletes' table. */
    private static void copyVector(LoadConnection tx, RunJob job, SnapshotChanges.RowDeletes d, PartitionLoader.Shared shared)
            throws Exception {
        long[] positions = d.deletionVector().read(RunExecutor.local(job, d.file(), shared));
        int chunk = Math.min(positions.length, 10_000);
        String[] paths = new String[chunk];
        Arrays.fill(paths, d.dataFiles().get(0));
        Long[] batch = new Long[chunk];
        for (int from = 0; from < positions.length; from += chunk) {
            int n = Math.min(chunk, positions.length - from);
            for (int i = 0; i < n; i++) {
                batch[i] = positions[from + i];
            }
            CopyLoad.append(tx.jdbc(), POSITIONS_TABLE, POSITION_NAMES, POSITION_KINDS, new Object[][] {paths, batch}, n);
        }
    }

    /** COPYs the rows of a delete file (Parquet, read like data files by field id) into a temporary table. */
    private static void copyRows(LoadConnection tx, RunJob job, SnapshotChanges.RowDeletes d, TableSpec spec,
            Map<String, Object> options, String table, PartitionLoader.Shared shared) throws Exception {
        List<String> names = spec.columns().stream().map(c -> TableSpec.quote(c.name())).toList();
        List<PgType.Kind> kinds = spec.columns().stream().map(c -> c.type().kind()).toList();
        RowBatch batch = new RowBatch(spec, 10_000);
        try (RowReader reader = Formats.openParquet(RunExecutor.local(job, d.file(), shared), spec, Map.of(), 0, options)) {
            while (true) {
                List<RowError> errors = new ArrayList<>();
                int read = reader.read(batch, errors::add);
                if (!errors.isEmpty()) {
                    RowError e = errors.get(0);
                    throw new RunExecutor.RunFailure("Delete file " + d.file().path() + ": row " + e.row()
                            + (e.column() == null ? "" : " column " + e.column()) + " cannot be read: " + e.error());
                }
                if (read == 0) {
                    break;
                }
                Object[][] columns = new Object[spec.columns().size()][];
                for (int c = 0; c < columns.length; c++) {
                    columns[c] = batch.column(c);
                }
                CopyLoad.append(tx.jdbc(), table, names, kinds, columns, batch.size());
            }
        }
    }
}
