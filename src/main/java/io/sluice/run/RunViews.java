package io.sluice.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The /api/v1 run shapes of seed C (camelCase). */
public final class RunViews {
    private RunViews() {
    }

    @Schema(name = "RunLogEntry")
    public record LogEntry(@Schema(required = true) String stage, @Schema(required = true) String message,
            @Schema(required = true) Instant timestamp) {
    }

    @Schema(name = "RowError")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RowErrorView(@Schema(required = true, description = "1-based data row of its source file") long row,
            @Schema(nullable = true) String column, @Schema(nullable = true) String value,
            @Schema(required = true) String error) {
    }

    @Schema(name = "RunMetadata")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Metadata(@Schema(nullable = true) UUID retryOf, @Schema(nullable = true) Long resumeFromRow,
            @Schema(required = true) boolean resumable) {
    }

    @Schema(name = "PipelineRun")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RunView(
            @Schema(required = true) UUID id,
            @Schema(required = true) UUID pipelineId,
            @Schema(required = true) RunStatus status,
            @Schema(required = true, enumeration = { "append", "upsert", "replace" }) String loadStrategy,
            @Schema(required = true, enumeration = { "manual", "retry", "schedule", "poll", "sync" }) String trigger,
            @Schema(required = true) Metadata metadata,
            @Schema(nullable = true) Long totalRows,
            long processedRows,
            long failedRows,
            long skippedRows,
            int partitions,
            @Schema(required = true) Instant createdAt,
            @Schema(nullable = true) Instant startedAt,
            @Schema(nullable = true) Instant finishedAt,
            long durationMs,
            @Schema(nullable = true) String errorMessage,
            @Schema(required = true) List<LogEntry> log) {
    }

    @Schema(name = "RunList")
    public record RunList(@Schema(required = true) List<RunView> runs, @Schema(required = true) long total) {
    }

    @Schema(name = "PartitionDetail")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartitionDetail(int index,
            @Schema(required = true, enumeration = { "pending", "running", "completed", "failed" }) String status,
            long rows, @Schema(description = "Percent done, while running") Integer progress) {
    }

    @Schema(name = "RunProgress")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Progress(
            @Schema(required = true) RunStatus status,
            @Schema(nullable = true) Long totalRows,
            long processedRows,
            long failedRows,
            long skippedRows,
            int partitions,
            int completedPartitions,
            @Schema(required = true) List<PartitionDetail> partitionDetails,
            @Schema(required = true, description = "First 20 validation errors") List<RowErrorView> validationErrors,
            @Schema(nullable = true, description = "Estimated time remaining, e.g. 3m or 1.2h") String eta,
            long durationMs,
            @Schema(required = true, enumeration = { "append", "upsert", "replace" }) String loadStrategy,
            @Schema(required = true) List<LogEntry> log) {
    }

    @Schema(name = "RunErrors")
    public record Errors(@Schema(required = true) UUID runId, long total, @Schema(required = true) List<RowErrorView> errors) {
    }
}
