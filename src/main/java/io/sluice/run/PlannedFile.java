package io.sluice.run;

import java.time.Instant;
import java.util.List;

import io.sluice.format.ByteRange;
import io.sluice.source.SourceFile;

/**
 * One piece of work of a run's partition, as its plan recorded it (JSON in {@code run_partition.files}):
 * a source file, or one byte range of it, loaded into segment {@code segmentId}.
 *
 * @param rangeStart   null for a whole file; else the range's bytes [rangeStart, rangeEnd) whose first data
 *                     row is data row {@code firstRow + 1} of the file, {@code rangeRows} rows in all
 * @param oneTransaction whether the file's rows commit in one transaction (a replacement; an external table's
 *                     sync file) rather than batch by batch
 * @param replaces     segments of earlier versions of the file (or of this version, stale) whose rows this
 *                     file replaces, in its one transaction
 * @param resumedFrom  data rows of the piece committed before this run (resumed after them)
 */
record PlannedFile(String path, long size, String etag, Instant lastModified, long segmentId, Long rangeStart,
        Long rangeEnd, Long firstRow, Long rangeRows, boolean oneTransaction, List<Long> replaces, long resumedFrom) {

    PlannedFile {
        replaces = replaces == null ? List.of() : List.copyOf(replaces);
    }

    static PlannedFile whole(SourceFile f, long segmentId, boolean oneTransaction, List<Long> replaces, long resumedFrom) {
        return new PlannedFile(f.path(), f.size(), f.etag(), f.lastModified(), segmentId, null, null, null, null,
                oneTransaction, replaces, resumedFrom);
    }

    static PlannedFile range(SourceFile f, long segmentId, ByteRange r, long resumedFrom) {
        return new PlannedFile(f.path(), f.size(), f.etag(), f.lastModified(), segmentId, r.start(), r.end(), r.firstRow(),
                r.rows(), false, List.of(), resumedFrom);
    }

    SourceFile file() {
        return new SourceFile(path, size, etag, lastModified);
    }

    /** The byte range, or null for a whole file. */
    ByteRange range() {
        return rangeStart == null ? null : new ByteRange(rangeStart, rangeEnd, firstRow, rangeRows);
    }

    /** The key of its checkpoint in {@code sluice.segment_part}. */
    long partKey() {
        return rangeStart == null ? 0 : rangeStart;
    }

    /** Bytes to read: how plans balance partitions. */
    long bytes() {
        return rangeStart == null ? size : rangeEnd - rangeStart;
    }
}
