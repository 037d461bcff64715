package io.sluice.external.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

import io.sluice.source.SourceFile;

/**
 * Which data files an {@code append-only} table's sync loads: those added since the checkpoint
 * snapshot (an incremental append scan), or, on the first sync, every data file of the current
 * snapshot. Appends and replaces (compactions: the same rows rewritten, skipped) may lie in between;
 * an overwrite or delete cannot be mirrored by appending, so it fails the sync. Tables mirrored
 * exactly are planned by {@link IcebergChanges}.
 */
public final class IcebergPlanner {
    /** Iceberg data files are immutable: their path is their identity. */
    public static final String DATA_FILE_ETAG = "iceberg";
    private static final Set<String> APPENDING = Set.of(DataOperations.APPEND, DataOperations.REPLACE);

    private IcebergPlanner() {
    }

    /**
     * @param files     the data files by path, with their row counts from the manifests
     * @param snapshotId the snapshot the plan reaches (the new checkpoint), null for a table without snapshots
     */
    public record Plan(Map<SourceFile, Long> files, Long snapshotId) {
    }

    public static Plan plan(Table table, Long checkpoint) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return new Plan(Map.of(), checkpoint);
        }
        long target = current.snapshotId();
        if (checkpoint != null && checkpoint == target) {
            return new Plan(Map.of(), target);
        }
        CloseableIterable<FileScanTask> tasks;
        if (checkpoint != null) {
            if (!SnapshotUtil.isAncestorOf(table, target, checkpoint)) {
                throw new SyncRefused("The checkpoint snapshot " + checkpoint + " is not an ancestor of the current snapshot "
                        + target + " of " + table.name() + " (expired, or the table was rolled back): cannot sync incrementally");
            }
            for (Snapshot s : SnapshotUtil.ancestorsBetween(table, target, checkpoint)) {
                if (!APPENDING.contains(s.operation())) {
                    throw new SyncRefused("Snapshot " + s.snapshotId() + " of " + table.name() + " is a '" + s.operation()
                            + "' (not an append): rows were changed or removed, which an append-only sync cannot mirror");
                }
            }
            tasks = table.newIncrementalAppendScan().fromSnapshotExclusive(checkpoint).toSnapshot(target).planFiles();
        } else {
            tasks = table.newScan().useSnapshot(target).planFiles();
        }
        Map<SourceFile, Long> files = new LinkedHashMap<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        Instant committed = Instant.ofEpochMilli(current.timestampMillis());
        try (tasks) {
            for (FileScanTask task : tasks) {
                if (!task.deletes().isEmpty()) {
                    throw new SyncRefused("Data file " + task.file().location() + " of " + table.name()
                            + " has delete files (row-level deletes), which an append-only sync cannot apply");
                }
                if (task.file().format() != FileFormat.PARQUET) {
                    throw new SyncRefused("Data file " + task.file().location() + " is " + task.file().format()
                            + "; only Parquet data files can be synced");
                }
                String path = task.file().location();
                if (seen.put(path, Boolean.TRUE) == null) {
                    files.put(new SourceFile(path, task.file().fileSizeInBytes(), DATA_FILE_ETAG, committed),
                            task.file().recordCount());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Plan(files, target);
    }

    /** The sync cannot go ahead for a reason the user must act on. */
    public static final class SyncRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SyncRefused(String message) {
            super(message);
        }
    }
}
