package io.sluice.pipeline;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StorageStatus;

/** A monitor event as {@code selector=status} returns it (seed B1). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineMonitorEventStatus")
public class MonitorEventStatusView {
    @JsonProperty("event_id") @Schema(required = true, description = "Pipeline monitor event identifier.") public UUID eventId;
    @JsonProperty("recorded_at") @Schema(required = true) public Instant recordedAt;
    @JsonProperty("deployment_has_error") @Schema(required = true) public boolean deploymentHasError;
    @JsonProperty("deployment_resources_desired_status") @Schema(required = true) public ResourcesDesiredStatus resourcesDesiredStatus;
    @JsonProperty("deployment_resources_status") @Schema(required = true, description = "Pipeline resources status.") public ResourcesStatus resourcesStatus;
    @JsonProperty("deployment_runtime_desired_status") @Schema(nullable = true) public RuntimeDesiredStatus runtimeDesiredStatus;
    @JsonProperty("deployment_runtime_status") @Schema(nullable = true, description = "Runtime status of the pipeline.") public RuntimeStatus runtimeStatus;
    @JsonProperty("program_status") @Schema(required = true, description = "Program compilation status.") public ProgramStatus programStatus;
    @JsonProperty("storage_status") @Schema(required = true, description = "Storage status.") public StorageStatus storageStatus;
}
