package io.sluice.run;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs execute. */
@ConfigMapping(prefix = "sluice.run")
public interface RunConfig {
    /**
     * Rows per batch at most: each batch is one COPY and one transaction with its checkpoint. Fewer
     * and larger transactions cost PostgreSQL less (each COPY and commit has a fixed cost), up to
     * {@link #batchCells()}.
     */
    @WithDefault("50000")
    int batchSize();

    /**
     * Values (rows x columns) per batch at most, which bounds the memory of a batch for wide tables:
     * a 7-column table gets {@link #batchSize()} rows, a 100-column one 5,000. A loader holds two
     * batches (one parsed while the other is COPYed), three with {@link #overlapBatches()}.
     */
    @WithDefault("500000")
    int batchCells();

    /**
     * Whether an append run of one partition loads through two connections in turn, so that
     * PostgreSQL takes batch n+1's COPY while batch n's checkpoint statements and commit go (the one
     * backend would wait on each batch's round trips otherwise). Commits stay in order, each with its
     * checkpoint; the partition holds three batches and two connections.
     */
    @WithDefault("true")
    boolean overlapBatches();

    /** The rows of a batch for a table of {@code columns} columns. */
    default int batchRows(int columns) {
        return Math.max(1, Math.min(batchSize(), batchCells() / Math.max(1, columns)));
    }

    /**
     * The lease of a run's coordinator and of each partition's loader: renewed every 2 s by the
     * replica holding it; one not renewed for this long (its replica died, froze, or lost PostgreSQL)
     * is taken over by another replica, which goes on from the checkpoints.
     */
    @WithDefault("10s")
    Duration heartbeatTimeout();

    /** Runs this replica coordinates at once (planning, counting rows, waiting for partitions); further runs wait, pending. */
    @WithDefault("8")
    int maxRuns();

    /** Partitions this replica loads at once, of any runs; more wait for a free slot here or on another replica. */
    @WithDefault("4")
    int maxPartitions();

    /**
     * A replica takes at most its share of one run's partitions (partitions / live replicas) during
     * this long after the run started loading, so they spread over the replicas; then any replica
     * with room takes the rest.
     */
    @WithDefault("3s")
    Duration spreadWait();

    /**
     * While PostgreSQL is unreachable, a partition tries again on a ladder of pauses (1, 2, 4, 8, 15,
     * then every 30 s) and goes on from its checkpoint; it fails (resumed later) only after this long.
     */
    @WithDefault("5m")
    Duration outageLimit();

    /**
     * When a CSV run has more partitions than files, files are cut into byte ranges (at record
     * boundaries) loaded by partitions in parallel, each range at least this large.
     */
    @WithDefault("4M")
    io.quarkus.runtime.configuration.MemorySize splitMinSize();

    /** Provisioning of the target table by a run waits at most this long for locks. */
    @WithDefault("30s")
    Duration tableLockTimeout();
}
