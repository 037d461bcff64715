package io.sluice.pipeline;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.pipeline.status.DeploymentDesiredStatus;
import io.sluice.pipeline.status.DeploymentStatus;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StorageStatus;

/**
 * A pipeline as {@code selector=status} returns it: identity, versions and every status field of
 * seed B2. Fields are always serialized, null included.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineStatusInfo", description = "Pipeline status fields (selector=status).")
public class PipelineStatusView {
    @Schema(required = true, description = "Pipeline identifier.") public UUID id;
    @Schema(required = true) public String name;
    @Schema(required = true) public String description;
    @Schema(required = true, description = "Free-form labels used to organize, group, and filter pipelines (Feldera's ClientMetadata).")
    public java.util.List<String> tags;
    @JsonProperty("created_at") @Schema(required = true) public Instant createdAt;
    @Schema(required = true, description = "Version number.") public long version;
    @JsonProperty("platform_version") @Schema(required = true) public String platformVersion;
    @JsonProperty("program_version") @Schema(required = true, description = "Version number.") public long programVersion;
    @JsonProperty("program_status") @Schema(required = true, description = "Program compilation status.") public ProgramStatus programStatus;
    @JsonProperty("program_status_since") @Schema(required = true) public Instant programStatusSince;
    @JsonProperty("deployment_error") @Schema(nullable = true, implementation = io.sluice.api.ApiError.class) public JsonNode deploymentError;
    @JsonProperty("refresh_version") @Schema(required = true, description = "Version number.") public long refreshVersion;
    @JsonProperty("storage_status") @Schema(required = true, description = "Storage status. The storage status can only transition when the resources status is Stopped.") public StorageStatus storageStatus;
    @JsonProperty("storage_status_details") @Schema(nullable = true) public JsonNode storageStatusDetails;
    @JsonProperty("deployment_id") @Schema(nullable = true) public UUID deploymentId;
    @JsonProperty("deployment_initial") @Schema(nullable = true, enumeration = { "Running", "Paused" }) public String deploymentInitial;
    @JsonProperty("deployment_status") @Schema(required = true) public DeploymentStatus deploymentStatus;
    @JsonProperty("deployment_status_since") @Schema(required = true) public Instant deploymentStatusSince;
    @JsonProperty("deployment_desired_status") @Schema(required = true) public DeploymentDesiredStatus deploymentDesiredStatus;
    @JsonProperty("deployment_desired_status_since") @Schema(required = true) public Instant deploymentDesiredStatusSince;
    @JsonProperty("deployment_resources_status") @Schema(required = true, description = "Pipeline resources status.") public ResourcesStatus resourcesStatus;
    @JsonProperty("deployment_resources_status_details") @Schema(nullable = true) public JsonNode resourcesStatusDetails;
    @JsonProperty("deployment_resources_status_since") @Schema(required = true) public Instant resourcesStatusSince;
    @JsonProperty("deployment_resources_desired_status") @Schema(required = true) public ResourcesDesiredStatus resourcesDesiredStatus;
    @JsonProperty("deployment_resources_desired_status_since") @Schema(required = true) public Instant resourcesDesiredStatusSince;
    @JsonProperty("deployment_runtime_status") @Schema(nullable = true, description = "Runtime status of the pipeline.") public RuntimeStatus runtimeStatus;
    @JsonProperty("deployment_runtime_status_details") @Schema(nullable = true) public JsonNode runtimeStatusDetails;
    @JsonProperty("deployment_runtime_status_since") @Schema(nullable = true) public Instant runtimeStatusSince;
    @JsonProperty("deployment_runtime_desired_status") @Schema(nullable = true) public RuntimeDesiredStatus runtimeDesiredStatus;
    @JsonProperty("deployment_runtime_desired_status_since") @Schema(nullable = true) public Instant runtimeDesiredStatusSince;
}
