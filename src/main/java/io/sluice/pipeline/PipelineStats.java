package io.sluice.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.run.RunService;
import io.sluice.run.RunStatus;
import io.sluice.run.RunViews.RunView;

/**
 * {@code GET /v0/pipelines/{name}/stats} in Feldera's ControllerStatus shape, describing the
 * pipeline's current run, else its last one: what Feldera's SDK reads in
 * {@code wait_for_completion()}. Feldera requires every counter of {@code global_metrics} as a
 * number; those a loader does not measure (memory, CPU, storage, bytes, transactions, output stalls)
 * are 0, and the optional ones (commit and bootstrap progress, transaction time and records,
 * checkpoint state) are left out. The pipeline's source is its one input endpoint, with the rows
 * of the run; a loader has no outputs. The same run gives {@code selector=status_with_connectors}
 * its {@code connectors.num_errors}: the rows the run refused.
 */
@ApplicationScoped
public class PipelineStats {
    @Inject
    PipelineService pipelines;
    @Inject
    RunService runs;
    @Inject
    InstantSource clock;

    @Inject
    PipelineJson json;

    @Schema(name = "ControllerStatus", description = "Pipeline statistics (Feldera's /stats shape), from the current or last run.")
    public record Stats(
            @JsonProperty("global_metrics") @Schema(required = true) GlobalMetrics globalMetrics,
            @Schema(required = true, description = "The pipeline's source, if it has one, with the rows of the run") List<InputEndpoint> inputs,
            @Schema(required = true, description = "Always empty: a loader has no output endpoints") List<Object> outputs) {
    }

    @Schema(name = "InputEndpointStatus", description = "The pipeline's source as an input endpoint.")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record InputEndpoint(
            @JsonProperty("endpoint_name") @Schema(required = true, description = "The source's connector") String endpointName,
            @Schema(required = true) EndpointConfig config,
            @Schema(required = true) InputMetrics metrics,
            @Schema(required = true, description = "The pipeline is paused") boolean paused,
            @Schema(required = true, description = "Always false: a loader takes no checkpoints") boolean barrier,
            @JsonProperty("fatal_error") @Schema(nullable = true, description = "Why the run failed") String fatalError,
            @Schema(nullable = true) ConnectorHealth health) {
    }

    @Schema(name = "ShortEndpointConfig")
    public record EndpointConfig(@Schema(required = true, description = "The target table") String stream) {
    }

    @Schema(name = "InputEndpointMetrics", description = "Rows of the current or last run; bytes are not measured (0).")
    public record InputMetrics(
            @JsonProperty("total_bytes") @Schema(minimum = "0") long totalBytes,
            @JsonProperty("total_records") @Schema(minimum = "0", description = "Rows read") long totalRecords,
            @JsonProperty("buffered_records") @Schema(minimum = "0", description = "Rows of a running run not handled yet") long bufferedRecords,
            @JsonProperty("buffered_bytes") @Schema(minimum = "0") long bufferedBytes,
            @JsonProperty("num_transport_errors") @Schema(minimum = "0", description = "Not counted apart: a run's failure is fatal_error (0)") long numTransportErrors,
            @JsonProperty("num_parse_errors") @Schema(minimum = "0", description = "Rows refused by the column types or validation rules") long numParseErrors,
            @JsonProperty("end_of_input") @Schema(description = "The run has finished") boolean endOfInput) {
    }

    @Schema(name = "ConnectorHealth")
    public record ConnectorHealth(
            @Schema(required = true, enumeration = { "Healthy", "Unhealthy" }) String status,
            @Schema(nullable = true) String description) {
    }

    /** Feldera's statistics across connectors ({@code selector=status_with_connectors}). */
    @Schema(name = "ConnectorStats", description = "Statistics across all connectors: the rows the current or last run refused.")
    public record ConnectorStats(@JsonProperty("num_errors") @Schema(required = true, minimum = "0") long numErrors) {
    }

    /** {@code connectors} of {@code selector=status_with_connectors}: the refused rows of the current or last run. */
    public Uni<ConnectorStats> connectors(UUID pipelineId) {
        return runs.list(pipelineId.toString(), 0, 1)
                .map(list -> new ConnectorStats(list.runs().isEmpty() ? 0 : list.runs().get(0).failedRows()));
    }

