package io.sluice.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A run row, read and created through Hibernate; its counters and checkpoints are advanced by the
 * executor with plain SQL in the same transaction as the rows they count.
 */
@Entity
@Table(name = "run", schema = "sluice")
@DynamicUpdate
public class Run extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "pipeline_id")
    public UUID pipelineId;
    public String status;
    public String trigger;
    @Column(name = "load_strategy")
    public String loadStrategy;
    public int partitions;
    @Column(name = "total_rows")
    public Long totalRows;
    @Column(name = "processed_rows")
    public long processedRows;
    @Column(name = "failed_rows")
    public long failedRows;
    @Column(name = "skipped_rows")
    public long skippedRows;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
    @Column(name = "retry_of")
    public UUID retryOf;
    @Column(name = "resume_from_row")
    public Long resumeFromRow;
    public boolean resumable;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "source_prefix")
    public String sourcePrefix;
    /** JSON list of the files the run is about, or null for its source's listing (see migration V7). */
    @Column(name = "source_files")
    public String sourceFiles;

    public RunStatus runStatus() {
        return RunStatus.fromWire(status);
    }
}
