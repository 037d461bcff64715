package io.sluice.pipeline;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** A monitor event with every field ({@code selector=all}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineMonitorEvent")
public class MonitorEventView extends MonitorEventStatusView {
    @JsonProperty("deployment_error") @Schema(nullable = true, implementation = io.sluice.api.ApiError.class, description = "Information returned by REST API endpoints on error.") public JsonNode deploymentError;
    @JsonProperty("deployment_resources_status_details") @Schema(nullable = true) public JsonNode resourcesStatusDetails;
    @JsonProperty("deployment_runtime_status_details") @Schema(nullable = true) public JsonNode runtimeStatusDetails;
    @JsonProperty("storage_status_details") @Schema(nullable = true) public JsonNode storageStatusDetails;
}
