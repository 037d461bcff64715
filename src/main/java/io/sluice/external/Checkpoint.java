package io.sluice.external;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How far an external table is synced (seed A): the Iceberg snapshot id, or for raw S3 tables the
 * last-modified watermark (epoch milliseconds) of the objects loaded; nulls before the first completed run.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "tableNameWithType", "checkpointType", "checkpointValue" })
@Schema(name = "ExternalTableCheckpoint")
public record Checkpoint(
        @Schema(example = "orders_OFFLINE") String tableNameWithType,
        @Schema(description = "SNAPSHOT_ID or TIMESTAMP; null if no onboarding has completed", nullable = true) Type checkpointType,
        @Schema(description = "The snapshot ID or timestamp value; null if no onboarding has completed", nullable = true) String checkpointValue) {

    @Schema(name = "CheckpointType")
    public enum Type {
        SNAPSHOT_ID, TIMESTAMP
    }

    public static Checkpoint none(String table) {
        return new Checkpoint(table, null, null);
    }

    /** The value as a number (snapshot id or epoch ms), null before the first completed run. */
    public Long asLong() {
        return checkpointValue == null ? null : Long.valueOf(checkpointValue);
    }
}
