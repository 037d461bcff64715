package io.sluice.run;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.ValidationRule;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;

/**
 * Everything a run needs, read once when it starts. {@code touchFile}: a name never loaded (polling's
 * marker); {@code sourceFiles}: the files the run is about (a sync's, or a retried run's), null for the
 * source's listing; {@code retryOf}: the run it retries, or null.
 */
record RunJob(
        UUID runId,
        UUID pipelineId,
        String pipelineName,
        TableSpec table,
        LoadStrategy strategy,
        int partitions,
        SourceFormat format,
        Map<String, Object> options,
        Map<String, List<ValidationRule>> validation,
        SourceStore store,
        String prefix,
        String pattern,
        Long maxFailedRows,
        String trigger,
        String touchFile,
        List<SourceFile> sourceFiles,
        UUID retryOf,
        boolean provenance) {

    boolean replace() {
        return strategy == LoadStrategy.REPLACE;
    }

    boolean upsert() {
        return strategy == LoadStrategy.UPSERT;
    }

    /**
     * Whether each file's rows and its segment record commit in one transaction (an external table's
     * sync: a file half loaded by a failed sync is rolled back, so the next sync loads it whole, once;
     * its files are the ones the catalog chose, never listed again).
     */
    boolean segmentPerTransaction() {
        return SYNC.equals(trigger);
    }

    /** The trigger of an external table's sync runs. */
    static final String SYNC = "sync";

    /** Positions of the primary key columns among the table's columns. */
    int[] keyColumns() {
        List<String> names = table.columns().stream().map(c -> c.name()).toList();
        return table.primaryKey().stream().mapToInt(names::indexOf).toArray();
    }
}