    @Schema(name = "GlobalControllerMetrics")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record GlobalMetrics(
            @Schema(required = true, enumeration = { "Paused", "Running" }) String state,
            @JsonProperty("bootstrap_in_progress") boolean bootstrapInProgress,
            @JsonProperty("transaction_status") @Schema(required = true) String transactionStatus,
            @JsonProperty("transaction_id") long transactionId,
            @JsonProperty("transaction_initiators") @Schema(required = true) Map<String, Object> transactionInitiators,
            @JsonProperty("concurrent_bootstrap_phase") @Schema(required = true) String concurrentBootstrapPhase,
            @JsonProperty("rss_bytes") long rssBytes,
            @JsonProperty("memory_pressure") @Schema(required = true) String memoryPressure,
            @JsonProperty("memory_pressure_epoch") long memoryPressureEpoch,
            @JsonProperty("cpu_msecs") long cpuMsecs,
            @JsonProperty("uptime_msecs") long uptimeMsecs,
            @JsonProperty("start_time") @Schema(description = "Seconds since the epoch") long startTime,
            @JsonProperty("incarnation_uuid") @Schema(required = true) UUID incarnationUuid,
            @JsonProperty("initial_start_time") long initialStartTime,
            @JsonProperty("storage_bytes") long storageBytes,
            @JsonProperty("storage_mb_secs") long storageMbSecs,
            @JsonProperty("runtime_elapsed_msecs") long runtimeElapsedMsecs,
            @JsonProperty("buffered_input_records") long bufferedInputRecords,
            @JsonProperty("buffered_input_bytes") long bufferedInputBytes,
            @JsonProperty("total_input_records") long totalInputRecords,
            @JsonProperty("total_input_bytes") long totalInputBytes,
            @JsonProperty("total_processed_records") long totalProcessedRecords,
            @JsonProperty("total_processed_bytes") long totalProcessedBytes,
            @JsonProperty("total_completed_records") long totalCompletedRecords,
            @JsonProperty("output_stall_msecs") long outputStallMsecs,
            @JsonProperty("total_initiated_steps") @Schema(description = "Runs started") long totalInitiatedSteps,
            @JsonProperty("total_completed_steps") @Schema(description = "Runs finished") long totalCompletedSteps,
            @JsonProperty("pipeline_complete") @Schema(description = "No run is pending or running") boolean pipelineComplete) {
    }

    public Uni<Stats> of(String name) {
        return pipelines.get(name).chain(p -> runs.list(p.id.toString(), 0, 1)
                .map(list -> stats(p, list.runs().isEmpty() ? null : list.runs().get(0), list.total())));
    }

    private Stats stats(Pipeline p, RunView last, long runCount) {
        Instant now = clock.instant();
        boolean active = last != null && !last.status().isFinished();
        // The Feldera SDK knows only Paused and Running here (it cannot parse Terminated).
        String state = p.runtimeStatus == RuntimeStatus.Paused ? "Paused" : "Running";
        Instant started = last != null && last.startedAt() != null ? last.startedAt()
                : p.resourcesStatusSince != null ? p.resourcesStatusSince : p.createdAt;
        // A run's processedRows counts every row handled, the failed and skipped ones included.
        long handled = last == null ? 0 : last.processedRows();
        long processed = last == null ? 0 : Math.max(0, handled - last.failedRows() - last.skippedRows());
        long input = last == null ? 0 : last.totalRows() != null ? Math.max(last.totalRows(), handled) : handled;
        Map<String, Object> initiators = new java.util.LinkedHashMap<>();
        initiators.put("transaction_id", null);
        initiators.put("initiated_by_api", null);
        initiators.put("initiated_by_connectors", Map.of());
        return new Stats(new GlobalMetrics(state, false, "NoTransaction", 0, initiators, "Inactive", 0, "low", 0, 0,
                Math.max(0, Duration.between(started, now).toMillis()), started.getEpochSecond(),
                p.deploymentId != null ? p.deploymentId : p.id, started.getEpochSecond(), 0, 0,
                last == null ? 0 : last.durationMs(), active ? Math.max(0, input - handled) : 0, 0, input, 0,
                processed, 0, active ? processed : handled, 0, runCount, active ? runCount - 1 : runCount, !active),
                source(p, last, active, input, handled), List.of());
    }

    private List<InputEndpoint> source(Pipeline p, RunView last, boolean active, long input, long handled) {
        if (p.connectorName == null) {
            return List.of();
        }
        String stream = json.tree(p.programInfo) == null ? p.name
                : json.tree(p.programInfo).path("schema").path("inputs").path(0).path("name").asText(p.name);
        boolean failed = last != null && last.status() == RunStatus.FAILED;
        String error = failed ? last.errorMessage() : null;
        InputMetrics metrics = new InputMetrics(0, input, active ? Math.max(0, input - handled) : 0, 0, 0,
                last == null ? 0 : last.failedRows(), last != null && !active);
        return List.of(new InputEndpoint(p.connectorName, new EndpointConfig(stream), metrics,
                p.runtimeStatus == RuntimeStatus.Paused, false, error,
                new ConnectorHealth(failed ? "Unhealthy" : "Healthy", error)));
    }
}
