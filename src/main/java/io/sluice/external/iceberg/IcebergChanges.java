package io.sluice.external.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.SnapshotUtil;

import io.sluice.run.SnapshotChanges;
import io.sluice.source.SourceFile;

/**
 * What mirrors an Iceberg table exactly as of its current snapshot, found by files: the table's
 * live data files (Iceberg's scan planning of the snapshot, with the delete files that apply to
 * each) against the data files loaded already and the delete files applied to them. Whatever the
 * snapshots in between did (append, copy-on-write overwrite or delete, merge-on-read deletes, a
 * rewrite), and even when the checkpoint snapshot expired or the table was rolled back past it:
 * <ul>
 * <li>a live data file not loaded → load it (and apply its delete files);</li>
 * <li>a loaded data file no longer live → its rows leave;</li>
 * <li>a loaded data file with delete files not applied yet → apply them;</li>
 * <li>a loaded data file with an applied delete file that no longer applies to it → load it again,
 * then apply those that do.</li>
 * </ul>
 * A rewrite (compaction) thus deletes the rows of the files it replaced and loads the files it
 * wrote, in the sync's one transaction: the same rows, never lost nor doubled.
 */
public final class IcebergChanges {
    private IcebergChanges() {
    }

    /**
     * @param files      the data files to load, with their row counts from the manifests
     * @param changes    what else the sync's transaction changes
     * @param reconciled why the snapshots since the checkpoint could not be followed (expired, rolled
     *                   back), null when they could: the table was reconciled by files either way
     */
    public record Plan(Map<SourceFile, Long> files, SnapshotChanges changes, String reconciled) {
    }

    /**
     * @param checkpoint the snapshot synced last, or null
     * @param loaded     the pipeline's loaded data files, each with the delete files applied to its rows
     */
    public static Plan plan(Table table, Long checkpoint, Map<String, Set<String>> loaded) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            // no snapshot at all (rolled back to before the first): nothing is in the table
            return new Plan(Map.of(), new SnapshotChanges(checkpoint == null ? 0 : checkpoint, List.copyOf(loaded.keySet()),
                    List.of(), List.of()), loaded.isEmpty() ? null : "the table has no current snapshot");
        }
        long target = current.snapshotId();
        if (checkpoint != null && checkpoint == target) {
            // the checkpoint moves only with a committed sync, and /clear drops it with the rows
            return new Plan(Map.of(), SnapshotChanges.loadOnly(target), null);
        }
        String reconciled = null;
        if (checkpoint != null && checkpoint != target && !SnapshotUtil.isAncestorOf(table, target, checkpoint)) {
            reconciled = table.snapshot(checkpoint) == null
                    ? "the checkpoint snapshot " + checkpoint + " expired"
                    : "the checkpoint snapshot " + checkpoint + " is not an ancestor of the current snapshot " + target
                            + " (the table was rolled back)";
        }
        Instant committed = Instant.ofEpochMilli(current.timestampMillis());
        Map<SourceFile, Long> files = new LinkedHashMap<>();
        Set<String> live = new HashSet<>();
        List<SourceFile> reloaded = new ArrayList<>();
        Map<String, SourceFile> deleteFiles = new LinkedHashMap<>();
        Map<String, List<Integer>> equalityIds = new LinkedHashMap<>();
        Map<String, List<String>> appliesTo = new LinkedHashMap<>();
        Map<String, DeletionVectorPositions> vectors = new HashMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(target).planFiles()) {
            for (FileScanTask task : tasks) {
                String path = task.file().location();
                if (!live.add(path)) {
                    continue;
                }
                if (task.file().format() != FileFormat.PARQUET) {
                    throw new IcebergPlanner.SyncRefused("Data file " + path + " of " + table.name() + " is "
                            + task.file().format() + "; only Parquet data files can be synced");
                }
                SourceFile file = new SourceFile(path, task.file().fileSizeInBytes(), IcebergPlanner.DATA_FILE_ETAG, committed);
                List<DeleteFile> deletes = task.deletes();
                Set<String> applied = loaded.get(path);
                Set<String> now = new HashSet<>();
                deletes.forEach(d -> now.add(d.location()));
                List<DeleteFile> toApply;
                if (applied == null) {
                    files.put(file, task.file().recordCount());
                    toApply = deletes;
                } else if (!now.containsAll(applied)) {
                    reloaded.add(file);
                    toApply = deletes;
                } else {
                    toApply = deletes.stream().filter(d -> !applied.contains(d.location())).toList();
                }
                for (DeleteFile d : toApply) {
                    // one Puffin file holds the deletion vectors of several data files, at their offsets
                    String key = ContentFileUtil.isDV(d) ? d.location() + "#" + d.contentOffset() : d.location();
                    if (!deleteFiles.containsKey(key)) {
                        deleteFiles.put(key, deleteFile(table, d, committed));
                        equalityIds.put(key, d.content() == FileContent.EQUALITY_DELETES
                                ? List.copyOf(d.equalityFieldIds()) : List.of());
                        if (ContentFileUtil.isDV(d)) {
                            vectors.put(key, new DeletionVectorPositions(d));
                        }
                    }
                    appliesTo.computeIfAbsent(key, k -> new ArrayList<>()).add(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> removed = loaded.keySet().stream().filter(p -> !live.contains(p)).sorted().toList();
        List<SnapshotChanges.RowDeletes> rowDeletes = new ArrayList<>();
        deleteFiles.forEach((key, file) -> {
            List<Integer> ids = equalityIds.get(key);
            List<String> names = ids.stream().map(id -> {
                String n = table.schema().findColumnName(id);
                return n == null ? "" : n;
            }).toList();
            rowDeletes.add(new SnapshotChanges.RowDeletes(file, ids, names, appliesTo.get(key), vectors.get(key)));
        });
        return new Plan(files, new SnapshotChanges(target, removed, reloaded, rowDeletes), reconciled);
    }

    private static SourceFile deleteFile(Table table, DeleteFile d, Instant committed) {
        if (d.format() != FileFormat.PARQUET && !ContentFileUtil.isDV(d)) {
            throw new IcebergPlanner.SyncRefused("Delete file " + d.location() + " of " + table.name() + " is " + d.format()
                    + " (only Parquet delete files and deletion vectors are supported): its deletes cannot be applied");
        }
        return new SourceFile(d.location(), d.fileSizeInBytes(), IcebergPlanner.DATA_FILE_ETAG, committed);
    }
}
