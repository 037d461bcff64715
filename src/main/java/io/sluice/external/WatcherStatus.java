package io.sluice.external;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last sync run of an external table, exactly the seed's document; stored as this JSON in
 * ZooKeeper at {@code /EXTERNAL_TABLE_WATCHER_STATUS/{tableNameWithType}} and served as it is.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "tableNameWithType", "status", "startTimeMs", "endTimeMs", "filesDiscovered", "segmentsGenerated",
        "errorMessage", "checkpointValue" })
@Schema(name = "ExternalTableWatcherStatus")
public record WatcherStatus(
        @Schema(example = "orders_OFFLINE") String tableNameWithType,
        @Schema(required = true) WatcherState status,
        @Schema(description = "Run start time in ms; 0 if IDLE") long startTimeMs,
        @Schema(description = "Run end time in ms; 0 if RUNNING or IDLE") long endTimeMs,
        @Schema(description = "Files found from the catalog in this run") int filesDiscovered,
        @Schema(description = "Segments successfully created and uploaded") int segmentsGenerated,
        @Schema(description = "Populated only on FAILED", nullable = true) String errorMessage,
        @Schema(description = "Snapshot ID or watermark after a successful run: the checkpoint this run reached;"
                + " null on FAILED, where the checkpoint stays where it was (GET .../externalTable/checkpoint)",
                nullable = true) String checkpointValue) {

    public static WatcherStatus idle(String table) {
        return new WatcherStatus(table, WatcherState.IDLE, 0, 0, 0, 0, null, null);
    }

    public static WatcherStatus running(String table, long startMs, int filesDiscovered) {
        return new WatcherStatus(table, WatcherState.RUNNING, startMs, 0, filesDiscovered, 0, null, null);
    }

    /** RUNNING with more segments done (the RUNNING -> RUNNING transition: only a running run makes progress). */
    public WatcherStatus progress(int segments) {
        if (status != WatcherState.RUNNING) {
            throw new IllegalStateException("Watcher status " + status + " makes no progress: no run is going");
        }
        return new WatcherStatus(tableNameWithType, status.to(WatcherState.RUNNING), startTimeMs, 0, filesDiscovered,
                segments, null, null);
    }

    public WatcherStatus completed(long endMs, int segments, String checkpoint) {
        return new WatcherStatus(tableNameWithType, status.to(WatcherState.COMPLETED), startTimeMs, endMs, filesDiscovered,
                segments, null, checkpoint);
    }

    public WatcherStatus failed(long endMs, int segments, String error) {
        return new WatcherStatus(tableNameWithType, status.to(WatcherState.FAILED), startTimeMs, endMs, filesDiscovered,
                segments, error, null);
    }

    /** A new run starting after this one: RUNNING from IDLE, COMPLETED or FAILED. */
    public WatcherStatus restart(long startMs, int files) {
        status.to(WatcherState.RUNNING);
        return running(tableNameWithType, startMs, files);
    }
}
