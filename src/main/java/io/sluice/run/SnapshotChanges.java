package io.sluice.run;

import java.util.List;
import java.util.Map;

import io.sluice.source.SourceFile;

/**
 * What an external Iceberg table's sync changes in its target table besides loading the run's files,
 * all in the run's one transaction ({@link SnapshotTransaction}), so that the table goes from one
 * Iceberg snapshot to the next at once.
 *
 * @param snapshotId the snapshot the table is mirrored as of once the transaction commits
 * @param removed    data files no longer in the table (copy-on-write overwrite or delete, a rewrite,
 *                   an expired or rolled-back range): their rows leave
 * @param reloaded   data files loaded already whose rows are loaded again (a delete file that was
 *                   applied to them no longer applies)
 * @param deletes    delete files whose rows leave the data files they apply to
 */
public record SnapshotChanges(long snapshotId, List<String> removed, List<SourceFile> reloaded, List<RowDeletes> deletes,
        Map<String, Long> rowCounts) {

    public SnapshotChanges {
        removed = List.copyOf(removed);
        reloaded = List.copyOf(reloaded);
        deletes = List.copyOf(deletes);
        rowCounts = Map.copyOf(rowCounts);
    }

    public SnapshotChanges(long snapshotId, List<String> removed, List<SourceFile> reloaded, List<RowDeletes> deletes) {
        this(snapshotId, removed, reloaded, deletes, Map.of());
    }

    /** Only the run's files to load (an append-only table, an append snapshot range). */
    public static SnapshotChanges loadOnly(long snapshotId) {
        return new SnapshotChanges(snapshotId, List.of(), List.of(), List.of());
    }

    /**
     * With the row counts of the files to load as the table's manifests record them (the run's
     * total, without reading any footer), by path.
     */
    public SnapshotChanges withRowCounts(Map<SourceFile, Long> files) {
        Map<String, Long> counts = new java.util.HashMap<>();
        files.forEach((f, rows) -> {
            if (rows != null) {
                counts.put(f.path(), rows);
            }
        });
        return new SnapshotChanges(snapshotId, removed, reloaded, deletes, counts);
    }

    public boolean changesRows() {
        return !removed.isEmpty() || !reloaded.isEmpty() || !deletes.isEmpty();
    }

    /**
     * A merge-on-read delete file and the data files it applies to (as Iceberg's scan planning
     * attaches it to them: by sequence number and partition).
     *
     * @param equalityFieldIds empty for a position delete file (file path and row position); else the
     *                         Iceberg field ids whose values identify the deleted rows
     * @param equalityNames    those fields' current names (for tables whose columns go by name)
     * @param deletionVector   for a deletion vector (format version 3: a blob in a Puffin {@code file} naming
     *                         deleted positions of its one data file), how to read them; null for a Parquet file
     */
    public record RowDeletes(SourceFile file, List<Integer> equalityFieldIds, List<String> equalityNames,
            List<String> dataFiles, DeletedPositions deletionVector) {
        public RowDeletes {
            equalityFieldIds = List.copyOf(equalityFieldIds);
            equalityNames = List.copyOf(equalityNames);
            dataFiles = List.copyOf(dataFiles);
            if (deletionVector != null && (!equalityFieldIds.isEmpty() || dataFiles.size() != 1)) {
                throw new IllegalArgumentException("a deletion vector deletes positions of one data file");
            }
        }

        /** A Parquet delete file. */
        public RowDeletes(SourceFile file, List<Integer> equalityFieldIds, List<String> equalityNames, List<String> dataFiles) {
            this(file, equalityFieldIds, equalityNames, dataFiles, null);
        }

        public boolean positional() {
            return equalityFieldIds.isEmpty();
        }
    }

    /** The deleted row positions (0-based, ascending) of a deletion vector, read from the local copy of the file holding it. */
    @FunctionalInterface
    public interface DeletedPositions {
        long[] read(java.nio.file.Path file) throws java.io.IOException;
    }
}
