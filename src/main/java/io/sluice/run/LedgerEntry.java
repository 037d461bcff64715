package io.sluice.run;

import java.util.List;

/**
 * One segment of the ledger: where one version of one source file stands for a pipeline.
 * {@code rows}: data rows consumed so far (loaded, failed or skipped); {@code failedRows}: rows
 * rejected; {@code provenance}: whether its rows carry its id (segments loaded before provenance
 * existed do not, and cannot be replaced row by row).
 */
record LedgerEntry(long id, String path, String etag, long size, SegmentState state, boolean provenance, long rows,
        long failedRows, List<Part> parts) {

    /** A checkpoint: a whole file ({@code rangeEnd} null) or one byte range of a split file. */
    record Part(long rangeStart, Long rangeEnd, long firstRow, Long rangeRows, long consumed, boolean done) {
        boolean isRange() {
            return rangeEnd != null;
        }
    }

    boolean hasRows() {
        return rows > 0 || parts.stream().anyMatch(p -> p.consumed() > 0);
    }
}
